"""The security log and account housekeeping, from allauth's, Django's and
django-axes's signals."""

import time

from allauth.account.signals import email_confirmed, password_changed
from axes.signals import user_locked_out
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from tillit.core import security

from . import services
from .middleware import LAST_SEEN
from .security import username_from_credentials


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    security.record(security.Kind.SIGNED_IN, request=request, person=user)
    services.confirm_invitation_taken(user)
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        security.record(security.Kind.SIGNED_OUT, request=request, person=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = username_from_credentials(request, credentials)
    security.record(security.Kind.SIGN_IN_FAILED, request=request, email=email)


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    security.record(security.Kind.LOCKED_OUT, request=request, email=username or "")


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    security.record(security.Kind.PASSWORD_CHANGED, request=request, person=user)


@receiver(email_confirmed)
def _email_confirmed(sender, request, email_address, **kwargs):
    services.join_by_domain(email_address.user)
