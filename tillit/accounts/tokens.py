"""Signed, single-use, expiring links for invitations. Nothing secret is
stored: the link is signed with SECRET_KEY over the person's password hash and
last sign-in, so it stops working once used."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "tillit.accounts.tokens.InvitationTokenGenerator"

    @property
    def timeout(self):  # read when checked, so tests may change the setting
        return settings.TILLIT_INVITATION_DAYS * 24 * 60 * 60


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
