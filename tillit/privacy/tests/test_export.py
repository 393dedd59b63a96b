import io
import json
import zipfile

import pytest
from django.urls import reverse

from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import PersonFactory
from tillit.learning.tests.factories import SubmissionFactory
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
