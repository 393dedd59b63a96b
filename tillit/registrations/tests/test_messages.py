import pytest

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import selectors, services
from tillit.registrations.models import CohortMessage, Registration
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Audience = CohortMessage.Audience


@pytest.fixture
def cohort():
    return CohortFactory(name="Våren 2027")


@pytest.fixture
def organiser(cohort):
    return OrganiserFactory(organiser_of=cohort.programme.organiser)


def send(cohort, organiser, recipients, **fields):
    values = {
        "actor": organiser,
        "audience": Audience.CONFIRMED,
        "recipients": recipients,
        "subject": "Inför första träffen",
        "body": "Välkomna!\nTa med dator.",
        "key": "form-1",
    }
    return services.send_message(cohort, **(values | fields))


def test_participants_are_the_confirmed_people_by_name(cohort):
    bertil = RegistrationFactory(cohort=cohort, person__last_name="Berg").person
    anna = RegistrationFactory(cohort=cohort, person__last_name="Ahl").person
    RegistrationFactory(cohort=cohort, status=Registration.Status.WAITLISTED)
    RegistrationFactory(cohort=cohort, status=Registration.Status.CANCELLED)

    people = list(selectors.participants(cohort))

    assert people == [anna, bertil]


def test_waitlisted_people_are_only_those_on_the_waitlist(cohort):
    RegistrationFactory(cohort=cohort)
    waiting = RegistrationFactory(
        cohort=cohort, status=Registration.Status.WAITLISTED
    ).person

    assert list(selectors.waitlisted_people(cohort)) == [waiting]


def test_a_message_records_one_outbox_mail_per_recipient(cohort, organiser):
    people = PersonFactory.create_batch(3)

    _message, created = send(cohort, organiser, people)

    assert created
    mails = Notification.objects.filter(kind=Notification.Kind.COHORT_MESSAGE)
    assert sorted(mails.values_list("person", flat=True)) == sorted(
        p.pk for p in people
    )
    assert {m.subject for m in mails} == {"Inför första träffen"}
    assert all("Ta med dator." in m.body for m in mails)


def test_a_message_is_recorded_on_the_cohort_with_its_count(cohort, organiser):
    people = PersonFactory.create_batch(2)

    message, _created = send(cohort, organiser, people, audience=Audience.WAITLIST)

    assert list(selectors.cohort_messages(cohort)) == [message]
    assert message.recipients_count == 2
    assert message.audience == Audience.WAITLIST
    assert message.sender == organiser


def test_the_same_form_posted_twice_sends_once(cohort, organiser):
    people = PersonFactory.create_batch(2)
    first, _created = send(cohort, organiser, people)

    again, created = send(cohort, organiser, people)

    assert not created
    assert again == first
    assert CohortMessage.objects.count() == 1
    assert Notification.objects.filter(kind="cohort_message").count() == 2


def test_the_mail_tells_why_the_person_gets_it_in_their_language(cohort, organiser):
    finn = PersonFactory(preferred_language="en")

    send(
        cohort,
        organiser,
        [finn],
        audience=Audience.NOT_SUBMITTED,
        assignment_title="Reflektion 1",
    )

    mail = Notification.objects.get(person=finn)
    assert "have not yet handed in “Reflektion 1”" in mail.body
    assert organiser.get_full_name() in mail.body


def test_the_mail_keeps_the_text_as_written(cohort, organiser):
    person = PersonFactory()

    send(cohort, organiser, [person], body='Kom kl. <9> & ta med "boken".')

    mail = Notification.objects.get(person=person)
    assert 'Kom kl. <9> & ta med "boken".' in mail.body


def test_a_message_to_nobody_is_refused(cohort, organiser):
    with pytest.raises(services.MessageRefused):
        send(cohort, organiser, [])

    assert not CohortMessage.objects.exists()


def test_a_message_without_a_subject_is_refused(cohort, organiser):
    with pytest.raises(services.MessageRefused):
        send(cohort, organiser, [PersonFactory()], subject="  ")


def test_a_group_that_changed_since_the_preview_is_refused(cohort, organiser):
    with pytest.raises(services.RecipientsChanged):
        send(cohort, organiser, PersonFactory.create_batch(3), expected=2)

    assert not Notification.objects.exists()


def test_the_preview_is_the_mail_the_recipient_gets(cohort, organiser):
    person = PersonFactory()
    subject, body = services.preview_message(
        cohort,
        actor=organiser,
        recipient=person,
        audience=Audience.CONFIRMED,
        subject="Inför första träffen",
        body="Välkomna!",
    )

    send(cohort, organiser, [person], body="Välkomna!")

    mail = Notification.objects.get(person=person)
    assert (subject, body) == (mail.subject, mail.body)


def test_the_mail_is_sent_by_the_worker(
    cohort, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory()

    with django_capture_on_commit_callbacks(execute=True):
        send(cohort, organiser, [person])

    assert [m.to for m in mailoutbox] == [[person.email]]
    assert mailoutbox[0].subject == "Inför första träffen"
