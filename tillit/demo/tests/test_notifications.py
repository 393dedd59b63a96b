import pytest
from django.utils import timezone

from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.notifications import load_demo
from tillit.notifications.models import CalendarFeed, Notification, Optout

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.usefixtures("app_settings"),
]


def test_the_demo_loads_once_and_sends_no_demo_receipts():
    today = timezone.localdate()
    load_core_demo(today)

    first = load_demo(today)
    second = load_demo(today)

    assert first["calendar feeds"] >= 2
    assert first["turned-off reminders"] == 1
    assert second == {
        "calendar feeds": 0,
        "turned-off reminders": 0,
        "demo mails skipped": 0,
    }
    assert CalendarFeed.objects.filter(
        person__email="deltagare.stat@example.org"
    ).exists()
    assert Optout.objects.count() == 1
    assert not Notification.objects.filter(status=Notification.Status.QUEUED).exists()
