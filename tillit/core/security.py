"""The security log, written by any app: `record(kind, request=..., ...)`."""

from .models import SecurityEvent

Kind = SecurityEvent.Kind


def client_address(request):
    """The client's address as Django sees it (REMOTE_ADDR, which the deployment's
    proxy settings decide), or None outside a request."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
