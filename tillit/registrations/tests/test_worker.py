import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tillit.core.tests.factories import PersonFactory
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services
from tillit.registrations.models import Registration

pytestmark = pytest.mark.django_db


def test_the_worker_passes_an_expired_offer_to_the_next_person(capsys):
    cohort = CohortFactory(capacity=1, waitlist_rule="offer", offer_hours=1)
    seat = services.register(PersonFactory(), cohort)
    offered = services.register(PersonFactory(), cohort)
    behind = services.register(PersonFactory(), cohort)
    services.cancel(seat)
    Registration.objects.filter(pk=offered.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    call_command("runworker", "--once")

    offered.refresh_from_db()
    behind.refresh_from_db()
    assert offered.end_reason == Registration.EndReason.EXPIRED
    assert behind.status == Registration.Status.OFFERED
    assert "expire_due: 1" in capsys.readouterr().out
