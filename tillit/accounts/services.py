"""Invitations, activation, which sign-in a person must use, and API keys."""

from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.errors import DomainError
from tillit.core.models import Person
from tillit.notifications.services import notify

from .models import ApiToken, EmailDomain, Invitation, OrganisationSignIn
from .tokens import invitation_tokens

INVITATION = "invitation"


def is_activated(person: Person) -> bool:
    """Whether the person has ever signed in or has a password of their own."""
    return person.last_login is not None or person.has_usable_password()


def without_password(people: QuerySet[Person]) -> QuerySet[Person]:
    """`people` narrowed to those with no usable password of their own."""
    return people.filter(
        Q(password="") | Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    )


def not_activated(people: QuerySet[Person]) -> QuerySet[Person]:
    """`people` narrowed to those `is_activated` is false for (active ones)."""
    return without_password(people.filter(last_login__isnull=True, is_active=True))


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def sign_in_for_email(email: str) -> OrganisationSignIn | None:
    """The sign-in service of the organisation that owns the address's domain."""
    domain = EmailDomain.objects.filter(domain=domain_of(email)).first()
    if domain is None:
        return None
    return OrganisationSignIn.objects.filter(
        organisation_id=domain.organisation_id, enabled=True
    ).first()


def sign_in_for(person: Person) -> OrganisationSignIn | None:
    """The service a person signs in with: by address, else by organisation."""
    found = sign_in_for_email(person.email)
    if found is None and person.organisation_id:
        found = OrganisationSignIn.objects.filter(
            organisation_id=person.organisation_id, enabled=True
        ).first()
    return found


def password_refused(person: Person) -> bool:
    """People of an organisation that enforces its own sign-in may not use a
    password; platform staff keep theirs (the break-glass account)."""
    if person.is_staff or person.is_superuser:
        return False
    service = sign_in_for(person)
    return service is not None and not service.password_allowed


@transaction.atomic
def invite(person: Person, *, actor: Person | None = None) -> Invitation | None:
    """Send `person` an invitation (again): a link to set a password or to
    continue with their organisation's sign-in. Nothing happens for someone who
    has already activated; returns the invitation otherwise."""
    if is_activated(person) or not person.is_active:
        return None
    now = timezone.now()
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        person=person,
        defaults={"first_sent_at": now, "last_sent_at": now, "invited_by": actor},
    )
    if not created:
        invitation.times_sent += 1
        invitation.last_sent_at = now
        invitation.save(update_fields=["times_sent", "last_sent_at"])
    notify(
        person,
        kind=INVITATION,
        key=f"invitation:{person.pk}:{invitation.times_sent}",
        template="accounts/email/invitation",
        context={
            "invited_by": actor.get_full_name() if actor else "",
            "invitation_days": settings.TILLIT_INVITATION_DAYS,
        },
    )
    return invitation


def invite_all(people: Iterable[Person], *, actor: Person | None = None) -> int:
    """Invite everyone in `people` who has not activated; returns how many."""
    return sum(invite(person, actor=actor) is not None for person in people)


def person_for_link(pk: int | str | None, token: str) -> Person | None:
    """The person an invitation link belongs to, if the link is still good."""
    person = Person.objects.filter(pk=pk, is_active=True).first() if pk else None
    if person is None or not invitation_tokens.check_token(person, token):
        return None
    return person


@transaction.atomic
def accept(person: Person, *, password: str | None = None) -> Person:
    """Take up the invitation: set the password (unless the organisation's
    sign-in is used) and mark the address confirmed, since the link reached it."""
    if password:
        person.set_password(password)
        person.save(update_fields=["password"])
    confirm_address(person)
    Invitation.objects.filter(person=person, accepted_at=None).update(
        accepted_at=timezone.now()
    )
    return person


def confirm_invitation_taken(person: Person) -> None:
    """Whoever signs in has taken up their invitation (e.g. through the
    organisation's sign-in, which sets no password)."""
    Invitation.objects.filter(person=person, accepted_at=None).update(
        accepted_at=timezone.now()
    )


def confirm_address(person: Person) -> None:
    EmailAddress.objects.filter(user=person).exclude(email__iexact=person.email).update(
        primary=False
    )
    address = EmailAddress.objects.filter(
        user=person, email__iexact=person.email
    ).first()
    if address is None:
        EmailAddress.objects.create(
            user=person, email=person.email, verified=True, primary=True
        )
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def join_by_domain(person: Person) -> bool:
    """A person without an organisation whose confirmed address is on a domain
    open for sign-up joins that organisation. True when they joined."""
    if person.organisation_id:
        return False
    domain = EmailDomain.objects.filter(
        domain=domain_of(person.email), signup_allowed=True
    ).first()
    if domain is None:
        return False
    person.organisation_id = domain.organisation_id
    person.save(update_fields=["organisation"])
    return True


def invitable_by_email(email: str) -> Person | None:
    """The not-yet-activated person with this address, if any."""
    person = Person.objects.filter(email__iexact=email.strip(), is_active=True).first()
    return person if person is not None and not is_activated(person) else None


class ApiKeyError(DomainError):
    """A key that cannot be made (too many live keys)."""

    code = "too_many_keys"


#: Live API keys a person may hold at once.
MAX_API_KEYS = 20


@transaction.atomic
def create_api_key(person: Person, *, name: str, days: int) -> tuple[ApiToken, str]:
    """A new API key for `person`, valid `days` days. Returns the record and the
    key itself, which is shown once and never stored."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    live = ApiToken.objects.filter(user=person).exclude(expiry__lt=timezone.now())
    if live.count() >= MAX_API_KEYS:
        raise ApiKeyError(
            _(
                "You already have %(count)s API keys. Revoke one you no longer "
                "use before you make a new one."
            )
            % {"count": MAX_API_KEYS}
        )
    return ApiToken.objects.create(
        person, expiry=timedelta(days=days), name=name.strip()[:100]
    )


def revoke_api_key(person: Person, digest: str) -> bool:
    """Revoke one of `person`'s own keys; False when they have no such key."""
    deleted, _rows = ApiToken.objects.filter(user=person, digest=digest).delete()
    return bool(deleted)
