"""django-axes hooks: which account a failed attempt counts against, and what a
locked-out person (or API client) is told."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def username_from_credentials(request, credentials):
    """The e-mail address tried, from the login form, the API or the admin."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login") or request.POST.get("username")
    return (value or "").strip().lower()


def cool_off_minutes():
    return round(settings.AXES_COOLOFF_TIME * 60)


def lockout_response(request, original_response=None, credentials=None):
    message = _(
        "Too many failed attempts to sign in to this account. Wait %(minutes)s "
        "minutes and try again, or reset your password."
    ) % {"minutes": cool_off_minutes()}
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": message, "code": "locked_out"}, status=429)
    else:
        response = render(
            request, "accounts/locked_out.html", {"message": message}, status=429
        )
    response["Retry-After"] = str(cool_off_minutes() * 60)
    return response
