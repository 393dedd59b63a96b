import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.models import EmailDomain, Invitation, OrganisationSignIn
from tillit.accounts.services import create_api_key
from tillit.core.models import Person, Unit
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.learning.models import PreparationFile, SubmissionFile
from tillit.learning.tests.factories import PreparationFactory, SubmissionFactory
from tillit.notifications.tests.factories import NotificationFactory
from tillit.programmes.models import Theme
from tillit.programmes.tests.factories import (
    CohortFactory,
    SessionFactory,
    TargetRuleFactory,
)
from tillit.registrations.models import (
    Booking,
    CohortMessage,
    ExceptionRequest,
    Registration,
    Reservation,
)
from tillit.registrations.tests.factories import RegistrationFactory
from tillit.rollouts.models import Employment, Exclusion, RolloutPlan

Status = Registration.Status
APPS = {
    "accounts",
    "core",
    "programmes",
    "registrations",
    "learning",
    "evaluations",
    "notifications",
    "mentoring",
    "rollouts",
}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in APPS
)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser_client(db, client):
    client.force_login(PersonFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo (every app's), loaded once for the module and rolled back
    after it, so that every admin page has rows to show."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def some_of_everything(demo, db):
    organisation = OrganisationFactory()
    Unit.objects.create(organisation=organisation, name="Socialförvaltningen")
    session = SessionFactory()
    TargetRuleFactory(programme=session.cohort.programme)
    theme, _created = Theme.objects.get_or_create(name="Digitalisering")
    session.cohort.programme.themes.add(theme)
    registration = RegistrationFactory(cohort=session.cohort)
    registration.events.create(action="registered", actor=registration.person)
    ExceptionRequest.objects.create(
        programme=session.cohort.programme,
        person=PersonFactory(),
        motivation="Jag leder ett regionalt utvecklingsarbete.",
    )
    Booking.objects.create(cohort=session.cohort, organisation=organisation)
    CohortMessage.objects.create(
        cohort=session.cohort,
        audience=CohortMessage.Audience.CONFIRMED,
        subject="Inför första träffen",
        body="Välkommen!",
        recipients_count=1,
        key="admin-test",
    )
    Reservation.objects.create(
        cohort=session.cohort, organisation=organisation, seats=2, unnamed_seats=2
    )
    upload = {"original_name": "plan.pdf", "file_type": "pdf", "size": 10}
    PreparationFile.objects.create(
        preparation=PreparationFactory(), file="learning/x/plan.pdf", **upload
    )
    SubmissionFile.objects.create(
        submission=SubmissionFactory(), file="learning/y/plan.pdf", **upload
    )
    NotificationFactory()
    plan = RolloutPlan.objects.first()
    Exclusion.objects.create(
        plan=plan,
        employment=Employment.objects.filter(organisation=plan.organisation).first(),
        reason="Lång ledighet",
    )
    EmailDomain.objects.create(organisation=organisation, domain="exempel.example.org")
    OrganisationSignIn.objects.create(
        organisation=organisation,
        slug="exempel",
        protocol=OrganisationSignIn.Protocol.OIDC,
        label="Exempel (Entra ID)",
        oidc_issuer="https://login.example.org/tenant/v2.0",
        oidc_client_id="tillit",
        oidc_client_secret="not-a-secret",
    )
    invited = PersonFactory()
    Invitation.objects.create(
        person=invited, first_sent_at=timezone.now(), last_sent_at=timezone.now()
    )
    create_api_key(invited, name="Skript", days=30)
    return session


def _changelist(app_label, model_name):
    return reverse(f"admin:{app_label}_{model_name}_changelist")


# Kept out of the admin on purpose: what people wrote in confidence.
PRIVATE = {
    "evaluations.Response",  # anonymous answers ...
    "evaluations.Answer",
    "evaluations.Receipt",  # ... and who answered must never sit side by side
    "mentoring.Meeting",  # a mentoring pair's space is theirs alone
    "mentoring.Note",
    "mentoring.Evaluation",
}


def test_every_model_of_the_domain_apps_is_in_the_admin_except_private_ones():
    models = {
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in PRIVATE
    }

    assert models <= set(admin.site._registry)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_loads_for_a_superuser(
    superuser_client, some_of_everything, app_label, model_name
):
    response = superuser_client.get(_changelist(app_label, model_name))

    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_change_page_loads_for_a_superuser(
    superuser_client, some_of_everything, app_label, model_name
):
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    obj = model._default_manager.first()

    response = superuser_client.get(
        reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    )

    assert response.status_code == 200


def test_admin_needs_staff(client, db):
    client.force_login(PersonFactory())

    response = client.get(_changelist("registrations", "registration"))

    assert response.status_code == 302


def test_registration_changelist_does_not_grow_queries_with_rows(superuser_client):
    cohort = CohortFactory()
    RegistrationFactory(cohort=cohort)
    url = _changelist("registrations", "registration")
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    RegistrationFactory.create_batch(5, cohort=CohortFactory())

    with CaptureQueriesContext(connection) as many:
        superuser_client.get(url)

    assert len(many) == len(few)


def test_cohort_changelist_does_not_grow_queries_with_rows(superuser_client):
    RegistrationFactory()
    url = _changelist("programmes", "cohort")
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    for _ in range(4):
        RegistrationFactory(cohort=CohortFactory())

    with CaptureQueriesContext(connection) as many:
        superuser_client.get(url)

    assert len(many) == len(few)


def _full_cohort_with_waitlist():
    cohort = CohortFactory(capacity=1)
    seat = RegistrationFactory(cohort=cohort, status=Status.CONFIRMED)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)
    return cohort, seat, waiting


def test_cancel_action_gives_the_seat_to_the_first_person_waiting(
    superuser_client, django_capture_on_commit_callbacks, mailoutbox
):
    _cohort, seat, waiting = _full_cohort_with_waitlist()

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            _changelist("registrations", "registration"),
            {"action": "cancel_registrations", "_selected_action": [seat.pk]},
        )

    assert response.status_code == 302
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED
    assert [event.action for event in waiting.events.all()] == ["promoted"]
    assert [message.to for message in mailoutbox] == [[waiting.person.email]]


def test_fill_from_waitlist_action_promotes_into_free_seats(superuser_client):
    cohort = CohortFactory(capacity=2)
    waiting = RegistrationFactory(cohort=cohort, status=Status.WAITLISTED)

    superuser_client.post(
        _changelist("programmes", "cohort"),
        {"action": "fill_from_waitlist", "_selected_action": [cohort.pk]},
    )

    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def _cohort_form(cohort, **changes):
    def local(value):
        return timezone.localtime(value)

    opens, closes = (
        local(cohort.registration_opens_at),
        local(cohort.registration_closes_at),
    )
    data = {
        # The admin shows one field per content language (name_sv, name_fi,
        # name_en); Swedish, the default, is required.
        "name_sv": cohort.name,
        "name_en": cohort.name,
        "location_sv": cohort.location,
        "location_en": cohort.location,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "capacity": cohort.capacity,
        "registration_opens_at_0": opens.date().isoformat(),
        "registration_opens_at_1": opens.strftime("%H:%M:%S"),
        "registration_closes_at_0": closes.date().isoformat(),
        "registration_closes_at_1": closes.strftime("%H:%M:%S"),
        "location": cohort.location,
        "online_link": cohort.online_link,
        "waitlist_enabled": "on",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    if "name" in changes:
        name = changes.pop("name")
        changes |= {"name_sv": name, "name_en": name}
    return data | changes


def test_more_seats_in_the_cohort_admin_promote_the_waitlist(superuser_client):
    cohort, _seat, waiting = _full_cohort_with_waitlist()

    response = superuser_client.post(
        reverse("admin:programmes_cohort_change", args=[cohort.pk]),
        _cohort_form(cohort, capacity=2, name_sv="Hösten", name_en="Hösten"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    cohort.refresh_from_db()
    waiting.refresh_from_db()
    assert (cohort.capacity, cohort.name) == (2, "Hösten")
    assert waiting.status == Status.CONFIRMED


def test_cohort_admin_refuses_fewer_seats_than_confirmed(superuser_client):
    cohort = CohortFactory(capacity=2)
    RegistrationFactory.create_batch(2, cohort=cohort, status=Status.CONFIRMED)

    response = superuser_client.post(
        reverse("admin:programmes_cohort_change", args=[cohort.pk]),
        _cohort_form(cohort, capacity=1),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"]
    cohort.refresh_from_db()
    assert cohort.capacity == 2


def test_registrations_cannot_be_added_or_deleted_in_the_admin(superuser_client):
    registration = RegistrationFactory()

    add = superuser_client.get(reverse("admin:registrations_registration_add"))
    delete = superuser_client.get(
        reverse("admin:registrations_registration_delete", args=[registration.pk])
    )

    assert add.status_code == 403
    assert delete.status_code == 403


def test_grant_action_decides_exception_requests_through_the_service(
    superuser_client, some_of_everything
):
    request = ExceptionRequest.objects.get()

    superuser_client.post(
        _changelist("registrations", "exceptionrequest"),
        {"action": "grant", "_selected_action": [request.pk]},
    )

    request.refresh_from_db()
    assert request.status == ExceptionRequest.Status.GRANTED
    assert request.decided_by is not None


def test_person_admin_adds_a_person_who_signs_in_with_email(superuser_client):
    response = superuser_client.post(
        reverse("admin:core_person_add"),
        {
            "email": "Ny.Chef@Example.org",
            "first_name": "Ny",
            "last_name": "Chef",
            "usable_password": "true",
            "password1": "kvarnsten-bla-4711",
            "password2": "kvarnsten-bla-4711",
        },
    )

    assert response.status_code == 302
    person = Person.objects.get(email="ny.chef@example.org")
    assert person.check_password("kvarnsten-bla-4711")


def test_moving_a_session_in_the_admin_raises_its_calendar_sequence(superuser_client):
    session = SessionFactory()
    day = timezone.timedelta(days=1)
    starts = timezone.localtime(session.starts_at).replace(microsecond=0) + day
    ends = timezone.localtime(session.ends_at).replace(microsecond=0) + day

    response = superuser_client.post(
        reverse("admin:programmes_session_change", args=[session.pk]),
        {
            "cohort": session.cohort.pk,
            "title_sv": session.title,
            "title_en": session.title,
            "location_en": session.location,
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": starts.strftime("%H:%M:%S"),
            "ends_at_0": ends.strftime("%Y-%m-%d"),
            "ends_at_1": ends.strftime("%H:%M:%S"),
            "mode": session.mode,
            "location": session.location,
            "link": session.link,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert (session.sequence, session.starts_at) == (1, starts)
