"""Everything that changes a network: joining (invitation, application,
automatic alumni membership), leaving, leading, announcements, meetings and
shared files.

Membership changes lock the membership row (or the network, when a row may be
created) so two leaders deciding the same application at once, or a member
accepting while a leader withdraws, cannot both win. Mail goes through
tillit.notifications, which sends after the transaction commits.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tillit.accounts import services as accounts
from tillit.core import uploads
from tillit.core.content_languages import localized_names
from tillit.core.errors import DomainError
from tillit.core.models import Organisation, Person
from tillit.notifications import services as notifications
from tillit.programmes.models import Programme

from . import selectors
from .models import Announcement, Meeting, Membership, Network, SharedFile

Status = Membership.Status
Role = Membership.Role
SHARED_FILE_TYPES = list(uploads.FILE_TYPES)
SHARED_FILE_MAX_MB = 25


def describe_file_types() -> str:
    return uploads.describe(SHARED_FILE_TYPES)


class NetworkError(DomainError):
    """A membership or network change that is not allowed, in words a user may
    read."""


# Helpers --------------------------------------------------------------------------


def _locked_row(network: Network, person: Person) -> Membership | None:
    """The person's membership row, locked, or None (with the network locked,
    so no concurrent call creates it)."""
    Network.objects.select_for_update().filter(pk=network.pk).first()
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(network=network, person=person)
        .first()
    )


def _check_external(network: Network, person: Person) -> None:
    if not network.allows_external and selectors.is_external(person):
        raise NetworkError(
            _(
                "%(name)s is not allowed in this network: it is open only to "
                "members from the public sector."
            )
            % {"name": person.get_full_name() or person.email}
        )


def _activate(
    membership: Membership, now: dt.datetime, *, fields: Iterable[str] = ()
) -> Membership:
    membership.status = Status.ACTIVE
    membership.joined_at = now
    membership.left_at = None
    membership.save(update_fields=["status", "joined_at", "left_at", *fields])
    return membership


def _require_active_network(network: Network) -> None:
    if not network.is_active:
        raise NetworkError(_("This network is no longer active."))


# Alumni: joining automatically ----------------------------------------------------


def alumni_network(programme: Programme) -> Network:
    """The programme's alumni network, created on first need (owner: the
    programme's organiser; kind alumni; members join automatically)."""
    network = Network.objects.filter(
        programme=programme, kind=Network.Kind.ALUMNI
    ).first()
    if network is not None:
        return network
    base = slugify(f"alumni {programme.slug}")[:190] or f"alumni-{programme.pk}"
    slug = base
    if Network.objects.filter(slug=slug).exists():
        slug = f"{base}-{programme.pk}"
    try:
        with transaction.atomic():
            return Network.objects.create(
                kind=Network.Kind.ALUMNI,
                name=_("Alumni of %(programme)s") % {"programme": programme.title},
                slug=slug,
                description=_(
                    "Everyone who has completed %(programme)s: keep in touch, "
                    "share experience and meet again."
                )
                % {"programme": programme.title},
                owner=programme.organiser,
                join_policy=Network.JoinPolicy.AUTOMATIC,
                programme=programme,
            )
    except IntegrityError:  # created at the same moment by another request
        return Network.objects.get(programme=programme, kind=Network.Kind.ALUMNI)


@transaction.atomic
def join_alumni(
    programme: Programme, person: Person, now: dt.datetime | None = None
) -> Membership:
    """Make a person who completed `programme` an active member of its alumni
    network. Completing the programme is the admission, so the sector rule is
    not applied. Someone who left, or was removed, is not brought back."""
    now = now or timezone.now()
    network = alumni_network(programme)
    membership = _locked_row(network, person)
    if membership is None:
        return Membership.objects.create(
            network=network, person=person, status=Status.ACTIVE, joined_at=now
        )
    if membership.status in (Status.INVITED, Status.APPLIED):
        return _activate(membership, now)
    return membership


def backfill_alumni(programme: Programme | None = None) -> int:
    """Join everyone already recorded as alumni (learning.AlumniMembership) to
    their programme's alumni network. Returns the number of new members."""
    from tillit.learning.models import AlumniMembership

    alumni = AlumniMembership.objects.select_related("programme__organiser", "person")
    if programme is not None:
        alumni = alumni.filter(programme=programme)
    added = 0
    for alumnus in alumni.order_by("programme_id", "pk"):
        before = Membership.objects.filter(
            network__programme=alumnus.programme_id,
            network__kind=Network.Kind.ALUMNI,
            person=alumnus.person_id,
            status=Status.ACTIVE,
        ).exists()
        join_alumni(alumnus.programme, alumnus.person, now=alumnus.joined_at)
        added += not before
    return added


# Invitations ----------------------------------------------------------------------


@transaction.atomic
def invite(
    network: Network,
    person: Person,
    *,
    actor: Person | None,
    role: str = Role.MEMBER,
) -> Membership:
    """Invite an existing person. Raises NetworkError when they are already a
    member, already invited or have applied, or may not join this network."""
    _require_active_network(network)
    _check_external(network, person)
    membership = _locked_row(network, person)
    if membership is not None:
        if membership.status == Status.ACTIVE:
            raise NetworkError(_("%(name)s is already a member.") % _name(person))
        if membership.status == Status.INVITED:
            raise NetworkError(_("%(name)s is already invited.") % _name(person))
        if membership.status == Status.APPLIED:
            raise NetworkError(
                _("%(name)s has applied: approve the application instead.")
                % _name(person)
            )
        membership.status = Status.INVITED
        membership.role = role
        membership.invited_by = actor
        membership.left_at = None
        membership.save(update_fields=["status", "role", "invited_by", "left_at"])
    else:
        membership = Membership.objects.create(
            network=network,
            person=person,
            status=Status.INVITED,
            role=role,
            invited_by=actor,
        )
    notifications.notify(
        person,
        kind=notifications.Kind.NETWORK_INVITATION,
        key=f"network-invitation:{membership.pk}:{timezone.now().timestamp():.6f}",
        template="networks/email/invitation",
        objects={"membership": membership, "network": network},
        context={"invited_by": actor.get_full_name() if actor else ""},
    )
    return membership


def _name(person: Person) -> dict[str, str]:
    return {"name": person.get_full_name() or person.email}


@transaction.atomic
def invite_by_email(
    network: Network,
    *,
    actor: Person,
    email: str,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Invite the person with this e-mail address. When nobody has it and the
    network allows members from outside the public sector, a person without
    an organisation is created for the invitation (they get an invitation to Tillit
    with a link to set a password); otherwise NetworkError."""
    email = Person.objects.normalize_email(email).lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person is None:
        if not network.allows_external:
            raise NetworkError(
                _(
                    "Nobody in Tillit has the address %(email)s. Only networks "
                    "open to members from outside the public sector may invite "
                    "new people."
                )
                % {"email": email}
            )
        if not first_name.strip() or not last_name.strip():
            raise NetworkError(_("Give the first and last name of a new person."))
        person = Person.objects.create_user(
            email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        accounts.invite(person, actor=actor)
    return invite(network, person, actor=actor)


@transaction.atomic
def accept_invitation(
    person: Person, membership: Membership, now: dt.datetime | None = None
) -> Membership:
    membership = _lock_own(person, membership)
    if membership.status != Status.INVITED:
        raise NetworkError(_("This invitation is no longer open."))
    _require_active_network(membership.network)
    _check_external(membership.network, person)
    return _activate(membership, now or timezone.now())


@transaction.atomic
def decline_invitation(
    person: Person, membership: Membership, now: dt.datetime | None = None
) -> Membership:
    membership = _lock_own(person, membership)
    if membership.status != Status.INVITED:
        raise NetworkError(_("This invitation is no longer open."))
    membership.status = Status.REFUSED
    membership.decided_at = now or timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    return membership


def _lock_own(person: Person, membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("network")
        .get(pk=membership.pk)
    )
    if membership.person_id != person.pk:
        raise NetworkError(_("This is not your invitation."))
    return membership


# Applications ---------------------------------------------------------------------


@transaction.atomic
def apply(person: Person, network: Network, *, text: str) -> Membership:
    """Apply to a network that accepts applications; the leaders decide."""
    if not network.accepts_applications:
        raise NetworkError(_("This network does not take applications."))
    _check_external(network, person)
    membership = _locked_row(network, person)
    if membership is not None:
        if membership.status == Status.ACTIVE:
            raise NetworkError(_("You are already a member."))
        if membership.status == Status.APPLIED:
            raise NetworkError(_("You have already applied."))
        if membership.status == Status.INVITED:
            raise NetworkError(
                _("You are invited: accept the invitation on your networks page.")
            )
        membership.status = Status.APPLIED
        membership.application_text = text.strip()
        membership.role = Role.MEMBER
        membership.decided_at = None
        membership.save(
            update_fields=["status", "application_text", "role", "decided_at"]
        )
        return membership
    return Membership.objects.create(
        network=network,
        person=person,
        status=Status.APPLIED,
        application_text=text.strip(),
    )


@transaction.atomic
def withdraw_application(person: Person, membership: Membership) -> Membership:
    membership = _lock_own(person, membership)
    if membership.status != Status.APPLIED:
        raise NetworkError(_("There is no open application to withdraw."))
    return _end(membership)


@transaction.atomic
def approve(
    membership: Membership, *, actor: Person, now: dt.datetime | None = None
) -> Membership:
    """Approve an application (the actor must lead the network)."""
    membership = _lock_led(membership, actor=actor)
    if membership.status != Status.APPLIED:
        raise NetworkError(_("This application has already been decided."))
    _check_external(membership.network, membership.person)
    now = now or timezone.now()
    membership.decided_at = now
    _activate(membership, now, fields=["decided_at"])
    _notify_decision(membership)
    return membership


@transaction.atomic
def refuse(
    membership: Membership, *, actor: Person, now: dt.datetime | None = None
) -> Membership:
    membership = _lock_led(membership, actor=actor)
    if membership.status != Status.APPLIED:
        raise NetworkError(_("This application has already been decided."))
    membership.status = Status.REFUSED
    membership.decided_at = now or timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    _notify_decision(membership)
    return membership


def _notify_decision(membership: Membership) -> None:
    decided_at = cast(dt.datetime, membership.decided_at)
    notifications.notify(
        membership.person,
        kind=notifications.Kind.NETWORK_APPLICATION_DECIDED,
        key=f"network-decision:{membership.pk}:{decided_at.timestamp():.6f}",
        template="networks/email/application_decided",
        objects={"membership": membership, "network": membership.network},
        context={"approved": membership.status == Status.ACTIVE},
    )


def _lock_led(membership: Membership, *, actor: Person) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("network", "person__organisation")
        .get(pk=membership.pk)
    )
    if not selectors.is_leader(actor, membership.network):
        raise NetworkError(_("Only the network's leaders may do this."))
    return membership


# Leaving and leading --------------------------------------------------------------


@transaction.atomic
def leave(
    person: Person, network: Network, now: dt.datetime | None = None
) -> Membership:
    """Leave at once: the inner pages close to the person immediately."""
    membership = _locked_row(network, person)
    if membership is None or membership.status != Status.ACTIVE:
        raise NetworkError(_("You are not a member of this network."))
    return _end(membership, now)


@transaction.atomic
def remove(
    membership: Membership, *, actor: Person, now: dt.datetime | None = None
) -> Membership:
    """A leader removes a member, or withdraws an invitation."""
    membership = _lock_led(membership, actor=actor)
    if membership.status not in (Status.ACTIVE, Status.INVITED):
        raise NetworkError(_("This person is not a member."))
    return _end(membership, now)


def _end(membership: Membership, now: dt.datetime | None = None) -> Membership:
    membership.status = Status.LEFT
    membership.left_at = now or timezone.now()
    membership.role = Role.MEMBER
    membership.save(update_fields=["status", "left_at", "role"])
    return membership


@transaction.atomic
def set_role(membership: Membership, role: str, *, actor: Person) -> Membership:
    """Make an active member a chair, a facilitator or an ordinary member."""
    membership = _lock_led(membership, actor=actor)
    if membership.status != Status.ACTIVE:
        raise NetworkError(_("Only active members can have a role."))
    membership.role = Role(role)
    membership.save(update_fields=["role"])
    return membership


VISIBILITY_FIELDS = ("show_email", "show_title", "show_organisation", "show_phone")


@transaction.atomic
def update_visibility(person: Person, network: Network, **choices: Any) -> Membership:
    """What the member lets other members see; `phone` and the show_* flags."""
    membership = _locked_row(network, person)
    if membership is None or membership.status != Status.ACTIVE:
        raise NetworkError(_("You are not a member of this network."))
    fields = [name for name in VISIBILITY_FIELDS if name in choices]
    for name in fields:
        setattr(membership, name, bool(choices[name]))
    if "phone" in choices:
        membership.phone = (choices["phone"] or "").strip()
        fields.append("phone")
    if membership.show_phone and not membership.phone:
        membership.show_phone = False
        fields.append("show_phone")
    membership.save(update_fields=sorted(set(fields)))
    return membership


@transaction.atomic
def create_network(*, actor: Person, owner: Organisation, **fields: Any) -> Network:
    """A new network owned by an organisation the actor staffs; the actor
    leads it as its owner's staff and joins it as chair."""
    if not (actor.is_superuser or owner.staff.filter(pk=actor.pk).exists()):
        raise NetworkError(_("You may only create networks for your organisation."))
    network = Network.objects.create(owner=owner, **fields)
    Membership.objects.create(
        network=network,
        person=actor,
        role=Role.CHAIR,
        status=Status.ACTIVE,
        joined_at=timezone.now(),
    )
    return network


@transaction.atomic
def update_network(network: Network, *, actor: Person, **fields: Any) -> Network:
    """Change a network's description, join policy and whether it takes
    outsiders; the actor must lead it."""
    if not selectors.is_leader(actor, network):
        raise NetworkError(_("Only the network's leaders may do this."))
    allowed = {"name", "description", "join_policy", "allows_external", "is_active"}
    allowed |= localized_names(("name", "description"))
    for name, value in fields.items():
        if name in allowed:
            setattr(network, name, value)
    network.save(update_fields=sorted(set(fields) & allowed))
    return network


# Announcements, meetings, files ---------------------------------------------------


def _require_leader(network: Network, *, actor: Person) -> None:
    if not selectors.is_leader(actor, network):
        raise NetworkError(_("Only the network's leaders may do this."))


@transaction.atomic
def post_announcement(network: Network, *, actor: Person, **texts: str) -> Announcement:
    """Publish an announcement and mail every other active member (a kind they
    may turn off), each in their language. `texts` are `title` and `body`, or
    their language versions (`title_fi`, `body_sv`, ...)."""
    _require_leader(network, actor=actor)
    unknown = set(texts) - ANNOUNCEMENT_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    texts = {name: (value or "").strip() for name, value in texts.items()}
    announcement = Announcement(network=network, author=actor)
    # A plain `title` writes the active language's column, so it comes last.
    for name in sorted(texts, key=lambda name: name in ("title", "body")):
        setattr(announcement, name, texts[name])
    announcement.save()
    for membership in network.memberships.active().select_related("person"):
        if membership.person_id == actor.pk:
            continue
        notifications.notify(
            membership.person,
            kind=notifications.Kind.NETWORK_ANNOUNCEMENT,
            key=f"network-announcement:{announcement.pk}:{membership.person_id}",
            template="networks/email/announcement",
            objects={"announcement": announcement, "network": network},
        )
    return announcement


@transaction.atomic
def delete_announcement(announcement: Announcement, *, actor: Person) -> None:
    _require_leader(announcement.network, actor=actor)
    announcement.delete()


ANNOUNCEMENT_FIELDS = {"title", "body"} | localized_names(("title", "body"))
MEETING_FIELDS = (
    *sorted(localized_names(("title", "place", "description"))),
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "description",
)


@transaction.atomic
def add_meeting(network: Network, *, actor: Person, **fields: Any) -> Meeting:
    _require_leader(network, actor=actor)
    _check_times(fields)
    return Meeting.objects.create(
        network=network, **{k: fields[k] for k in MEETING_FIELDS if k in fields}
    )


@transaction.atomic
def update_meeting(meeting: Meeting, *, actor: Person, **fields: Any) -> Meeting:
    """Change a meeting; its SEQUENCE goes up so calendars update the event."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_leader(meeting.network, actor=actor)
    _check_times({"starts_at": meeting.starts_at, "ends_at": meeting.ends_at, **fields})
    changed = [k for k in MEETING_FIELDS if k in fields]
    for name in changed:
        setattr(meeting, name, fields[name])
    meeting.sequence += 1
    meeting.save(update_fields=[*changed, "sequence"])
    return meeting


def _check_times(fields: dict[str, Any]) -> None:
    if fields["ends_at"] <= fields["starts_at"]:
        raise NetworkError(_("The meeting must end after it starts."))


@transaction.atomic
def delete_meeting(meeting: Meeting, *, actor: Person) -> None:
    _require_leader(meeting.network, actor=actor)
    meeting.delete()


@transaction.atomic
def share_file(
    network: Network, *, actor: Person, upload: Any, description: str = ""
) -> SharedFile:
    """Store a member's file after checking its content (core.uploads).
    Raises ValidationError for a file of the wrong type or size, before
    anything is written."""
    if not selectors.is_member(actor, network):
        raise NetworkError(_("Only the network's members may share files."))
    kind = uploads.check(upload, allowed=SHARED_FILE_TYPES, max_mb=SHARED_FILE_MAX_MB)
    return SharedFile.objects.create(
        network=network,
        description=description.strip(),
        **uploads.stored_fields(upload, kind=kind, actor=actor),
    )


@transaction.atomic
def remove_file(shared_file: SharedFile, *, actor: Person) -> None:
    """Leaders remove any file; members their own."""
    if shared_file.uploaded_by_id != actor.pk:
        _require_leader(shared_file.network, actor=actor)
    uploads.delete(shared_file)
