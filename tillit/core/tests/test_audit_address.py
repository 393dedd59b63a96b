"""The audit trail records the client's address by the security log's rule:
a client that writes its own X-Forwarded-For cannot put a change on
another address (django-auditlog's own middleware takes the header's first
entry)."""

import pytest
from auditlog.models import LogEntry
from django.http import HttpResponse

from tillit.core.middleware import AuditlogMiddleware
from tillit.core.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _change_through_the_middleware(rf, **meta):
    organisation = OrganisationFactory()

    def rename(request):
        organisation.name = "Nytt namn"
        organisation.save()
        return HttpResponse()

    request = rf.post("/", **meta)
    request.user = PersonFactory()
    AuditlogMiddleware(rename)(request)
    return LogEntry.objects.get_for_object(organisation).latest("pk")


def test_a_forwarded_address_written_by_the_client_is_ignored(rf):
    entry = _change_through_the_middleware(
        rf,
        REMOTE_ADDR="192.0.2.9",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_X_FORWARDED_PORT="4444",
    )

    assert (entry.remote_addr, entry.remote_port) == ("192.0.2.9", None)


def test_behind_a_trusted_proxy_the_address_it_appended_is_recorded(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    entry = _change_through_the_middleware(
        rf, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )

    assert entry.remote_addr == "203.0.113.7"
