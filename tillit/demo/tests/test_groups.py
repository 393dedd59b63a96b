import datetime as dt

import pytest

from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.groups import load_demo
from tillit.groups.models import GroupMember, GroupRound
from tillit.notifications.models import Notification


@pytest.mark.slow
def test_the_demo_forms_four_groups_and_a_continuing_round_idempotently(db):
    today = dt.date(2026, 11, 2)
    load_core_demo(today)

    counts = load_demo(today)
    again = load_demo(today)

    first, second = GroupRound.objects.order_by("year")
    assert first.is_published and not second.is_published
    assert first.groups.count() == 4
    assert GroupMember.objects.filter(round=first).count() == 40
    assert second.applications.filter(status="accepted").count() == 38 + 10
    assert second.applications.filter(status="pending").count() == 2
    assert counts["peer groups"] == 4
    assert not again.get("peer groups") and not again.get("people")
    assert not Notification.objects.filter(
        key__startswith="peer-group:", status="queued"
    ).exists()
