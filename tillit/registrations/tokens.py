"""Signed links that let an approver act from an e-mail without signing in."""

from django.core import signing

from .models import Registration

SALT = "tillit.registrations.approval"


def approval_token(registration, approver):
    return signing.dumps({"r": registration.pk, "a": approver.pk}, salt=SALT)


def read_approval_token(token, *, max_age):
    """(registration, approver pk) for a valid token, else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    registration = (
        Registration.objects.select_related("person__organisation", "cohort__programme")
        .filter(pk=data.get("r"))
        .first()
    )
    return (registration, data.get("a")) if registration else None
