import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tillit.accounts import services
from tillit.accounts.models import Invitation
from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs `action` and sends the mail it queued (the outbox sends on commit)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


LINK = re.compile(r"https?://\S+/accounts/invitation/\S+/\S+/")


def _invited(**fields):
    person = PersonFactory(password=None, **fields)
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return person


def _main(response):
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def _link_in(message):
    return LINK.search(message.body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_an_invitation_mails_a_link_in_the_persons_language(mailoutbox, sent):
    person = _invited(preferred_language="sv", first_name="Astrid")

    sent(
        services.invite, person, actor=PersonFactory(first_name="Hanna", last_name="HR")
    )

    (message,) = mailoutbox
    assert message.to == [person.email]
    assert "Hej Astrid" in message.body
    assert "Hanna HR" in message.body
    assert LINK.search(message.body)


def test_someone_who_has_activated_is_not_invited(mailoutbox):
    person = PersonFactory()  # has a password

    assert services.invite(person) is None
    assert mailoutbox == []


def test_the_link_lets_the_person_choose_a_password_and_signs_them_in(
    client, mailoutbox, sent
):
    person = _invited()
    sent(services.invite, person)
    path = "/" + _link_in(mailoutbox[0])

    page = client.get(path)
    response = client.post(
        path,
        {"new_password1": "Ett-långt-lösen-42", "new_password2": "Ett-långt-lösen-42"},
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start")
    person.refresh_from_db()
    assert person.check_password("Ett-långt-lösen-42")
    assert client.session["_auth_user_id"] == str(person.pk)
    assert EmailAddress.objects.get(user=person).verified
    assert Invitation.objects.get(person=person).accepted_at is not None
    assert SecurityEvent.objects.filter(
        person=person, kind=SecurityEvent.Kind.INVITATION_ACCEPTED
    ).exists()


def test_a_used_link_leads_to_a_page_that_sends_a_new_one(client, mailoutbox, sent):
    person = _invited()
    sent(services.invite, person)
    path = "/" + _link_in(mailoutbox[0])
    client.post(
        path,
        {"new_password1": "Ett-långt-lösen-42", "new_password2": "Ett-långt-lösen-42"},
    )
    client.logout()

    response = client.get(path)

    assert response.status_code == 200
    assert reverse("accounts:new-link") in response.text
    assert 'name="new_password1"' not in response.text


def test_an_expired_link_leads_to_a_page_that_sends_a_new_one(
    client, mailoutbox, settings, sent
):
    person = _invited()
    sent(services.invite, person)
    path = "/" + _link_in(mailoutbox[0])
    settings.TILLIT_INVITATION_DAYS = -1

    response = client.get(path)

    assert reverse("accounts:new-link") in response.text
    assert 'name="new_password1"' not in response.text


def test_asking_for_a_new_link_sends_one_without_telling_who_exists(
    client, mailoutbox, sent
):
    person = _invited()
    url = reverse("accounts:new-link")

    known = sent(client.post, url, {"email": person.email})
    unknown = sent(client.post, url, {"email": "nobody@example.org"})

    assert len(mailoutbox) == 1 and mailoutbox[0].to == [person.email]
    assert Invitation.objects.get(person=person).times_sent == 1
    assert known.status_code == unknown.status_code == 200
    assert _main(known).replace(person.email, "X") == _main(unknown).replace(
        "nobody@example.org", "X"
    )


def test_sending_again_counts_and_each_mail_has_its_own_link(mailoutbox, sent):
    person = _invited()

    sent(services.invite, person)
    sent(services.invite, person)

    assert Invitation.objects.get(person=person).times_sent == 2
    assert len(mailoutbox) == 2


def test_a_new_mentor_made_by_an_organiser_is_invited(mailoutbox, sent):
    from tillit.mentoring import services as mentoring

    person = sent(
        mentoring.create_person,
        email="extern.mentor@example.org",
        first_name="Eva",
        last_name="Extern",
    )

    assert Invitation.objects.filter(person=person).exists()
    assert [m.to for m in mailoutbox] == [["extern.mentor@example.org"]]


def test_sign_up_on_a_listed_domain_joins_the_organisation(client, mailoutbox, sent):
    from tillit.accounts.models import EmailDomain

    organisation = OrganisationFactory()
    EmailDomain.objects.create(
        organisation=organisation, domain="kommun.example.org", signup_allowed=True
    )

    sent(
        client.post,
        reverse("account_signup"),
        {
            "email": "ny.chef@kommun.example.org",
            "first_name": "Ny",
            "last_name": "Chef",
            "password1": "Ett-långt-lösen-42",
            "password2": "Ett-långt-lösen-42",
        },
    )
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mailoutbox[0].body).group(1)
    client.post(reverse("account_confirm_email", kwargs={"key": key}))

    person = EmailAddress.objects.get(email="ny.chef@kommun.example.org").user
    assert person.organisation == organisation
    assert person.first_name == "Ny"


def test_sign_up_with_an_address_outside_the_listed_domains_is_refused(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "privat@example.com",
            "first_name": "Pri",
            "last_name": "Vat",
            "password1": "Ett-långt-lösen-42",
            "password2": "Ett-långt-lösen-42",
        },
    )

    assert response.status_code == 200
    assert "invitation" in response.text
    assert not EmailAddress.objects.filter(email="privat@example.com").exists()
