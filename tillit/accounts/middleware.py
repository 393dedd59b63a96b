"""Session rules: sign out after a quiet spell, and platform staff use two
factors."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LAST_SEEN = "tillit_last_seen"
#: Seconds between writes of the last-seen time (saves a session write per request).
WRITE_EVERY = 60


class IdleTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            elif not last or now - last >= WRITE_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Platform staff (who reach the admin and everyone's data) must set up an
    authenticator app before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/logout/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.TILLIT_STAFF_MFA_REQUIRED
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            messages.warning(
                request,
                _(
                    "Platform staff sign in with two factors. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
