"""Uploaded files, shared by every app that takes them (learning, networks,
events): which files may be uploaded, recognised by their content, never by
their name; where they are stored; and how they are removed. Downloads go
through tillit.core.downloads, never through MEDIA_URL.

`filetype` reads the magic bytes at the start of a file. Office Open XML and
OpenDocument files are ZIP archives, so for them the archive is opened too and
must hold the part that makes it a document of that kind. A file whose content
is none of the allowed types is refused, whatever it is called.

Office files are opened safely (issue 16). Before anything in an archive is
unpacked, its central directory (the index at the end of a ZIP file, read by
`zipfile` without decompressing) must show a document a person could have
saved: at most OFFICE_MAX_MEMBERS members, at most OFFICE_MAX_UNPACKED bytes
unpacked in all, an overall ratio of unpacked to packed bytes of at most
OFFICE_MAX_RATIO once it unpacks to more than OFFICE_RATIO_FROM bytes (text
and XML shrink some 5 to 30 times; a zip bomb of repeated bytes 1,000 times),
no member stored twice under one name, and packed sizes that fit in the file
(members that share their packed bytes are the non-recursive zip bomb). Only
then is the first few bytes of each member read (`_unsafe_member`), and the
rule there is: a document's parts are XML, pictures and media; nothing in it
may be a program or a container of programs. So a member is refused when

- its name ends in an extension Windows runs (EXECUTABLE_EXTENSIONS: .exe,
  .dll, .js, .vbs, .ps1, .msi, ...), or
- its content starts as a program does (MZ for Windows, ELF, Mach-O), or
- its content is an OLE compound file (D0 CF 11 E0): that container is how
  macros (vbaProject.bin), ActiveX controls (activeX*.bin) and embedded
  objects (oleObject*.bin: Packager-wrapped executables, the Equation Editor
  exploits) travel in Office files. Modern embeddings (a chart's workbook, a
  picture) are plain parts and stay allowed, or
- it is a macro part by name (vbaProject.bin, vbaData.xml) or the package
  declares macros ([Content_Types].xml names a macroEnabled or vbaProject
  type: a .docm renamed to .docx), or, in OpenDocument, macros (Basic/,
  Scripts/).

Nested archives (a .docx embedding a workbook) are not unpacked here, and
nothing else in Tillit unpacks them; they are stored and downloaded as sent.

Text files must be UTF-8 or, failing that, Windows-1252 (what old Notepad and
Excel on Swedish and Finnish Windows save), without NUL or other control
characters than tab, line breaks and form feed (so binary junk is refused);
a Windows-1252 file is stored as UTF-8 (`stored_fields`), which is what its
download declares.
"""

import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import spreadsheets


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extension: str
    mime: str
    zip_part: str = ""  # a member every such archive holds


FILE_TYPES = {
    t.key: t
    for t in [
        FileType("pdf", "PDF", "pdf", "application/pdf"),
        FileType(
            "docx",
            "Word (.docx)",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "word/document.xml",
        ),
        FileType(
            "xlsx",
            "Excel (.xlsx)",
            "xlsx",
            spreadsheets.XLSX_TYPE,
            "xl/workbook.xml",
        ),
        FileType(
            "pptx",
            "PowerPoint (.pptx)",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "ppt/presentation.xml",
        ),
        FileType(
            "odt",
            "OpenDocument (.odt)",
            "odt",
            "application/vnd.oasis.opendocument.text",
            "content.xml",
        ),
        FileType("png", "PNG", "png", "image/png"),
        FileType("jpg", "JPEG", "jpg", "image/jpeg"),
        FileType(
            "txt",
            gettext_lazy("Plain text (.txt)"),  # type: ignore[arg-type]
            "txt",
            "text/plain",
        ),
    ]
}
TYPE_CHOICES = [(t.key, t.label) for t in FILE_TYPES.values()]
TEXT_MAX_BYTES = 5 * 1024 * 1024
OFFICE_TYPES = ("docx", "xlsx", "pptx", "odt")
OFFICE_MAX_MEMBERS = 5000
OFFICE_MAX_UNPACKED = 256 * 1024 * 1024
OFFICE_MAX_RATIO = 100
OFFICE_RATIO_FROM = 10 * 1024 * 1024
EXECUTABLE_EXTENSIONS = frozenset(
    [
        ".apk",
        ".app",
        ".bat",
        ".cmd",
        ".com",
        ".cpl",
        ".dll",
        ".exe",
        ".hta",
        ".jar",
        ".js",
        ".jse",
        ".lnk",
        ".msc",
        ".msi",
        ".msp",
        ".ocx",
        ".pif",
        ".ps1",
        ".psm1",
        ".reg",
        ".scr",
        ".sct",
        ".sh",
        ".sys",
        ".vb",
        ".vbe",
        ".vbs",
        ".wsc",
        ".wsf",
        ".wsh",
    ]
)
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",  # Mach-O, 64 bit
    b"\xce\xfa\xed\xfe",  # Mach-O, 32 bit
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE compound file
)
MACRO_PARTS = frozenset({"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"})
MACRO_FOLDERS = ("basic/", "scripts/")  # OpenDocument's macros
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject")
CONTENT_TYPES_PART = "[Content_Types].xml"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
TEXT_CONTROLS_ALLOWED = frozenset("\t\n\r\f")

# Content types a browser will not run: the only ones a download is labelled
# with; anything else goes out as application/octet-stream.
SAFE_CONTENT_TYPES = {t.key: t.mime for t in FILE_TYPES.values()}
SAFE_CONTENT_TYPES["txt"] = "text/plain; charset=utf-8"


def _read(upload, size=None):
    upload.seek(0)
    data = upload.read() if size is None else upload.read(size)
    upload.seek(0)
    return data


def _zip_has(upload, part):
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def decode_text(data):
    """The text of a plain-text upload: UTF-8, else Windows-1252; None when it
    is neither, or holds control characters no text file has (binary junk)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(
            unicodedata.category(c) == "Cc" and c not in TEXT_CONTROLS_ALLOWED
            for c in text
        ):
            return None
        return text
    return None


def _is_text(upload):
    if upload.size > TEXT_MAX_BYTES:
        return False
    text = decode_text(_read(upload))
    if text is None:
        return False
    # A text file that a browser could take for a page is not plain text here.
    start = text.lstrip("\ufeff \t\r\n\f")[:64].lower()
    return not start.startswith(("<!doctype", "<html", "<script", "<svg"))


def sniff(upload):
    """The key in FILE_TYPES of what the content is, or "" when unknown."""
    head = _read(upload, 8192)
    if not head:
        return ""
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    for key in ("pdf", "png", "jpg"):
        if mime == FILE_TYPES[key].mime:
            return key
    if head.startswith(b"PK\x03\x04"):
        for key in ("docx", "xlsx", "pptx", "odt"):
            zip_type = FILE_TYPES[key]
            if _zip_has(upload, zip_type.zip_part) and (
                key != "odt" or mime == zip_type.mime
            ):
                return key
        return ""
    if guess is None and _is_text(upload):
        return "txt"
    return ""


def check(upload, *, allowed, max_mb):
    """The file type of an upload, or ValidationError saying what is wrong."""
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(
            _("%(name)s is %(size)s; files may be at most %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(max_mb * 1024 * 1024),
            },
            code="too_large",
        )
    kind = sniff(upload)
    if kind not in allowed:
        raise ValidationError(
            _(
                "%(name)s is not a file of an allowed type (%(types)s). Its "
                "content was checked, not its name."
            )
            % {"name": upload.name, "types": describe(allowed)},
            code="wrong_type",
        )
    if kind in OFFICE_TYPES:
        _check_archive(upload)
    return kind


def _check_archive(upload):
    """Refuse an Office file that unpacks to too much, or that carries a
    program or macros (the rules are at the top of this module)."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if _is_bomb(members, upload.size):
                raise ValidationError(
                    _(
                        "%(name)s unpacks to far more than a document does, "
                        "so it was not opened. Save it again from the program "
                        "that made it, or as PDF."
                    )
                    % {"name": upload.name},
                    code="zip_bomb",
                )
            if any(_unsafe_member(archive, member) for member in members):
                raise ValidationError(
                    _(
                        "%(name)s contains macros, a program or an embedded "
                        "object, which are not accepted. Save it as a document "
                        "without them, or as PDF."
                    )
                    % {"name": upload.name},
                    code="unsafe_content",
                )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as e:
        # RuntimeError: an encrypted member; NotImplementedError (one of them):
        # a compression method zipfile lacks. Either way it cannot be checked.
        raise ValidationError(
            _("%(name)s could not be opened to be checked. Save it again, or as PDF.")
            % {"name": upload.name},
            code="unreadable",
        ) from e
    finally:
        upload.seek(0)


def _is_bomb(members, packed_size):
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    names = [m.filename for m in members]
    return (
        len(members) > OFFICE_MAX_MEMBERS
        or unpacked > OFFICE_MAX_UNPACKED
        or (unpacked > OFFICE_RATIO_FROM and unpacked > OFFICE_MAX_RATIO * packed)
        or packed > packed_size
        or len(set(names)) != len(names)
    )


def _unsafe_member(archive, member):
    name = member.filename.lower()
    base = name.rsplit("/", 1)[-1]
    if (
        name.startswith(MACRO_FOLDERS)
        or base in MACRO_PARTS
        or any(base.endswith(extension) for extension in EXECUTABLE_EXTENSIONS)
    ):
        return True
    if member.is_dir() or member.file_size == 0:
        return False
    with archive.open(member) as part:
        if member.filename == CONTENT_TYPES_PART:
            declared = part.read(CONTENT_TYPES_MAX_BYTES).lower()
            return any(word in declared for word in MACRO_CONTENT_TYPES)
        return part.read(8).startswith(EXECUTABLE_MAGIC)


def describe(keys):
    return ", ".join(str(FILE_TYPES[key].label) for key in keys if key in FILE_TYPES)


def download_name(stored):
    """The original name with the extension of the recognised type, so a file
    is saved as what it really is."""
    stem = stored.original_name.rsplit(".", 1)[0] or "file"
    stem = "".join(c for c in stem if c.isprintable() and c not in '\\/:*?"<>|')
    return f"{stem[:120] or 'file'}.{FILE_TYPES[stored.file_type].extension}"


def random_path(folder):
    """Where a new upload is stored under `folder` ("networks/files"): a random
    name, so nobody can guess or list another person's file. The original name
    stays in the database (StoredFile.original_name)."""
    return f"{folder}/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


def stored_fields(upload, *, kind, actor):
    """The fields of a StoredFile for an upload whose content check() found to
    be `kind`, uploaded by `actor`. Text is stored as UTF-8, so a file saved
    in Windows-1252 downloads as the UTF-8 its download declares."""
    if kind == "txt":
        data = _read(upload)
        text = decode_text(data)
        if text is not None and text.encode("utf-8") != data:
            upload = ContentFile(text.encode("utf-8"), name=upload.name)
    return {
        "file": upload,
        "original_name": upload.name[:255],
        "file_type": kind,
        "size": upload.size,
        "uploaded_by": actor,
    }


def delete(stored):
    """Remove a stored file and its row; the file goes after the commit."""
    name, storage = stored.file.name, stored.file.storage
    stored.delete()
    transaction.on_commit(lambda: storage.delete(name))
