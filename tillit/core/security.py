"""The security log, written by any app: `record(kind, request=..., ...)`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address

from .models import SecurityEvent

Kind = SecurityEvent.Kind


def client_address(request):
    """The client's address, or None outside a request: REMOTE_ADDR, or with
    TRUSTED_PROXY_COUNT proxies in front the address the outermost trusted
    proxy appended to X-Forwarded-For (the rule of the API's throttle, DRF's
    NUM_PROXIES), which a client cannot forge by writing the header itself."""
    if request is None:
        return None
    meta = request.META
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return _valid(addresses[-min(proxies, len(addresses))])
    return _valid(meta.get("REMOTE_ADDR"))


def _valid(address):
    try:
        validate_ipv46_address(address or "")
    except ValidationError:
        return None
    return address


def record(kind, *, request=None, person=None, email="", detail=""):
    """Write one security event; `detail` is cut to fit."""
    if person is not None and not getattr(person, "pk", None):
        person = None
    return SecurityEvent.objects.create(
        kind=Kind(kind),
        person=person,
        email=(email or (person.email if person else ""))[:254],
        ip_address=client_address(request),
        detail=str(detail)[:500],
    )


def mark_export(response, what, *, person=None):
    """Mark `response` as an export of personal data (a list of people as PDF,
    a JSON list from the API); SecurityLogMiddleware records it once sent.
    `person` is who asked, when Django's request.user does not know (an API
    key is read by the API view, not by Django's middleware)."""
    response.personal_data_export = str(what)
    if person is not None:
        response.exported_by = person
    return response


def mark_refusal(response, reason, *, key="", person=None, always=True):
    """Mark `response` as a refusal for SecurityLogMiddleware to record, with
    the `reason` (a code), the API key's identity (`key`, never the secret)
    and its owner. With always=False (a 404) the middleware records it only
    where a 404 means "not yours" (a gated area), as for pages."""
    response.refusal = {
        "reason": str(reason),
        "key": str(key),
        "person": person,
        "always": always,
    }
    return response
