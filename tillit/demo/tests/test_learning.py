import pytest
from django.utils import timezone

from tillit.core.models import Person
from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.learning import load_demo
from tillit.learning import selectors
from tillit.learning.models import AlumniMembership, Attendance, Certificate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("app_settings", "empty_cache"),
]


def test_the_demo_gives_the_participant_login_a_lived_in_home():
    today = timezone.localdate()
    load_core_demo(today)

    created = load_demo(today)

    person = Person.objects.get(email="deltagare.stat@example.org")
    teacher = Person.objects.get(email="larare.esv@example.org")
    assert created["certificates"] >= 1
    assert Certificate.objects.filter(person=person).exists()
    assert AlumniMembership.objects.filter(person=person).exists()
    assert Attendance.objects.filter(person=person, status="present").exists()
    assert any(row.next_session for row in selectors.home(person))
    assert teacher.has_usable_password()
    assert selectors.teaching_cohorts(teacher).exists()


def test_loading_the_demo_again_creates_nothing():
    today = timezone.localdate()
    load_core_demo(today)
    load_demo(today)

    assert load_demo(today) == {}
