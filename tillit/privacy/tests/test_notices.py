import pytest
from django.urls import reverse

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.privacy.models import PrivacyContact, RetentionRule
from tillit.privacy.selectors import notice_slug

pytestmark = pytest.mark.django_db

FOOTER = {
    "sv": "Integritetsmeddelanden",
    "fi": "Tietosuojaselosteet",
    "en": "Privacy notices",
}


def test_the_privacy_page_lists_every_controller(client):
    organisation = OrganisationFactory(name="Kammarkollegiet")

    response = client.get(reverse("privacy:index"))

    assert response.status_code == 200
    url = reverse("privacy:notice", kwargs={"slug": notice_slug(organisation)})
    assert url.encode() in response.content


def test_a_notice_names_the_data_the_rules_and_the_contact(client):
    organisation = OrganisationFactory(name="Kammarkollegiet")
    RetentionRule.objects.create(
        organisation=organisation,
        kind="hr_import_files",
        keep_days=90,
        decision="Dnr 2026/12",
    )
    PrivacyContact.objects.create(
        organisation=organisation,
        person=PersonFactory(),
        public_email="dataskydd@example.org",
    )
    client.cookies["django_language"] = "en"

    response = client.get(
        reverse("privacy:notice", kwargs={"slug": notice_slug(organisation)})
    )

    text = response.content.decode()
    assert "Kammarkollegiet" in text
    assert "Dnr 2026/12" in text and "90 days" in text
    assert "dataskydd@example.org" in text
    assert "Your rights" in text
    assert "registrations" in text.lower()


def test_a_notice_with_an_old_slug_redirects_to_the_current_one(client):
    organisation = OrganisationFactory(name="Kammarkollegiet")

    response = client.get(f"/privacy/{organisation.pk}-old-name/")

    assert response.status_code == 302
    assert response["Location"].endswith(notice_slug(organisation) + "/")


def test_an_unknown_notice_is_not_found(client):
    assert client.get("/privacy/999999-nobody/").status_code == 404


@pytest.mark.parametrize("language", ["sv", "fi", "en"])
def test_every_page_footer_links_the_privacy_notices(client, language):
    client.cookies["django_language"] = language

    response = client.get(reverse("core:cookies"))

    text = response.content.decode()
    assert reverse("privacy:index") in text
    assert FOOTER[language] in text


@pytest.mark.parametrize("language", ["sv", "fi", "en"])
def test_the_notice_is_translated(client, language):
    organisation = OrganisationFactory()
    client.cookies["django_language"] = language
    heading = {"sv": "Dina rättigheter", "fi": "Oikeutesi", "en": "Your rights"}

    response = client.get(
        reverse("privacy:notice", kwargs={"slug": notice_slug(organisation)})
    )

    assert heading[language] in response.content.decode()


def test_my_pages_menu_links_my_data(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("core:cookies"))

    assert reverse("privacy:my-data").encode() in response.content


def test_every_mail_ends_with_the_privacy_link(mailoutbox):
    from tillit.notifications.services import deliver
    from tillit.notifications.tests.factories import NotificationFactory

    notification = NotificationFactory()

    deliver(notification.pk)

    assert "/privacy/" in mailoutbox[0].body


def test_a_privacy_contact_finds_the_erasure_requests_in_the_menu(client):
    contact = PersonFactory()
    PrivacyContact.objects.create(organisation=contact.organisation, person=contact)
    client.force_login(contact)

    response = client.get(reverse("core:cookies"))

    assert reverse("privacy:erasures").encode() in response.content


def test_a_participant_has_no_erasure_requests_in_the_menu(client):
    client.force_login(PersonFactory())

    response = client.get(reverse("core:cookies"))

    assert reverse("privacy:erasures").encode() not in response.content
