import pytest
from django.utils import timezone

from tillit.core.models import Person
from tillit.demo import networks as demo
from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.learning import load_demo as load_learning_demo
from tillit.networks import selectors
from tillit.networks.models import Membership, Network

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("app_settings")]


@pytest.fixture
def loaded():
    today = timezone.localdate()
    load_core_demo(today)
    load_learning_demo(today)
    return today, demo.load_demo(today)


def test_the_demo_makes_the_ministrys_four_networks_and_the_alumni_group(loaded):
    _today, created = loaded

    assert created["networks"] == 4
    assert set(Network.objects.values_list("kind", flat=True)) == {
        "forum",
        "alumni",
        "peer",
        "open",
    }
    assert Network.objects.get(kind="alumni").memberships.active().exists()


def test_the_hr_forum_has_a_chair_who_can_log_in_meetings_and_an_application(
    loaded,
):
    hr = Network.objects.get(slug=demo.HR_SLUG)

    chair = hr.memberships.get(role=Membership.Role.CHAIR).person

    assert chair.email == demo.HR_CHAIR
    assert chair.has_usable_password()
    assert hr.meetings.count() == 3
    assert hr.files.count() == 1
    assert selectors.pending(hr).filter(status="applied").count() == 1
    assert [login.email for login in demo.logins()] == [demo.HR_CHAIR]


def test_the_open_network_has_outside_actors_and_an_invitation_for_the_participant(
    loaded,
):
    network = Network.objects.get(slug=demo.OPEN_SLUG)
    participant = Person.objects.get(email="deltagare.stat@example.org")

    outsiders = network.memberships.active().filter(
        person__organisation__sector="private"
    )

    assert outsiders.count() == 2
    assert network.memberships.get(person=participant).status == "invited"


def test_demo_people_are_fictional_at_example_org(loaded):
    emails = Membership.objects.values_list("person__email", flat=True)

    assert all(email.endswith("@example.org") for email in emails)


def test_loading_the_demo_again_creates_nothing(loaded):
    today, _created = loaded

    assert demo.load_demo(today) == {}
