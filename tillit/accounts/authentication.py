"""API authentication by a person's named API key (`Authorization: Token <key>`)."""

import re
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

#: How often the "last used" time of a key is written (one write, not one per request).
LAST_USED_EVERY = timedelta(hours=1)

#: How much of a key the security log may name: fewer characters than the
#: prefix knox keeps in the clear (token_key, 15), never the secret.
KEY_SHOWN = 8
_KEY_LIKE = re.compile(rf"[0-9a-f]{{{KEY_SHOWN}}}")


def key_identity(token):
    """How the security log names a known key: its start and its name."""
    return f"key {token.token_key[:KEY_SHOWN]} «{token.name}»"


class KeyRefused(exceptions.AuthenticationFailed):
    """A refused key, with what the security log should say about it:
    `reason` (a code), `key` (the key's identity, never the secret) and the
    key's owner when the key is known."""

    def __init__(self, detail, *, reason, key="", person=None):
        super().__init__(detail)
        self.reason, self.key, self.person = reason, key, person


def _sent_key(request):
    """The start of the key a request sent, when it looks like one of ours."""
    parts = get_authorization_header(request).split()
    sent = parts[1].decode("latin-1") if len(parts) == 2 else ""
    start = sent[:KEY_SHOWN]
    return f"key {start}" if _KEY_LIKE.fullmatch(start) else "key not in our format"


class ApiTokenAuthentication(TokenAuthentication):
    expired = None

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except KeyRefused:
            raise
        except exceptions.AuthenticationFailed as error:
            if self.expired is not None:
                raise KeyRefused(
                    error.detail,
                    reason="expired_key",
                    key=key_identity(self.expired),
                    person=self.expired.user,
                ) from error
            raise KeyRefused(
                error.detail, reason="unknown_or_revoked_key", key=_sent_key(request)
            ) from error

    def _cleanup_token(self, auth_token) -> bool:
        """An expired key is refused (and removed); unlike knox's default, the
        person's other keys are left alone, so a request costs one query."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            self.expired = auth_token
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        try:
            user, token = super().validate_user(auth_token)
        except exceptions.AuthenticationFailed as error:
            raise KeyRefused(
                error.detail,
                reason="inactive_person",
                key=key_identity(auth_token),
                person=auth_token.user,
            ) from error
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the API's schema describes the key (as DRF's token scheme)."""

    target_class = "tillit.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API key with the prefix "Token", e.g. '
            '"Token 3f9c…" (My pages, API keys).',
        }
