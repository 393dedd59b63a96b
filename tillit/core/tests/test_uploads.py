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


@pytest.mark.parametrize(
    "content",
    ["Reflektion åäö".encode("latin-1"), b"text with a \x00 NUL byte"],
    ids=["latin-1", "nul"],
)
def test_text_that_is_not_clean_utf8_is_refused(content):
    with pytest.raises(ValidationError):
        uploads.check(upload("svar.txt", content), allowed=["txt"], max_mb=1)


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
