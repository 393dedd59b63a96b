import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import PersonFactory
from tillit.learning.models import SubmissionFile
from tillit.learning.tests.factories import SubmissionFactory
from tillit.privacy import services
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _download(client):
    response = client.get(reverse("privacy:my-data-download"))
    content = b"".join(response.streaming_content)
    return response, zipfile.ZipFile(io.BytesIO(content))


def test_the_download_holds_readable_html_and_json_of_ones_own_data(client):
    person = PersonFactory(first_name="Greta", last_name="Lind")
    RegistrationFactory(person=person)
    SubmissionFactory(person=person, text="Mitt svar om styrning")
    client.force_login(person)

    response, archive = _download(client)

    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(archive.read("data.json"))
    labels = {section["label"] for section in data["sections"]}
    assert {
        "core.Person",
        "registrations.Registration",
        "learning.Submission",
    } <= labels
    html = archive.read("index.html").decode()
    assert "Greta Lind" in html and "Mitt svar om styrning" in html


def test_the_download_holds_only_ones_own_data_and_no_password(client):
    person = PersonFactory()
    other = PersonFactory(last_name="Främlingsson")
    SubmissionFactory(person=other, text="Någon annans svar")
    client.force_login(person)

    _response, archive = _download(client)

    text = archive.read("data.json").decode()
    assert "Någon annans svar" not in text and "Främlingsson" not in text
    assert person.password not in text and '"password"' not in text


def test_the_download_is_written_to_the_security_log(client):
    person = PersonFactory()
    client.force_login(person)

    _download(client)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.DATA_EXPORTED)
    assert event.person == person
    assert "/my-data/" in event.detail


def test_my_data_needs_sign_in(client):
    response = client.get(reverse("privacy:my-data-download"))

    assert response.status_code == 302
    assert not SecurityEvent.objects.filter(kind="data_exported").exists()


def test_my_data_page_counts_rows_and_links_the_download(client):
    person = PersonFactory()
    RegistrationFactory(person=person)
    client.force_login(person)

    response = client.get(reverse("privacy:my-data"))

    assert response.status_code == 200
    assert reverse("privacy:my-data-download").encode() in response.content


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _hand_in(person, name, content):
    submission = SubmissionFactory(person=person)
    return SubmissionFile.objects.create(
        submission=submission,
        file=ContentFile(content, name="stored-as-random.pdf"),
        original_name=name,
        file_type="pdf",
        size=len(content),
        uploaded_by=person,
    )


def test_the_download_holds_ones_uploaded_files_linked_from_the_page(client, media):
    person = PersonFactory()
    stored = _hand_in(person, "../../Mitt svar – styrning.pdf", b"%PDF-1.7 mitt svar")
    client.force_login(person)

    _response, archive = _download(client)

    path = f"files/learning-submissionfile/{stored.pk}-file-Mitt_svar__styrning.pdf"
    assert archive.read(path) == b"%PDF-1.7 mitt svar"
    assert all(name.startswith("files/") for name in archive.namelist()[:-2])
    assert f'href="{path}"' in archive.read("index.html").decode()
    data = json.loads(archive.read("data.json"))
    (section,) = [
        s for s in data["sections"] if s["label"] == "learning.SubmissionFile"
    ]
    assert section["rows"][0]["file"] == {
        "name": "../../Mitt svar – styrning.pdf",
        "file": path,
    }


def test_a_file_missing_from_storage_is_listed_with_a_note(client, media):
    person = PersonFactory()
    stored = _hand_in(person, "borta.pdf", b"%PDF-1.7")
    stored.file.storage.delete(stored.file.name)
    client.force_login(person)

    response, archive = _download(client)

    assert response.status_code == 200
    assert not [n for n in archive.namelist() if n.startswith("files/")]
    html = archive.read("index.html").decode()
    assert "borta.pdf" in html and "no longer in storage" in html


def test_files_over_the_size_bound_are_listed_not_included(client, media, monkeypatch):
    monkeypatch.setattr(services, "EXPORT_FILES_MAX_BYTES", 10)
    person = PersonFactory()
    _hand_in(person, "liten.pdf", b"%PDF-1")
    _hand_in(person, "stor.pdf", b"%PDF-1.7 mer an tio byte")
    client.force_login(person)

    _response, archive = _download(client)

    included = [n for n in archive.namelist() if n.startswith("files/")]
    assert [n.rsplit("-", 1)[-1] for n in included] == ["liten.pdf"]
    html = archive.read("index.html").decode()
    assert "stor.pdf" in html and "larger than" in html
