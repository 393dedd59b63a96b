"""Signed, single-use, expiring links for invitations. Nothing secret is
stored: the link is signed with SECRET_KEY over the person's password hash and
last sign-in, so it stops working once used."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import (
    base36_to_int,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tillit.accounts.tokens.InvitationTokenGenerator"

    @property
    def timeout(self):  # read when checked, so tests may change the setting
        return settings.TILLIT_INVITATION_DAYS * 24 * 60 * 60

    def check_token(self, user, token):
        """Django's check, with the invitation's own lifetime instead of
        PASSWORD_RESET_TIMEOUT."""
        try:
            timestamp = base36_to_int(str(token).split("-")[0])
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            expected = self._make_token_with_timestamp(user, timestamp, secret)
            if user is not None and constant_time_compare(expected, token):
                return self._num_seconds(self._now()) - timestamp <= self.timeout
        return False


invitation_tokens = InvitationTokenGenerator()


def make_link_parts(person):
    return urlsafe_base64_encode(force_bytes(person.pk)), invitation_tokens.make_token(
        person
    )


def person_pk_from(uidb64):
    """The person's primary key in a link, or None when it is garbled."""
    try:
        return int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
