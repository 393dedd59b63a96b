import pytest
from django.utils import timezone, translation

from tillit.core.models import Person
from tillit.demo import networks as demo
from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.learning import load_demo as load_learning_demo
from tillit.networks import selectors
from tillit.networks.models import Announcement, Meeting, Membership, Network

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


def test_the_ministrys_meetings_and_announcements_read_in_finnish_and_english(
    loaded,
):
    ministry = Network.objects.filter(owner__name="Finansministeriet")
    meetings = Meeting.objects.filter(network__in=ministry)
    announcements = Announcement.objects.filter(network__in=ministry)

    assert meetings.count() == 7
    assert not meetings.filter(title_fi__in=["", None]).exists()
    assert not meetings.filter(title_en__in=["", None]).exists()
    assert not announcements.filter(body_fi__in=["", None]).exists()
    assert not announcements.filter(body_en__in=["", None]).exists()
    seminar = meetings.get(title_sv="Årligt seminarium för HR-direktörer")
    with translation.override("fi"):
        assert (seminar.title, seminar.place) == (
            "HR-johtajien vuosittainen seminaari",
            "Hanasaari, Espoo",
        )


def test_the_alumni_meeting_of_a_swedish_programme_reads_in_english(loaded):
    alumni = Meeting.objects.get(network__kind="alumni")

    with translation.override("en"):
        assert alumni.title == "Alumni meeting: a year of digitalisation"
    with translation.override("fi"):  # no Finnish: the organiser's Swedish
        assert alumni.title == "Alumnträff: ett år med digitaliseringen"


def test_loading_again_gives_an_older_demos_meetings_their_finnish(loaded):
    today, _created = loaded
    Meeting.objects.update(title_fi="", place_fi="")

    demo.load_demo(today)

    seminar = Meeting.objects.get(title_sv="Årligt seminarium för HR-direktörer")
    assert seminar.place_fi == "Hanasaari, Espoo"


def test_the_ministrys_networks_have_english_names_and_descriptions(loaded):
    ministry = Network.objects.filter(owner__name="Finansministeriet")

    assert ministry.count() == 4
    assert not ministry.filter(name_en__in=["", None]).exists()
    assert not ministry.filter(description_en__in=["", None]).exists()
