import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef

from tillit.core.models import Organisation
from tillit.privacy.models import PrivacyContact
from tillit.programmes.models import Programme, Session
from tillit.registrations.models import Registration


@dataclass(frozen=True)
class Roles:
    organiser: bool = False
    employer: bool = False
    approver: bool = False
    teacher: bool = False
    privacy: bool = False


def _roles_sql() -> str:
    """One statement, six EXISTS, written once from the models' _meta: the
    menu on every page asks it, and compiling the same six ORM subqueries
    for each request cost more than running them (issue 18).
    `roles_of_by_orm` is the same question through the ORM; the tests keep
    the two equal."""

    def exists(model: Any, field: str = "person", extra: str = "") -> str:
        meta = model._meta
        column = meta.get_field(field).column
        return f"EXISTS(SELECT 1 FROM {meta.db_table} WHERE {column} = %s{extra})"

    status = Registration._meta.get_field("status").column
    return "SELECT " + ", ".join(
        [
            exists(Organisation.staff.through),
            exists(Organisation.employer_contacts.through),
            exists(
                Registration,
                "approver",
                f" AND {status} = '{Registration.Status.HELD.value}'",
            ),
            exists(Programme.teachers.through),
            exists(Session.teachers.through),
            exists(PrivacyContact),
        ]
    )


_ROLES = _roles_sql()


def _roles(user, facts) -> Roles:
    organiser, employer, approver, teacher, session_teacher, privacy_contact = (
        bool(fact) for fact in facts
    )
    return Roles(
        organiser=user.is_superuser or organiser,
        employer=employer,
        approver=approver,
        teacher=teacher or session_teacher,
        privacy=user.is_superuser or privacy_contact,
    )


def roles_of(user) -> Roles:
    """What a signed-in person is besides a participant, in one statement."""
    if not (user and user.is_authenticated):
        return Roles()
    with connection.cursor() as cursor:
        cursor.execute(_ROLES, [user.pk] * 6)
        return _roles(user, cursor.fetchone())


def roles_of_by_orm(user) -> Roles:
    """roles_of's question through the ORM: what the tests compare it with."""
    if not (user and user.is_authenticated):
        return Roles()
    # Organisation's manager is modeltranslation's, which django-stubs cannot see.
    staff = Organisation.staff.through.objects.filter(  # type: ignore[attr-defined]
        person=OuterRef("pk")
    )
    contact = Organisation.employer_contacts.through.objects.filter(
        person=OuterRef("pk")
    )
    held = Registration.objects.filter(
        approver=OuterRef("pk"), status=Registration.Status.HELD
    )
    # Programme's manager is modeltranslation's, which django-stubs cannot see.
    teaches = Programme.teachers.through.objects.filter(  # type: ignore[attr-defined]
        person=OuterRef("pk")
    )
    teaches_session = Session.teachers.through.objects.filter(person=OuterRef("pk"))
    privacy = PrivacyContact.objects.filter(person=OuterRef("pk"))
    facts = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(staff),
            Exists(contact),
            Exists(held),
            Exists(teaches),
            Exists(teaches_session),
            Exists(privacy),
        )
        .get()
    )
    return _roles(user, facts)


def site(request):
    """What every page needs: which role links to show (organisers and
    employer contacts may approve too; organisers see what teachers see).
    Read lazily, so a page that does not show them costs no query."""
    user = getattr(request, "user", None)
    roles = functools.cache(lambda: roles_of(user))
    return {
        "show_organiser_link": lambda: roles().organiser,
        "show_employer_link": lambda: roles().employer,
        "show_approvals_link": lambda: (
            roles().organiser or roles().employer or roles().approver
        ),
        "show_teaching_link": lambda: roles().organiser or roles().teacher,
        "show_invitations_link": lambda: roles().organiser or roles().employer,
        "show_erasures_link": lambda: roles().privacy,
    }
