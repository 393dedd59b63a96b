"""The audit trail: every model of every Tillit app is tracked by
django-auditlog or excluded on purpose with a reason (tillit.core.auditing)."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from tillit.accounts.models import EmailDomain, OrganisationSignIn
from tillit.core import auditing
from tillit.core.models import Person
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.evaluations.models import Answer, Receipt, Response
from tillit.evaluations.tests.factories import EvaluationFormFactory
from tillit.events.tests.factories import make_event
from tillit.groups.tests.factories import GroupRoundFactory
from tillit.learning.tests.factories import AssignmentFactory
from tillit.mentoring.models import Note
from tillit.mentoring.tests.factories import MentorFactory, PairFactory
from tillit.networks.tests.factories import NetworkFactory
from tillit.notifications.models import Notification, Optout
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.models import Booking, Registration, RegistrationEvent
from tillit.registrations.tests.factories import RegistrationFactory
from tillit.rollouts.tests.factories import EmploymentFactory

TILLIT_APPS = [
    config
    for config in apps.get_app_configs()
    if config.name.startswith("tillit.") and list(config.get_models())
]


def _entries(instance):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
    ).order_by("timestamp", "pk")


@pytest.mark.parametrize("config", TILLIT_APPS, ids=lambda config: config.label)
def test_every_model_is_tracked_or_excluded_with_a_reason(config):
    unaccounted = [
        model.__name__
        for model in config.get_models()
        if not auditing.is_tracked(model) and model not in auditing.EXCLUDED
    ]

    assert unaccounted == [], (
        f"{config.label}: register these in {config.name}.audit with "
        "auditing.track(), or auditing.exclude() them with a reason"
    )


def test_no_model_is_both_tracked_and_excluded():
    assert [model for model in auditing.EXCLUDED if auditing.is_tracked(model)] == []


def test_an_exclusion_needs_a_reason():
    with pytest.raises(ValueError):
        auditing.exclude(Person, " ")


@pytest.mark.parametrize(
    "model", [Response, Answer, Receipt], ids=lambda model: model.__name__
)
def test_anonymous_evaluation_rows_are_never_tracked(model):
    assert not auditing.is_tracked(model)
    assert "anonym" in auditing.EXCLUDED[model].lower()


def test_registrations_are_declared_covered_by_their_events():
    assert not auditing.is_tracked(Registration)
    assert "RegistrationEvent" in auditing.EXCLUDED[Registration]


def _change(instance, field, value):
    setattr(instance, field, value)
    instance.save()
    return instance


# One model of each app: made, changed in one field, deleted.
CASES = {
    "core": (OrganisationFactory, "name", "Region Norrland"),
    "accounts": (
        lambda: EmailDomain.objects.create(
            organisation=OrganisationFactory(), domain="norrland.example.org"
        ),
        "signup_allowed",
        True,
    ),
    "programmes": (CohortFactory, "capacity", 12),
    "learning": (AssignmentFactory, "title", "Min ledarskapsresa"),
    "evaluations": (EvaluationFormFactory, "title", "Utvärdering av dag 1"),
    "notifications": (
        lambda: Optout.objects.create(
            person=PersonFactory(), kind=Notification.Kind.choices[0][0]
        ),
        "kind",
        Notification.Kind.choices[1][0],
    ),
    "mentoring": (MentorFactory, "capacity", 4),
    "rollouts": (EmploymentFactory, "employee_id", "X-9"),
    "networks": (NetworkFactory, "name", "HR-direktörernas forum"),
    "groups": (GroupRoundFactory, "title", "Smågrupper 2028"),
    "events": (make_event, "title", "Ledarskapsdagen 2028"),
    "registrations": (
        lambda: Booking.objects.create(
            cohort=CohortFactory(), organisation=OrganisationFactory()
        ),
        "wait_together",
        True,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(CASES))
def test_create_change_and_delete_are_in_the_trail_with_the_actor(label):
    make, field, value = CASES[label]
    actor = PersonFactory()

    with set_actor(actor):
        instance = make()
        _change(instance, field, value)
        model, pk = type(instance), instance.pk
        instance.delete()

    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)
        ).order_by("timestamp", "pk")
    )
    actions = [entry.action for entry in entries]
    assert actions == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert {entry.actor for entry in entries} == {actor}
    assert field in entries[1].changes_dict


@pytest.mark.django_db
def test_a_persons_password_and_last_sign_in_are_never_written():
    person = PersonFactory()

    person.set_password("a new secret phrase")
    person.last_login = person.date_joined
    person.save()

    for entry in _entries(person):
        assert "password" not in entry.changes_dict
        assert "last_login" not in entry.changes_dict


@pytest.mark.django_db
def test_a_sign_in_services_client_secret_is_never_written():
    sign_in = OrganisationSignIn.objects.create(
        organisation=OrganisationFactory(),
        slug="norrland",
        protocol=OrganisationSignIn.Protocol.OIDC,
        label="Norrland",
        oidc_issuer="https://login.example.org",
        oidc_client_id="tillit",
        oidc_client_secret="very-secret-value",
    )

    sign_in.oidc_client_secret = "another-secret"
    sign_in.save()

    for entry in _entries(sign_in):
        assert "oidc_client_secret" not in entry.changes_dict
        assert "secret" not in str(entry.changes)


@pytest.mark.django_db
def test_a_mentoring_notes_text_is_never_written_but_who_and_when_are():
    pair = PairFactory()
    actor = pair.mentee

    with set_actor(actor):
        note = Note.objects.create(pair=pair, author=actor, body="Privat tanke")
        note.body = "En annan privat tanke"
        note.save()

    entries = list(_entries(note))
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE]
    assert entries[0].actor == actor
    assert "body" not in entries[0].changes_dict
    assert "privat" not in str(entries[0].changes).lower()


@pytest.mark.django_db
def test_a_registration_writes_no_audit_entry_but_its_event():
    registration = RegistrationFactory()

    RegistrationEvent.objects.create(
        registration=registration, action=RegistrationEvent.Action.REGISTERED
    )

    assert not LogEntry.objects.filter(
        content_type__app_label="registrations",
        content_type__model__in=["registration", "registrationevent"],
    ).exists()


def test_acting_names_the_actor_where_no_request_has(db):
    actor = PersonFactory()

    with auditing.acting(actor):
        organisation = OrganisationFactory()
    afterwards = OrganisationFactory()

    assert _entries(organisation).get().actor == actor
    assert _entries(afterwards).get().actor is None


def test_acting_names_its_actor_inside_a_request_and_then_the_signed_in_again(db):
    signed_in, other = PersonFactory(), PersonFactory()

    with set_actor(signed_in):
        with auditing.acting(other):
            first = OrganisationFactory()
        second = OrganisationFactory()

    assert _entries(first).get().actor == other
    assert _entries(second).get().actor == signed_in
