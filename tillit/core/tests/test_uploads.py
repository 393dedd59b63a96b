import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tillit.core import uploads
from tillit.core.tests.factories import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    office_bytes,
    pdf_upload,
    upload,
)

ALL = list(uploads.FILE_TYPES)


def test_a_pdf_is_recognised_by_its_content():
    assert uploads.check(pdf_upload(), allowed=["pdf"], max_mb=1) == "pdf"


def test_a_pdf_named_as_text_is_still_a_pdf():
    assert uploads.sniff(upload("notes.txt", PDF_BYTES)) == "pdf"


@pytest.mark.parametrize(
    "content",
    [
        EXE_BYTES,
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"<html><body onload='x()'></body></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>",
    ],
    ids=["executable", "html-doctype", "html", "svg"],
)
def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(content):
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("svar.pdf", content), allowed=ALL, max_mb=1)

    assert error.value.code == "wrong_type"


def test_a_docx_must_hold_a_word_document():
    assert uploads.sniff(upload("a.docx", office_bytes())) == "docx"
    assert uploads.sniff(upload("a.xlsx", office_bytes("xl/workbook.xml"))) == "xlsx"
    assert uploads.sniff(upload("a.pptx", office_bytes("ppt/presentation.xml"))) == (
        "pptx"
    )


def test_a_plain_zip_named_docx_is_refused():
    content = office_bytes("something/else.xml")

    with pytest.raises(ValidationError):
        uploads.check(upload("svar.docx", content), allowed=["docx"], max_mb=1)


def test_a_png_is_refused_where_only_documents_are_allowed():
    with pytest.raises(ValidationError):
        uploads.check(upload("bild.pdf", PNG_BYTES), allowed=["pdf", "docx"], max_mb=1)


def test_utf8_text_is_plain_text():
    content = "Reflektion om ledarskap: åäö ÅÄÖ.\n".encode()

    assert uploads.check(upload("svar.txt", content), allowed=["txt"], max_mb=1) == (
        "txt"
    )


CP1252_TEXT = "Reflektion om ledarskap – åäö ÅÄÖ, “citat” för 10 €.\r\n"


def test_windows_1252_text_from_old_notepad_is_accepted_and_stored_as_utf8():
    content = CP1252_TEXT.encode("cp1252")
    sent = upload("svar.txt", content)

    kind = uploads.check(sent, allowed=["txt"], max_mb=1)
    fields = uploads.stored_fields(sent, kind=kind, actor=None)

    assert kind == "txt"
    assert fields["file"].read() == CP1252_TEXT.encode("utf-8")
    assert fields["size"] == len(CP1252_TEXT.encode("utf-8"))
    assert fields["original_name"] == "svar.txt"


def test_utf8_text_is_stored_as_it_came():
    sent = upload("svar.txt", "Åsa och Päivi\n".encode())

    fields = uploads.stored_fields(sent, kind="txt", actor=None)

    assert fields["file"] is sent


@pytest.mark.parametrize(
    "content",
    [
        b"text with a \x00 NUL byte",
        b"\x1b[31mterminal\x07 escapes\x02\x03",
        bytes(range(1, 256)) * 4,
        b"Reflektion \x81\x8d\x8f\x90\x9d",
    ],
    ids=["nul", "control-characters", "binary-junk", "bytes-cp1252-lacks"],
)
def test_text_that_is_neither_utf8_nor_windows_1252_text_is_refused(content):
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("svar.txt", content), allowed=["txt"], max_mb=1)

    assert error.value.code == "wrong_type"


def test_html_in_windows_1252_is_not_plain_text():
    content = "<!DOCTYPE html><p>åäö</p>".encode("cp1252")

    assert uploads.sniff(upload("svar.txt", content)) == ""


def test_a_file_over_the_size_limit_is_refused():
    big = upload("svar.txt", b"a" * (1024 * 1024 + 1))

    with pytest.raises(ValidationError) as error:
        uploads.check(big, allowed=["txt"], max_mb=1)

    assert error.value.code == "too_large"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        uploads.check(upload("svar.txt", b""), allowed=["txt"], max_mb=1)


def test_a_real_workbook_is_recognised_as_xlsx():
    import io

    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "Närvaro"
    workbook.save(buffer)

    kind = uploads.check(
        upload("närvaro.xlsx", buffer.getvalue()), allowed=["xlsx"], max_mb=1
    )

    assert kind == "xlsx"


def test_a_stored_upload_gets_an_unguessable_name_in_its_folder():
    first = uploads.random_path("networks/files")
    second = uploads.random_path("networks/files")

    folder, bucket, name = first.rsplit("/", 2)
    assert folder == "networks/files"
    assert len(bucket) == 2 and len(name) == 32
    assert first != second


def test_a_download_is_named_for_what_its_content_is():
    class Stored:
        original_name = 'rapport: "slutlig".exe'
        file_type = "pdf"

    assert uploads.download_name(Stored()) == "rapport slutlig.pdf"


# Office files opened safely (issue 16) --------------------------------------------


def zip_bomb_docx(unpacked_mb=300):
    """A real .docx of one compressed MB or so that unpacks to `unpacked_mb`
    MB of zeros: deflate packs those some 1,000 to 1."""
    buffer = io.BytesIO()
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/filler.bin", "w", force_zip64=True) as part:
            for _ in range(unpacked_mb):
                part.write(chunk)
    return buffer.getvalue()


def office_with(members, main_part="word/document.xml", content_types="<Types/>"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(main_part, "<document/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_docx_is_refused_without_being_unpacked(monkeypatch):
    content = zip_bomb_docx(300)
    assert len(content) < 2 * 1024 * 1024

    def no_unpacking(*args, **kwargs):
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    with pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", content), allowed=ALL, max_mb=25)

    assert error.value.code == "zip_bomb"
    assert "rapport.docx unpacks to far more than a document does" in str(
        error.value.messages[0]
    )


def test_a_docx_under_the_size_cap_with_a_1000_to_1_ratio_is_a_zip_bomb():
    content = zip_bomb_docx(20)

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", content), allowed=ALL, max_mb=25)

    assert error.value.code == "zip_bomb"


def test_a_zip_whose_members_share_their_packed_bytes_is_a_zip_bomb():
    """The non-recursive zip bomb: many central-directory entries point at
    one packed member, so the packed sizes add up to more than the file."""
    noise = random.Random(16).randbytes(64 * 1024)  # packs to its own size
    content = office_with({"word/media/a.png": noise})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        shared = archive.getinfo("word/media/a.png")
    directory_start = content.index(b"PK\x01\x02")
    end = bytearray(content[content.rindex(b"PK\x05\x06") :])
    directory = content[directory_start : content.rindex(b"PK\x05\x06")]
    copies = b"".join(
        _central_entry(shared, f"word/media/copy{n}.png".encode()) for n in range(50)
    )
    count = int.from_bytes(end[10:12], "little") + 50
    end[8:10] = end[10:12] = count.to_bytes(2, "little")
    end[12:16] = (len(directory) + len(copies)).to_bytes(4, "little")
    forged = content[:directory_start] + directory + copies + bytes(end)
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:
        assert len(archive.infolist()) == 53

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", forged), allowed=ALL, max_mb=25)

    assert error.value.code == "zip_bomb"


def _central_entry(entry, name):
    """A central-directory record for `name` pointing at `entry`'s data."""

    def little(value, size):
        return value.to_bytes(size, "little")

    return (
        b"PK\x01\x02"
        + little(20, 2) * 2
        + little(0, 2)
        + little(entry.compress_type, 2)
        + little(0, 4)
        + little(entry.CRC, 4)
        + little(entry.compress_size, 4)
        + little(entry.file_size, 4)
        + little(len(name), 2)
        + little(0, 8)
        + little(0, 4)
        + little(entry.header_offset, 4)
        + name
    )


@pytest.mark.parametrize(
    "name",
    [
        "word/embeddings/setup.exe",
        "word/media/helper.DLL",
        "word/run.bat",
        "word/script.js",
        "word/macro.vbs",
        "customXml/tool.ps1",
        "word/screen.scr",
        "word/install.msi",
    ],
)
def test_a_docx_with_a_program_inside_is_refused(name):
    content = office_with({name: EXE_BYTES})

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", content), allowed=ALL, max_mb=25)

    assert error.value.code == "unsafe_content"
    assert "contains macros, a program or an embedded object" in str(
        error.value.messages[0]
    )


def test_an_executable_disguised_as_a_picture_inside_a_docx_is_refused():
    content = office_with({"word/media/image1.png": EXE_BYTES})

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", content), allowed=ALL, max_mb=25)

    assert error.value.code == "unsafe_content"


OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("main_part", "name"),
    [
        ("word/document.xml", "word/vbaProject.bin"),
        ("xl/workbook.xml", "xl/vbaProject.bin"),
        ("ppt/presentation.xml", "ppt/embeddings/oleObject1.bin"),
        ("word/document.xml", "word/activeX/activeX1.bin"),
        ("word/document.xml", "word/embeddings/innocent.dat"),
    ],
    ids=["docx-macros", "xlsx-macros", "pptx-ole-object", "activex", "renamed-ole"],
)
def test_an_office_file_with_macros_or_an_ole_object_is_refused(main_part, name):
    content = office_with({name: OLE_BYTES}, main_part=main_part)

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("fil", content), allowed=ALL, max_mb=25)

    assert error.value.code == "unsafe_content"


def test_a_macro_enabled_document_renamed_to_docx_is_refused():
    content_types = (
        '<Types><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    )
    content = office_with({}, content_types=content_types)

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("mall.docx", content), allowed=ALL, max_mb=25)

    assert error.value.code == "unsafe_content"


def test_an_opendocument_text_with_basic_macros_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("Basic/Standard/Module1.xml", "<script:module/>")

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("a.odt", buffer.getvalue()), allowed=ALL, max_mb=25)

    assert error.value.code == "unsafe_content"


def test_a_docx_with_pictures_and_an_embedded_workbook_is_accepted():
    workbook = office_with({}, main_part="xl/workbook.xml")
    content = office_with(
        {
            "word/media/image1.png": PNG_BYTES,
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook,
            "word/charts/chart1.xml": "<c:chartSpace/>" * 500,
        }
    )

    assert uploads.check(upload("rapport.docx", content), allowed=ALL, max_mb=25) == (
        "docx"
    )


def test_a_large_but_ordinary_workbook_is_accepted():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    for row in range(20_000):
        workbook.active.append([row, f"Deltagare {row}", "Enhetschef", row * 1.5])
    workbook.save(buffer)

    kind = uploads.check(
        upload("deltagare.xlsx", buffer.getvalue()), allowed=["xlsx"], max_mb=25
    )

    assert kind == "xlsx"


def test_an_office_file_with_an_encrypted_member_cannot_be_checked_and_is_refused():
    content = bytearray(office_with({"word/styles.xml": "<styles/>"}))
    # Set the "encrypted" flag of every member in the central directory.
    start = 0
    while (start := content.find(b"PK\x01\x02", start)) != -1:
        content[start + 8] |= 0x01
        start += 4

    with pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", bytes(content)), allowed=ALL, max_mb=25)

    assert error.value.code == "unreadable"


def test_a_300_mb_upload_is_refused_before_its_body_is_read(rf, settings):
    """The request cap (tillit.core.headers) answers 413 from the
    Content-Length alone; the body of 300 MB is never read."""
    from tillit.core.headers import SecurityHeadersMiddleware

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    request = rf.generic(
        "POST",
        "/",
        b"",
        content_type="multipart/form-data; boundary=x",
        **{"CONTENT_LENGTH": str(300 * 1024 * 1024), "wsgi.input": Unreadable()},
    )

    def view(request):
        request.FILES  # noqa: B018
        raise AssertionError("the upload reached the view")

    response = SecurityHeadersMiddleware(view)(request)

    assert settings.REQUEST_MAX_BYTES < 300 * 1024 * 1024
    assert response.status_code == 413
    assert "The request is too large" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sv", "innehåller makron, ett program eller ett inbäddat objekt"),
        ("fi", "sisältää makroja, ohjelman tai upotetun objektin"),
    ],
)
def test_a_refused_office_file_is_explained_in_the_readers_language(language, words):
    from django.utils import translation

    content = office_with({"word/vbaProject.bin": OLE_BYTES})

    with translation.override(language), pytest.raises(ValidationError) as error:
        uploads.check(upload("rapport.docx", content), allowed=ALL, max_mb=25)

    assert f"rapport.docx {words}" in error.value.messages[0]
