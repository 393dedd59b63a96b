"""Uploaded files, shared by every app that takes them (learning, networks,
events): which files may be uploaded, recognised by their content, never by
their name; where they are stored; and how they are removed. Downloads go
through tillit.core.downloads, never through MEDIA_URL.

`filetype` reads the magic bytes at the start of a file. Office Open XML and
OpenDocument files are ZIP archives, so for them the archive is opened too and
must hold the part that makes it a document of that kind. Text files must be
UTF-8 without NUL bytes. A file whose content is none of the allowed types is
refused, whatever it is called.
"""

import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
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


def _is_text(upload):
    if upload.size > TEXT_MAX_BYTES:
        return False
    data = _read(upload)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # A text file that a browser could take for a page is not plain text here.
    start = data.lstrip()[:64].lower()
    return not start.startswith((b"<!doctype", b"<html", b"<script", b"<svg"))


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
    return kind


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
    be `kind`, uploaded by `actor`."""
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
