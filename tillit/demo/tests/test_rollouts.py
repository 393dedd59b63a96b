import pytest
from django.urls import reverse

from tillit.core.models import Organisation
from tillit.demo import rollouts as demo
from tillit.demo.core import load_demo as load_core_demo
from tillit.rollouts import selectors
from tillit.rollouts.models import Employment, FollowUp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("app_settings")]


def test_demo_municipality_reaches_full_coverage_and_loads_once(client):
    load_core_demo()
    counts = demo.load_demo()

    org = Organisation.objects.get(employer_contacts__email=demo.HR_EMAIL)
    rows, total = selectors.dashboard(org)
    assert 650 <= counts["rollout managers"] <= 750
    assert (
        Employment.objects.filter(organisation=org)
        .values("department")
        .distinct()
        .count()
        == 8
    )
    assert len(rows) == 8
    assert total.not_planned == 0
    assert total.covered_share == 100
    assert total.completed > 0 and total.planned > 0
    assert FollowUp.objects.filter(held_on__isnull=False).exists()
    assert demo.load_demo() == {}
    client.force_login(org.employer_contacts.get(email=demo.HR_EMAIL))
    plan = org.rollout_plans.get()
    for url in (
        reverse("rollouts:plan-detail", args=[plan.pk]),
        reverse("rollouts:dashboard", args=[org.pk]),
    ):
        assert client.get(url).status_code == 200
