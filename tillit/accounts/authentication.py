"""API authentication by a person's named API key (`Authorization: Token <key>`)."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication

#: How often the "last used" time of a key is written (one write, not one per request).
LAST_USED_EVERY = timedelta(hours=1)


class ApiTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """An expired key is refused (and removed); unlike knox's default, the
        person's other keys are left alone, so a request costs one query."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
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
