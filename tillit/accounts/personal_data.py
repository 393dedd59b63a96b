"""Sign-in data in the register of personal data: invitations, API keys and
the tables of allauth (addresses, linked sign-ins, two-factor), axes (failed
sign-ins) and the task queue."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from tillit.core.personal_data import WHILE_ACCOUNT, Erasure, declare, declare_free

from .models import ApiToken, Invitation, OrganisationSignIn


def _sign_in_name(person):
    return Q(username__iexact=person.email)


declare(
    Invitation,
    purpose=_("The invitation to activate your account."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    ApiToken,
    owners=("user",),
    purpose=_("Your API keys (only their names and dates; the keys are hashed)."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    EmailAddress,
    owners=("user",),
    purpose=_("Your e-mail addresses and whether they are verified."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    SocialAccount,
    owners=("user",),
    purpose=_("Your sign-in through your organisation (single sign-on)."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
    exclude=("extra_data",),
)
declare(
    SocialToken,
    owners=("account__user",),
    purpose=_("Your sign-in through your organisation (single sign-on)."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
    exclude=("token", "token_secret"),
)
declare(
    Authenticator,
    owners=("user",),
    purpose=_("Your two-factor sign-in (the secrets are not exported)."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
    exclude=("data",),
)
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    declare(
        model,
        owners=(),
        match=_sign_in_name,
        purpose=_("Failed and successful sign-ins, to lock out password guessing."),
        retention=_("Kept for the security of the service."),
        erasure=Erasure.DELETE,
        exclude=("get_data", "post_data"),
    )
declare_free(
    OrganisationSignIn,
    SocialApp,
    reason="An organisation's sign-in settings (certificates, endpoints).",
)
declare_free(
    DBTaskResult,
    reason="Queued tasks carry ids, not personal data; tracebacks name code.",
)
