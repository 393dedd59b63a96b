"""Core's entries in the register of personal data (tillit.core.personal_data):
the person, the security log, and Django's own tables."""

from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from .models import Person, SecurityEvent
from .personal_data import WHILE_ACCOUNT, WHO_DID_IT, Erasure, declare, declare_free


def declare_core():
    declare(
        Person,
        owners=("pk",),
        purpose=_(
            "Your account: name, e-mail address, title, role, organisation and "
            "manager, to sign you in and to show organisers who takes part."
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
