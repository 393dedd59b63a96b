import pytest
from django.utils import timezone

from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.mentoring import MENTEE_LOGIN, PROGRAMME, load_demo
from tillit.mentoring import selectors
from tillit.mentoring.models import MentoringProgramme, Pair
from tillit.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("app_settings")]


def test_demo_has_twenty_mentors_a_published_matching_and_meetings_and_loads_once():
    today = timezone.localdate()
    load_core_demo(today)

    created = load_demo(today)
    again = load_demo(today)

    assert created["mentors"] == 20
    assert again == {}
    mentoring = MentoringProgramme.objects.get(programme__slug=PROGRAMME)
    pairs = list(mentoring.pairs.select_related("mentee", "mentor__person"))
    assert len(pairs) == len(selectors.mentees(mentoring)) >= 10
    assert all(
        p.mentee.organisation_id != p.mentor.person.organisation_id for p in pairs
    )
    login_pair = Pair.objects.get(mentee__email=MENTEE_LOGIN)
    assert login_pair.mentor.person.has_usable_password()
    assert all(
        row.held == 1 and row.planned == 1
        for row in selectors.pairs_overview(mentoring)
    )
    assert not Notification.objects.filter(kind="mentoring_matched").exists()
