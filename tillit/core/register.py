"""Core's entries in the register of personal data (tillit.core.personal_data):
the person, the security log, and Django's own tables."""

from auditlog.models import LogEntry as TrailEntry
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from .models import Person, SecurityEvent
from .personal_data import WHILE_ACCOUNT, WHO_DID_IT, Erasure, declare, declare_free


def declare_core():
    declare(
        Person,
        owners=("pk",),
        purpose=_(
            "Your account: name, e-mail address, title, role, organisation, "
            "unit and own manager, to sign you in and to show organisers who "
            "takes part."
        ),
        retention=WHILE_ACCOUNT,
        erasure=Erasure.ANONYMISE,
        clear={
            "email": Concat(
                Value("erased-"), Cast("pk", CharField()), Value("@erased.invalid")
            ),
            "first_name": "",
            "last_name": "",
            "title": "",
            "manager": None,
            "unit": None,
            "password": "!erased",
            "is_active": False,
            "is_staff": False,
            "is_superuser": False,
        },
        keep_reason=_(
            "The row stays, without name or e-mail, so that counts and totals "
            "stay right."
        ),
    )
    declare(
        SecurityEvent,
        purpose=_(
            "The security log: sign-ins, refusals, exports and erasures, with "
            "the address they came from."
        ),
        retention=_("Kept for the security of the service."),
        erasure=Erasure.ANONYMISE,
        clear={"email": "", "ip_address": None},
    )
    declare(
        LogEntry,
        owners=("user",),
        name=_("Changes made in the admin"),
        purpose=_("The admin's record of changes made by platform staff."),
        retention=_("Kept as the record of staff changes."),
        erasure=Erasure.KEEP,
        keep_reason=WHO_DID_IT,
    )
    declare_free(
        Session,
        reason="Holds a session key and the signed-in person's id only; an "
        "erased person's sessions end when the password is anonymised.",
    )
    declare(
        TrailEntry,
        owners=(),
        name=_("Audit trail entries"),
        match=_trail_of,
        purpose=_(
            "The audit trail: changes you made, and changes made to your own "
            "account, with the values before and after."
        ),
        retention=_("Kept as the record of changes."),
        erasure=Erasure.ANONYMISE,
        # Who changed what stays (the actor points to the anonymised person);
        # the values, names and addresses in the entry go.
        clear={
            "changes": None,
            "changes_text": "",
            "serialized_data": None,
            "additional_data": None,
            "object_repr": "",
            "remote_addr": None,
            "remote_port": None,
            "actor_email": None,
        },
    )


def _trail_of(person):
    """The trail entries the person made, those of their own account, and
    those of other rows whose description or changes name them (a booking,
    a membership: auditlog keeps each row's text as it was)."""
    own = ContentType.objects.get_for_model(Person)
    match = Q(actor=person.pk) | Q(content_type=own, object_pk=str(person.pk))
    for name in {person.email, person.get_full_name()} - {""}:
        match |= Q(object_repr__contains=name) | Q(changes_text__contains=name)
    return match
