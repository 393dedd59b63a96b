import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.evaluations import services as evaluation_services
from tillit.evaluations.models import Evaluation
from tillit.events import selectors, services
from tillit.events.models import Invitation, InvitationRound
from tillit.events.tests.factories import make_event
from tillit.learning.models import Attendance
from tillit.networks.models import Membership, Network
from tillit.notifications.models import Notification
from tillit.programmes import selectors as programme_selectors
from tillit.programmes.models import Programme
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration

pytestmark = pytest.mark.django_db
Status = Registration.Status
HELSINKI = ZoneInfo("Europe/Helsinki")


def test_creating_an_event_makes_its_cohort_in_the_organisations_event_series():
    event = make_event()
    other = make_event(event.organiser, title="Morgonträff")

    series = event.cohort.programme
    assert series.kind == Programme.Kind.EVENT_SERIES
    assert other.cohort.programme == series
    assert event.session.cohort == event.cohort
    assert event.cohort.capacity == 100


def test_the_event_series_is_titled_in_each_language_with_the_organisers_name():
    ministry = OrganisationFactory(
        name_sv="Finansministeriet", name_fi="Valtiovarainministeriö", country="FI"
    )

    series = services.event_series(ministry)

    assert series.title_fi == "Tapahtumat – Valtiovarainministeriö"
    assert series.title_sv == "Evenemang – Finansministeriet"
    assert series.summary_fi and series.summary_fi != series.summary_sv


def test_an_event_series_made_in_swedish_only_gets_its_finnish_title():
    ministry = OrganisationFactory(
        name_sv="Finansministeriet", name_fi="Valtiovarainministeriö", country="FI"
    )
    series = services.event_series(ministry)
    Programme.objects.filter(pk=series.pk).update(title_fi="", summary_fi="")

    series = services.event_series(ministry)

    assert series.title_fi == "Tapahtumat – Valtiovarainministeriö"


def test_event_series_never_show_in_the_programme_catalogue():
    event = make_event()

    titles = [p.title for p in programme_selectors.catalogue()]

    assert event.cohort.programme.title not in titles


def test_an_event_on_site_needs_a_place():
    with pytest.raises(ValidationError) as error:
        make_event(format="on_site")

    assert "place" in error.value.message_dict


def test_registration_must_close_before_the_event_ends():
    start = timezone.now() + dt.timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        make_event(
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            registration_closes_at=start + dt.timedelta(hours=2),
        )

    assert "registration_closes_at" in error.value.message_dict


def test_registration_is_waitlisted_when_the_event_is_full():
    event = make_event(capacity=1)
    services.register(PersonFactory(), event)

    registration = services.register(PersonFactory(), event)

    assert registration.status == Status.WAITLISTED


def test_cancelling_a_seat_promotes_the_first_person_waiting():
    event = make_event(capacity=1)
    first = services.register(PersonFactory(), event)
    waiting = services.register(PersonFactory(), event)

    services.cancel(first)

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_registering_twice_is_refused():
    event = make_event()
    person = PersonFactory()
    services.register(person, event)

    with pytest.raises(registration_services.AlreadyRegistered):
        services.register(person, event)


def test_an_unpublished_event_takes_no_registrations():
    event = make_event(is_published=False)

    with pytest.raises(registration_services.RegistrationClosed):
        services.register(PersonFactory(), event)


def test_more_seats_go_to_the_waitlist_at_once():
    event = make_event(capacity=1)
    services.register(PersonFactory(), event)
    waiting = services.register(PersonFactory(), event)

    services.update_event(event, actor=None, capacity=2)

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_moving_an_event_grows_the_sessions_sequence_and_keeps_cohort_dates():
    event = make_event()
    later = event.starts_at + dt.timedelta(days=1)

    services.update_event(
        event, actor=None, starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )

    event.session.refresh_from_db()
    event.cohort.refresh_from_db()
    assert event.session.sequence == 1
    assert event.cohort.starts_on == timezone.localdate(later, HELSINKI)


def test_a_talk_must_end_after_it_starts():
    event = make_event()

    with pytest.raises(ValidationError):
        services.add_talk(
            event,
            actor=None,
            starts_at=dt.time(10, 0),
            ends_at=dt.time(9, 0),
            title="Inledning",
        )


# Invitations ----------------------------------------------------------------


def _network(event, members):
    network = Network.objects.create(
        kind=Network.Kind.FORUM,
        name="Forumet för ledningen inom statsförvaltningen",
        slug="forumet",
        owner=event.organiser,
    )
    for person in members:
        Membership.objects.create(
            network=network,
            person=person,
            status=Membership.Status.ACTIVE,
            joined_at=timezone.now(),
        )
    return network


def test_inviting_a_network_invites_its_active_members_once_each(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event()
    members = PersonFactory.create_batch(3)
    network = _network(event, members)
    Membership.objects.create(
        network=network, person=PersonFactory(), status=Membership.Status.LEFT
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.invite(event, actor=None, audience="network", network=network)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.invite(event, actor=None, audience="network", network=network)

    assert (first.matched, first.invited) == (3, 3)
    assert (second.matched, second.invited) == (3, 0)
    assert Invitation.objects.filter(event=event).count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in members)
    assert event.title in mailoutbox[0].subject


def test_a_person_in_two_audiences_gets_one_invitation(mailoutbox):
    event = make_event()
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation)
    _network_ = _network(event, [person])

    services.invite(event, actor=None, audience="network", network=_network_)
    services.invite(
        event, actor=None, audience="organisations", organisations=[organisation]
    )

    assert Invitation.objects.filter(person=person).count() == 1
    assert (
        Notification.objects.filter(
            person=person, kind=Notification.Kind.EVENT_INVITATION
        ).count()
        == 1
    )


def test_a_target_group_invites_people_matching_every_list():
    event = make_event()
    state = OrganisationFactory(sector="state", kind="agency")
    director = PersonFactory(organisation=state, managerial_level="top")
    PersonFactory(organisation=state, managerial_level="middle")
    PersonFactory(managerial_level="top")  # municipal

    invitation_round = services.invite(
        event,
        actor=None,
        audience="target_group",
        sectors=["state"],
        managerial_levels=["top"],
    )

    assert invitation_round.invited == 1
    assert event.invitations.get().person == director
    assert "State" in selectors.describe_round(invitation_round) or "Stat" in (
        selectors.describe_round(invitation_round)
    )


def test_an_empty_target_group_is_refused():
    event = make_event()

    with pytest.raises(services.EventError):
        services.invite(event, actor=None, audience="target_group")

    assert not InvitationRound.objects.exists()


def test_a_network_of_another_organisation_cannot_be_invited():
    event = make_event()
    other = Network.objects.create(
        kind=Network.Kind.OPEN,
        name="Kehikko",
        slug="kehikko",
        owner=OrganisationFactory(),
    )

    with pytest.raises(services.EventError):
        services.invite(event, actor=None, audience="network", network=other)


# Attendance, evaluation, reminders ------------------------------------------


def test_the_organiser_marks_a_registered_person_present():
    event = make_event()
    person = PersonFactory()
    services.register(person, event)

    services.mark_attended(event, person, actor=None, present=True)

    assert selectors.attendees(event).attended == {person.pk}
    assert Attendance.objects.get().status == Attendance.Status.PRESENT


def test_someone_without_a_seat_cannot_be_marked_present():
    event = make_event()

    with pytest.raises(services.EventError):
        services.mark_attended(event, PersonFactory(), actor=None, present=True)


def test_attendees_list_seats_waitlist_and_attended():
    event = make_event(capacity=1)
    seated, waiting = PersonFactory(), PersonFactory()
    services.register(seated, event)
    services.register(waiting, event)
    services.mark_attended(event, seated, actor=None, present=True)

    attendees = selectors.attendees(event)

    assert [r.person for r in attendees.confirmed] == [seated]
    assert [r.person for r in attendees.waitlist] == [waiting]
    assert attendees.n_attended == 1


def test_an_evaluation_attached_to_the_events_cohort_invites_those_with_a_seat(
    mailoutbox,
):
    event = make_event(days_ahead=1)
    seated, waiting = PersonFactory(), PersonFactory()
    services.update_event(event, actor=None, capacity=1)
    services.register(seated, event)
    services.register(waiting, event)
    form = evaluation_services.copy_standard_form(event.organiser, actor=None)

    evaluation = evaluation_services.attach(form, event.cohort, actor=None)
    invited = evaluation_services.invite_after_sessions(
        now=event.ends_at + dt.timedelta(minutes=5)
    )

    assert evaluation.opens_at == event.ends_at
    assert invited == 1
    assert Evaluation.objects.get().cohort == event.cohort
    assert (
        Notification.objects.get(kind=Notification.Kind.EVALUATION_INVITATION).person
        == seated
    )


def test_reminders_go_to_people_with_a_seat_once_within_the_window(mailoutbox):
    event = make_event(days_ahead=3, reminder_days=2)
    seated = PersonFactory()
    services.register(seated, event)
    too_early = event.starts_at - dt.timedelta(days=3)
    in_window = event.starts_at - dt.timedelta(days=1)

    assert services.send_event_reminders(too_early) == 0
    assert services.send_event_reminders(in_window) == 1
    assert services.send_event_reminders(in_window) == 0
    reminder = Notification.objects.get(kind=Notification.Kind.EVENT_REMINDER)
    assert reminder.person == seated


def test_a_moved_event_is_reminded_of_again():
    event = make_event(days_ahead=3)
    services.register(PersonFactory(), event)
    services.send_event_reminders(event.starts_at - dt.timedelta(days=1))
    later = event.starts_at + dt.timedelta(hours=2)
    services.update_event(
        event, actor=None, starts_at=later, ends_at=later + dt.timedelta(hours=1)
    )

    recorded = services.send_event_reminders(later - dt.timedelta(days=1))

    assert recorded == 1


# Material ------------------------------------------------------------------------


def test_a_material_file_is_checked_by_its_content():
    event = make_event(days_ahead=-10)
    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>x</script></html>")

    with pytest.raises(ValidationError):
        services.add_material_file(event, actor=None, upload=fake)


def test_a_pdf_is_stored_as_material(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    event = make_event(days_ahead=-10)
    pdf = SimpleUploadedFile(
        "Offentligt ledarskap.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj"
    )

    stored = services.add_material_file(event, actor=None, upload=pdf)

    assert stored.file_type == "pdf"
    assert selectors.past_events()[0].material_files.get() == stored


def test_the_event_is_in_the_personal_calendar_feed_of_people_with_a_seat():
    from tillit.programmes import calendar

    event = make_event()
    seated, waiting = PersonFactory(), PersonFactory()
    services.update_event(event, actor=None, capacity=1)
    services.register(seated, event)
    services.register(waiting, event)

    assert list(calendar.person_sessions(seated)) == [event.session]
    assert list(calendar.person_sessions(waiting)) == []
