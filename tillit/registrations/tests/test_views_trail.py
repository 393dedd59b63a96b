"""The organiser's change log of a programme (registrations:organiser-trail)."""

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.programmes.tests.test_views_organiser import cohort_data
from tillit.registrations.models import RegistrationEvent
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def organiser(programme):
    return OrganiserFactory(organiser_of=programme.organiser, first_name="Åsa")


def _trail(client, programme, **params):
    return client.get(
        reverse("registrations:organiser-trail", args=[programme.pk]), params
    )


def test_an_edit_through_the_page_shows_who_what_when_before_and_after(
    client, organiser, programme
):
    cohort = CohortFactory(programme=programme, capacity=10, waitlist_enabled=True)
    client.force_login(organiser)
    client.post(
        reverse("registrations:organiser-cohort-edit", args=[cohort.pk]),
        cohort_data(name=cohort.name, capacity="12", waitlist_enabled=""),
    )

    response = _trail(client, programme)

    assert response.status_code == 200
    updates = LogEntry.objects.get_for_object(cohort).filter(
        action=LogEntry.Action.UPDATE
    )
    assert updates and {entry.actor for entry in updates} == {organiser}
    text = response.text
    assert "Changed: Cohort" in text
    assert organiser.get_full_name() in text
    assert "Seats:" in text and "10" in text and "12" in text
    assert "Waitlist:" in text and "yes" in text and "no" in text
    assert 'datetime="' in text


def test_a_new_row_lists_its_own_fields_only(client, organiser, programme):
    CohortFactory(programme=programme, capacity=10)
    client.force_login(organiser)

    response = _trail(client, programme)

    created = response.context["page"].object_list[0]
    fields = [change.field for change in created.changes]
    assert "Seats" in fields
    assert "ID" not in fields
    assert not [field for field in fields if "_" in field]  # no reverse relations


def test_choice_fields_read_as_their_labels(client, organiser, programme):
    session = SessionFactory(cohort=CohortFactory(programme=programme), mode="online")
    client.force_login(organiser)
    with set_actor(organiser):
        session.mode = "on_site"
        session.save()

    response = _trail(client, programme)

    mode = session._meta.get_field("mode")
    labels = dict(mode.choices)
    assert str(labels["on_site"]) in response.text
    assert ">on_site<" not in response.text


def test_a_deleted_session_stays_in_the_trail(client, organiser, programme):
    session = SessionFactory(
        cohort=CohortFactory(programme=programme), title="Dag 3: Styrning"
    )
    client.force_login(organiser)
    with set_actor(organiser):
        session.delete()

    response = _trail(client, programme)

    assert "Deleted: Session" in response.text
    assert "Dag 3: Styrning" in response.text


def test_registration_events_of_the_programme_are_in_the_trail(
    client, organiser, programme
):
    registration = RegistrationFactory(cohort=CohortFactory(programme=programme))
    RegistrationEvent.objects.create(
        registration=registration,
        action=RegistrationEvent.Action.WAITLISTED,
        actor=registration.person,
        note="Full omgång",
    )
    client.force_login(organiser)

    response = _trail(client, programme)

    assert "Joined the waitlist" in response.text
    assert registration.person.get_full_name() in response.text
    assert "Full omgång" in response.text


def test_other_programmes_changes_are_not_shown(client, organiser, programme):
    CohortFactory(programme=ProgrammeFactory(), name="Någon annans omgång")
    client.force_login(organiser)

    response = _trail(client, programme)

    assert "Någon annans omgång" not in response.text


def test_the_cohort_filter_keeps_that_cohorts_changes(client, organiser, programme):
    spring = CohortFactory(programme=programme, name="Våren 2027")
    autumn = CohortFactory(programme=programme, name="Hösten 2027")
    RegistrationEvent.objects.create(
        registration=RegistrationFactory(cohort=autumn),
        action=RegistrationEvent.Action.REGISTERED,
    )
    client.force_login(organiser)

    response = _trail(client, programme, cohort=spring.pk)

    entries = response.context["page"].object_list
    assert [entry.subject for entry in entries] == [str(spring)]


def test_the_date_filter_keeps_the_days_asked_for(client, organiser, programme):
    CohortFactory(programme=programme)
    # Everything so far (the programme, the first cohort) happened 40 days ago.
    LogEntry.objects.update(timestamp=timezone.now() - dt.timedelta(days=40))
    new = CohortFactory(programme=programme, name="Ny omgång")
    client.force_login(organiser)
    since = timezone.localdate() - dt.timedelta(days=1)

    response = _trail(client, programme, since=since.isoformat())

    subjects = [entry.subject for entry in response.context["page"].object_list]
    assert subjects == [str(new)]


def test_a_last_day_before_the_first_is_an_error_beside_the_field(
    client, organiser, programme
):
    client.force_login(organiser)

    response = _trail(client, programme, since="2027-05-02", until="2027-05-01")

    assert response.status_code == 200
    assert "The last day cannot be before the first." in response.text


def test_the_trail_is_paged_with_newest_first(client, organiser, programme):
    for number in range(55):
        CohortFactory(programme=programme, name=f"Omgång {number:02d}")
    client.force_login(organiser)

    first = _trail(client, programme)
    second = _trail(client, programme, page=2)

    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[0].subject.endswith("Omgång 54")
    # 55 cohorts made, and the programme itself
    assert len(second.context["page"].object_list) == 6


def test_the_trail_reads_a_bounded_number_of_queries(
    client, organiser, programme, django_assert_max_num_queries
):
    for _ in range(5):
        RegistrationEvent.objects.create(
            registration=RegistrationFactory(cohort=CohortFactory(programme=programme)),
            action=RegistrationEvent.Action.REGISTERED,
        )
    client.force_login(organiser)

    with django_assert_max_num_queries(16):
        _trail(client, programme)


def test_another_organiser_gets_not_found(client, programme):
    client.force_login(OrganiserFactory(organiser_of=ProgrammeFactory().organiser))

    assert _trail(client, programme).status_code == 404


def test_a_participant_gets_not_found(client, programme):
    registration = RegistrationFactory(cohort=CohortFactory(programme=programme))
    client.force_login(registration.person)

    assert _trail(client, programme).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, programme):
    response = _trail(client, programme)

    assert response.status_code == 302


def test_the_programme_page_links_to_the_change_log(client, organiser, programme):
    client.force_login(organiser)

    response = client.get(
        reverse("registrations:organiser-programme", args=[programme.pk])
    )

    url = reverse("registrations:organiser-trail", args=[programme.pk])
    assert f'href="{url}"' in response.text


def test_the_change_log_is_called_andringslogg_in_swedish(client, organiser, programme):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    client.force_login(organiser)

    response = _trail(client, programme)

    assert "<h1>Ändringslogg</h1>" in response.text


def test_a_refused_look_at_the_trail_is_in_the_security_log(client, programme):
    from tillit.core.models import SecurityEvent

    person = PersonFactory()
    client.force_login(person)

    _trail(client, programme)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ACCESS_REFUSED)
    assert event.person == person
    assert "/trail/" in event.detail
