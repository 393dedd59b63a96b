import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tillit.core.tests.factories import OrganiserFactory, PersonFactory
from tillit.evaluations.models import EvaluationForm
from tillit.learning.models import (
    Assignment,
    CompletionRule,
    Milestone,
    Preparation,
)
from tillit.notifications.models import Notification
from tillit.programmes import calendar, self_service
from tillit.programmes.models import Cohort, Programme, Session
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
    TargetRuleFactory,
)
from tillit.registrations import selectors as registration_selectors
from tillit.registrations.models import Registration
from tillit.registrations.services import cancellation
from tillit.registrations.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def cohort():
    return CohortFactory(capacity=1)


@pytest.fixture
def organiser(cohort):
    return OrganiserFactory(organiser_of=cohort.programme.organiser)


def test_editing_a_programme_keeps_every_field_it_did_not_change():
    programme = ProgrammeFactory(
        description="Sex digitala sammankomster.",
        fee=12500,
        is_internal=True,
        kind=Programme.Kind.PROGRAMME,
    )
    programme.themes.create(name="Styrning")
    before = Programme.objects.filter(pk=programme.pk).values().get()

    self_service.update_programme(
        programme, actor=OrganiserFactory(), title="Strategisk styrning 2027"
    )

    after = Programme.objects.filter(pk=programme.pk).values().get()
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"title"}
    assert programme.themes.count() == 1


def test_editing_target_rules_replaces_them():
    programme = ProgrammeFactory()
    TargetRuleFactory(programme=programme, sectors=["state"])

    self_service.update_programme(
        programme,
        actor=OrganiserFactory(),
        target_rules=[
            {"sectors": ["municipal"], "role_categories": [], "managerial_levels": []}
        ],
    )

    assert [r.sectors for r in programme.target_rules.all()] == [["municipal"]]


def test_editing_refuses_an_unknown_target_rule_value():
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError):
        self_service.update_programme(
            programme,
            actor=OrganiserFactory(),
            target_rules=[{"sectors": ["pirates"]}],
        )


def test_cancelling_a_session_marks_it_and_raises_its_calendar_sequence(
    cohort, organiser
):
    session = SessionFactory(cohort=cohort)

    self_service.cancel_session(session, actor=organiser)

    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert session.sequence == 1
    ics = calendar.cohort_calendar(cohort, calendar.cohort_sessions(cohort))
    text = ics.decode() if isinstance(ics, bytes) else str(ics)
    assert "STATUS:CANCELLED" in text
    assert "SEQUENCE:1" in text


def test_cancelling_a_session_tells_confirmed_and_waitlisted_people(cohort, organiser):
    session = SessionFactory(cohort=cohort)
    seat = RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    RegistrationFactory(cohort=cohort, status=Status.CANCELLED)

    told = self_service.cancel_session(session, actor=organiser)

    assert told == 2
    assert set(
        Notification.objects.filter(kind=Notification.Kind.CANCELLATION).values_list(
            "person", flat=True
        )
    ) == {seat.person_id, waiting.person_id}


def test_cancelling_a_session_twice_is_refused(cohort, organiser):
    session = SessionFactory(cohort=cohort)
    self_service.cancel_session(session, actor=organiser)

    with pytest.raises(ValidationError):
        self_service.cancel_session(session, actor=organiser)


def test_a_session_that_has_begun_cannot_be_cancelled(cohort, organiser):
    started = timezone.now() - dt.timedelta(minutes=5)
    session = SessionFactory(
        cohort=cohort, starts_at=started, ends_at=started + dt.timedelta(hours=2)
    )

    with pytest.raises(ValidationError, match="already begun"):
        self_service.cancel_session(session, actor=organiser)
    session.refresh_from_db()
    assert session.cancelled_at is None


def test_a_cohort_that_has_ended_cannot_be_cancelled(cohort, organiser):
    last_year = timezone.localdate() - dt.timedelta(days=365)
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_on=last_year, ends_on=last_year + dt.timedelta(days=30)
    )
    cohort.refresh_from_db()
    RegistrationFactory(cohort=cohort)
    Notification.objects.all().delete()

    with pytest.raises(ValidationError, match="has ended"):
        cancellation.cancel_cohort(cohort, actor=organiser)
    cohort.refresh_from_db()
    assert cohort.cancelled_at is None
    assert not Notification.objects.exists()


def test_the_cancellation_mail_is_in_the_recipients_language(cohort, organiser):
    session = SessionFactory(cohort=cohort, title="Strategi")
    finn = RegistrationFactory(
        cohort=cohort,
        status=Status.CONFIRMED,
        person=PersonFactory(preferred_language="fi"),
    )
    swede = RegistrationFactory(
        cohort=cohort,
        status=Status.WAITLISTED,
        person=PersonFactory(preferred_language="sv"),
    )

    self_service.cancel_session(session, actor=organiser)

    finnish = Notification.objects.get(person=finn.person)
    swedish = Notification.objects.get(person=swede.person)
    assert finnish.subject.startswith("Peruttu")
    assert swedish.subject.startswith("Inställd")


def test_cancelling_a_cohort_releases_seats_and_waitlist_without_promoting(
    cohort, organiser
):
    SessionFactory(cohort=cohort)
    RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)
    RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    impact = cancellation.cancel_cohort(cohort, actor=organiser)

    assert impact == self_service.CancellationImpact(2, 1, 1)
    assert not cohort.registrations.active().exists()
    assert not Session.objects.filter(cohort=cohort, cancelled_at=None).exists()
    assert Notification.objects.filter(kind="cancellation").count() == 2
    cohort.refresh_from_db()
    assert not cohort.registration_is_open(timezone.now())


def test_a_cancelled_cohort_stays_cancelled_in_the_personal_feed(cohort, organiser):
    SessionFactory(cohort=cohort)
    seat = RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)

    cancellation.cancel_cohort(cohort, actor=organiser)

    sessions = list(registration_selectors.calendar_sessions(seat.person))
    assert len(sessions) == 1
    assert calendar.session_event(sessions[0])["STATUS"] == "CANCELLED"


def test_copying_a_cohort_moves_every_date_and_copies_the_material(organiser):
    cohort = CohortFactory()
    session = SessionFactory(cohort=cohort)
    session.teachers.add(organiser)
    Preparation.objects.create(session=session, text="Läs rapporten.")
    assignment = Assignment.objects.create(
        cohort=cohort,
        session=session,
        title="Inför träff 1",
        due_at=session.starts_at - dt.timedelta(days=2),
    )
    Milestone.objects.create(
        assignment=assignment, title="Utkast", due_at=session.starts_at
    )
    form = EvaluationForm.objects.create(
        organisation=cohort.programme.organiser, title="Kursutvärdering"
    )
    cohort.evaluations.create(
        form=form,
        session=session,
        opens_at=session.ends_at,
        closes_at=session.ends_at + dt.timedelta(days=14),
    )
    RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)

    copy = self_service.copy_cohort(
        cohort, actor=organiser, days=364, name="Våren 2028"
    )

    year = dt.timedelta(days=364)
    assert copy.starts_on == cohort.starts_on + year
    assert copy.registration_opens_at == cohort.registration_opens_at + year
    (new_session,) = copy.sessions.all()
    assert new_session.starts_at == session.starts_at + year
    assert list(new_session.teachers.all()) == [organiser]
    assert new_session.preparation.text == "Läs rapporten."
    (new_assignment,) = copy.assignments.all()
    assert new_assignment.session == new_session
    assert new_assignment.due_at == assignment.due_at + year
    assert new_assignment.milestones.get().due_at == session.starts_at + year
    assert copy.evaluations.get().session == new_session
    assert not copy.registrations.exists()


def test_the_copy_plan_writes_nothing(cohort):
    SessionFactory(cohort=cohort)
    before = (Cohort.objects.count(), Session.objects.count())

    plan = self_service.plan_cohort_copy(cohort, days=7, name="Kopia")

    assert (Cohort.objects.count(), Session.objects.count()) == before
    assert len(plan.sessions) == 1
    assert plan.cohort.starts_on == cohort.starts_on + dt.timedelta(days=7)


def test_copying_a_programme_copies_its_rules_and_every_cohort_a_year_on(organiser):
    programme = ProgrammeFactory(organiser=organiser.organiser_for.get())
    Programme.objects.filter(pk=programme.pk).update(title_fi="Strateginen ohjaus")
    programme.refresh_from_db()
    TargetRuleFactory(programme=programme)
    CompletionRule.objects.create(programme=programme, min_sessions=4)
    spring = CohortFactory(programme=programme, name="Våren 2027")
    session = SessionFactory(cohort=spring)
    cancelled = CohortFactory(programme=programme, name="Extra 2027")
    cancellation.cancel_cohort(cancelled, actor=organiser)
    RegistrationFactory(cohort=spring)

    copy = self_service.copy_programme(
        programme, actor=organiser, days=364, title="Strategisk styrning 2028"
    )

    assert copy.pk != programme.pk and copy.slug != programme.slug
    assert copy.title == "Strategisk styrning 2028"
    assert copy.title_fi == "Strateginen ohjaus"
    assert copy.target_rules.count() == 1
    assert copy.completion_rule.min_sessions == 4
    (new_cohort,) = copy.cohorts.all()
    assert new_cohort.name == "Våren 2028"
    assert new_cohort.starts_on == spring.starts_on + dt.timedelta(days=364)
    assert new_cohort.sessions.get().starts_at == session.starts_at + dt.timedelta(
        days=364
    )
    assert not new_cohort.registrations.exists()


def test_the_programme_copy_plan_writes_nothing(cohort):
    SessionFactory(cohort=cohort)
    before = (Programme.objects.count(), Cohort.objects.count())

    plan = self_service.plan_programme_copy(cohort.programme, days=364, title="Ny")

    assert (Programme.objects.count(), Cohort.objects.count()) == before
    assert plan.programme.title == "Ny"
    assert [len(p.sessions) for p in plan.cohorts] == [1]


def test_a_copied_cohort_name_moves_its_years_along():
    assert self_service.renamed_for("Omgång 2027", 364) == "Omgång 2028"
    assert self_service.renamed_for("Hösten 2026–2027", 730) == "Hösten 2028–2029"
    assert self_service.renamed_for("Vår 12", 364) == "Vår 12"
    assert self_service.renamed_for("Omgång 2027", 7) == "Omgång 2027"


def test_a_draft_cohort_can_be_deleted(cohort, organiser):
    self_service.delete_cohort(cohort, actor=organiser)

    assert not Cohort.objects.filter(pk=cohort.pk).exists()


def test_a_cohort_anyone_ever_registered_for_cannot_be_deleted(cohort, organiser):
    RegistrationFactory(cohort=cohort, status=Status.CANCELLED)

    with pytest.raises(ValidationError):
        self_service.delete_cohort(cohort, actor=organiser)


def test_a_programme_with_registrations_cannot_be_deleted(cohort, organiser):
    RegistrationFactory(cohort=cohort)

    with pytest.raises(ValidationError):
        self_service.delete_programme(cohort.programme, actor=organiser)
