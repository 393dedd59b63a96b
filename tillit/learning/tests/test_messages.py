"""An organiser's message to a group of a cohort's people: who is in each
group, the form, the preview with the count, sending once."""

import pytest
from django.conf import settings
from django.urls import reverse

from tillit.core.tests.factories import OrganiserFactory
from tillit.learning import selectors, services
from tillit.learning.tests.factories import AssignmentFactory, SubmissionFactory
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations.models import CohortMessage, Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Audience = CohortMessage.Audience
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def cohort():
    return CohortFactory(name="Våren 2027")


@pytest.fixture
def organiser(cohort):
    return OrganiserFactory(organiser_of=cohort.programme.organiser)


@pytest.fixture
def assignment(cohort):
    return AssignmentFactory(session=SessionFactory(cohort=cohort), cohort=cohort)


def confirmed(cohort, n=1):
    return [RegistrationFactory(cohort=cohort).person for _i in range(n)]


def message_url(cohort):
    return reverse("learning:cohort-message", args=[cohort.pk])


def form_data(**fields):
    return {
        "recipients": "confirmed",
        "subject": "Inför första träffen",
        "body": "Välkomna!",
        "key": KEY,
    } | fields


# Who gets it ----------------------------------------------------------------------


def test_not_handed_in_is_the_confirmed_participants_without_a_submission(
    cohort, assignment
):
    handed_in, revising, missing = confirmed(cohort, 3)
    SubmissionFactory(assignment=assignment, person=handed_in)
    SubmissionFactory(assignment=assignment, person=revising, status="revise")
    RegistrationFactory(cohort=cohort, status=Registration.Status.WAITLISTED)

    people = list(selectors.not_handed_in(assignment))

    assert people == [missing]


def test_a_submission_to_another_assignment_does_not_count(cohort, assignment):
    (person,) = confirmed(cohort)
    other = AssignmentFactory(session=SessionFactory(cohort=cohort), cohort=cohort)
    SubmissionFactory(assignment=other, person=person)

    assert list(selectors.not_handed_in(assignment)) == [person]


def test_recipients_of_the_waitlist_are_the_people_waiting(cohort):
    confirmed(cohort, 2)
    waiting = RegistrationFactory(
        cohort=cohort, status=Registration.Status.WAITLISTED
    ).person

    people = selectors.message_recipients(cohort, Audience.WAITLIST)

    assert list(people) == [waiting]


def test_an_assignment_of_another_cohort_is_refused(cohort):
    other = AssignmentFactory()

    with pytest.raises(ValueError):
        selectors.message_recipients(cohort, Audience.NOT_SUBMITTED, other)


def test_message_cohort_mails_those_who_have_not_handed_in(
    cohort, organiser, assignment
):
    handed_in, missing = confirmed(cohort, 2)
    SubmissionFactory(assignment=assignment, person=handed_in)

    message, created = services.message_cohort(
        cohort,
        actor=organiser,
        audience=Audience.NOT_SUBMITTED,
        assignment=assignment,
        subject="Påminnelse",
        body="Glöm inte uppgiften.",
        key=KEY,
    )

    assert created
    assert message.recipients_count == 1
    assert message.assignment_title == assignment.title
    mails = Notification.objects.filter(kind=Notification.Kind.COHORT_MESSAGE)
    assert [m.person for m in mails] == [missing]


# Pages ----------------------------------------------------------------------------


def test_the_message_form_is_not_found_for_another_organisations_organiser(
    client, cohort
):
    client.force_login(OrganiserFactory(organiser_of=ProgrammeFactory().organiser))
    confirmed(cohort, 2)

    shown = client.get(message_url(cohort))
    sent = client.post(message_url(cohort), form_data(confirmed="yes", expected=2))

    assert shown.status_code == 404
    assert sent.status_code == 404
    assert not Notification.objects.exists()


def test_a_participant_cannot_message_the_cohort(client, cohort):
    (participant,) = confirmed(cohort)
    client.force_login(participant)

    assert client.get(message_url(cohort)).status_code == 404


def test_the_form_offers_each_assignment_as_a_group(
    client, cohort, organiser, assignment
):
    client.force_login(organiser)

    response = client.get(message_url(cohort))

    assert response.status_code == 200
    assert f'value="not_submitted:{assignment.pk}"' in response.text
    assert 'name="key"' in response.text


def test_the_preview_shows_the_count_the_names_and_the_mail(client, cohort, organiser):
    people = confirmed(cohort, 3)
    client.force_login(organiser)

    response = client.post(message_url(cohort), form_data())

    assert response.status_code == 200
    assert "The message goes by e-mail to 3 people" in response.text
    assert "Send to 3 people" in response.text
    assert all(p.get_full_name() in response.text for p in people)
    assert "Inför första träffen" in response.text
    assert not Notification.objects.exists()


def test_the_preview_of_an_empty_group_offers_no_send_button(client, cohort, organiser):
    confirmed(cohort, 2)
    client.force_login(organiser)

    response = client.post(message_url(cohort), form_data(recipients="waitlist"))

    assert "Nobody is in the group you chose" in response.text
    assert 'name="confirmed"' not in response.text


def test_a_missing_subject_is_shown_beside_the_field(client, cohort, organiser):
    client.force_login(organiser)

    response = client.post(message_url(cohort), form_data(subject=""))

    assert response.status_code == 200
    assert 'id="id_subject_error"' in response.text


def test_confirming_sends_once_and_lists_the_message_on_the_cohort_page(
    client, cohort, organiser
):
    confirmed(cohort, 2)
    client.force_login(organiser)
    data = form_data(confirmed="yes", expected=2)

    first = client.post(message_url(cohort), data)
    client.post(message_url(cohort), data)
    page = client.get(reverse("registrations:organiser-cohort", args=[cohort.pk]))

    assert first.status_code == 302
    assert CohortMessage.objects.get().recipients_count == 2
    assert Notification.objects.filter(kind="cohort_message").count() == 2
    assert "Sent messages" in page.text
    assert "Inför första träffen" in page.text


def test_a_group_that_grew_since_the_preview_is_previewed_again(
    client, cohort, organiser
):
    confirmed(cohort, 3)
    client.force_login(organiser)

    response = client.post(message_url(cohort), form_data(confirmed="yes", expected=2))

    assert response.status_code == 200
    assert "The group has changed since you saw it" in response.text
    assert "Send to 3 people" in response.text
    assert not CohortMessage.objects.exists()


def test_change_the_message_returns_to_the_filled_in_form(client, cohort, organiser):
    confirmed(cohort)
    client.force_login(organiser)

    response = client.post(message_url(cohort), form_data(edit="1"))

    assert "Inför första träffen" in response.text
    assert 'name="subject"' in response.text
    assert not CohortMessage.objects.exists()


def test_the_cohort_page_links_to_the_message_form_and_the_pdfs(
    client, cohort, organiser
):
    client.force_login(organiser)

    page = client.get(reverse("registrations:organiser-cohort", args=[cohort.pk]))

    assert message_url(cohort) in page.text
    assert reverse("learning:cohort-participants-pdf", args=[cohort.pk]) in page.text
    assert reverse("learning:cohort-attendance-pdf", args=[cohort.pk]) in page.text
