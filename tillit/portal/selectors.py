"""What the top floor reads: a person's roles, and the people whose invitations
they look after."""

from django.db.models import Q, QuerySet

from tillit.accounts import services as accounts
from tillit.accounts.models import Invitation
from tillit.core.models import Person
from tillit.programmes.selectors import programmes_for_organiser

from .context_processors import roles_of


def start_url_name(person: Person) -> str:
    """Where a person's work is: the first of their roles in this order."""
    roles = roles_of(person)
    if roles.organiser:
        return "registrations:organiser-home"
    if roles.employer:
        return "registrations:employer-home"
    if roles.teacher:
        return "learning:teaching"
    if person.mentor_in.exists():
        return "mentoring:home"
    return "portal:home"


def may_invite(person: Person) -> bool:
    roles = roles_of(person)
    return roles.organiser or roles.employer


def people_looked_after(person: Person) -> QuerySet[Person]:
    """The people whose invitations `person` may see and send again: their
    organisations' staff (HR) and the participants of the programmes they run."""
    if person.is_superuser:
        return Person.objects.all()
    return Person.objects.filter(
        Q(organisation__in=person.employer_contact_for.all())
        | Q(registrations__cohort__programme__in=programmes_for_organiser(person))
    ).distinct()


def not_activated(person: Person, *, search: str = "") -> QuerySet[Person]:
    """People looked after by `person` who have never signed in and have no
    password, with their invitation (if one was sent)."""
    people = (
        accounts.not_activated(people_looked_after(person))
        .select_related("organisation", "invitation")
        .order_by("last_name", "first_name", "pk")
    )
    if search:
        people = people.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return people


def invitation_counts(people: QuerySet[Person]) -> dict[str, int]:
    pks = people.values("pk")
    return {
        "total": people.count(),
        "never_sent": people.exclude(
            pk__in=Invitation.objects.values("person_id")
        ).count(),
        "sent": Invitation.objects.filter(person__in=pks).count(),
    }
