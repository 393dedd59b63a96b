import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from tillit.core.models import Organisation, Person, RoleCategory, Unit
from tillit.demo.core import DEMO_PASSWORD, load_demo
from tillit.programmes.models import Cohort, Programme, Session, TargetRule
from tillit.programmes.selectors import eligibility
from tillit.registrations.models import Registration
from tillit.registrations.selectors import availability

MODELS = [
    Organisation,
    Unit,
    Person,
    Programme,
    TargetRule,
    Cohort,
    Session,
    Registration,
]


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back after it; each test
    runs inside it in its own savepoint."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _snapshot():
    """What a second run must not change: seats, dates, statuses."""
    return (
        list(Cohort.objects.values_list("pk", "capacity", "registration_opens_at")),
        list(Registration.objects.values_list("pk", "status", "person_id")),
        list(Person.objects.values_list("pk", "email", "password")),
    )


def _cohort(programme_slug, name_start):
    # The demo's names are Swedish (the default content language).
    with translation.override("sv"):
        return Cohort.objects.get(
            programme__slug=programme_slug, name__startswith=name_start
        )


def test_loaddemo_again_changes_nothing_and_prints_the_logins(demo, db, capsys):
    call_command("loaddemo")  # adds the apps' demos to the core demo
    capsys.readouterr()
    counts, snapshot = _counts(), _snapshot()

    call_command("loaddemo")

    assert _counts() == counts
    assert _snapshot() == snapshot
    output = capsys.readouterr().out
    assert "nothing new" in output
    assert DEMO_PASSWORD in output
    for email in [
        "admin@example.org",
        "arrangor.esv@example.org",
        "arrangor.adda@example.org",
        "deltagare.stat@example.org",
        "deltagare.kommun@example.org",
    ]:
        assert email in output


def test_demo_has_a_cohort_whose_registration_has_not_opened(demo, db):
    esv = _cohort("esv-strategisk-verksamhetsstyrning", "Våren")

    assert esv.registration_has_not_opened(timezone.now())
    assert esv.registration_opens_at.month == 1
    assert esv.starts_on.month == 4
    assert esv.sessions.count() == 6


def test_demo_has_adda_september_round_half_booked(demo, db):
    september = _cohort("adda-chefsprogram-valfardens-digitalisering", "Hösten")

    seats = availability(september)

    assert (september.starts_on.month, september.starts_on.day) == (9, 2)
    assert september.registration_is_open(timezone.now())
    assert seats.share_booked == 50
    assert seats.waitlisted == 0


def test_demo_has_a_full_cohort_with_a_short_waitlist(demo, db):
    full = _cohort("linkopings-kommun-chefsprogram", "Omgång 1")

    seats = availability(full)

    assert seats.is_full
    assert 1 <= seats.waitlisted <= 5


def test_demo_has_open_cohorts_with_seats_left(demo, db):
    now = timezone.now()

    open_with_seats = [
        cohort
        for cohort in Cohort.objects.all()
        if cohort.registration_is_open(now) and not availability(cohort).is_full
    ]

    assert len(open_with_seats) >= 3


def test_demo_sends_five_eskilstuna_managers_with_different_roles_to_adda(demo, db):
    spring = _cohort("adda-chefsprogram-valfardens-digitalisering", "Våren")

    titles = sorted(
        spring.registrations.filter(person__organisation__code="0484").values_list(
            "person__title", flat=True
        )
    )

    assert titles == [
        "Digitaliseringschef",
        "IT-chef",
        "IT-chef",
        "Kommunikationschef",
        "Utvecklingschef",
    ]


def test_demo_people_are_fictional_at_example_org(demo, db):
    emails = Person.objects.values_list("email", flat=True)

    assert all(email.endswith("@example.org") for email in emails)


def test_demo_logins_have_the_demo_password(demo, db):
    for login in demo.logins:
        person = Person.objects.get(email=login.email)
        assert person.check_password(DEMO_PASSWORD), login.email


def test_every_organiser_organisation_has_an_organiser_login(demo, db):
    organisers = Organisation.objects.filter(programmes__isnull=False).distinct()

    assert organisers.count() == 5
    assert all(org.staff.exists() for org in organisers)
    assert Organisation.objects.get(name_sv="Finansministeriet").country == "FI"


def test_the_finnish_organisations_get_their_finnish_names_once(demo, db):
    from tillit.demo.organisations import load_demo as name_in_finnish

    first = name_in_finnish()
    again = name_in_finnish()

    ministry = Organisation.objects.get(name_sv="Finansministeriet")
    assert ministry.name_fi == "Valtiovarainministeriö"
    with translation.override("fi"):
        assert ministry.name == "Valtiovarainministeriö"
    assert first["Finnish organisation names"] >= 5
    assert again["Finnish organisation names"] == 0


def test_the_finnish_organiser_reads_and_is_mailed_in_finnish(demo, db):
    lead = Person.objects.get(email="arrangor.fm@example.org")

    assert lead.preferred_language == "fi"
    assert lead.organisation.time_zone == "Europe/Helsinki"


def test_demo_participants_are_in_their_programmes_target_groups(demo, db):
    state = Person.objects.get(email="deltagare.stat@example.org")
    municipal = Person.objects.get(email="deltagare.kommun@example.org")

    assert eligibility(
        state, Programme.objects.get(slug__startswith="esv-")
    ).is_eligible
    assert eligibility(
        municipal, Programme.objects.get(slug="cks-ledarskap-i-kommuner")
    ).is_eligible


def test_demo_has_chief_executives_of_every_ostergotland_municipality(demo, db):
    chiefs = Person.objects.filter(role_category=RoleCategory.CHIEF_EXECUTIVE)

    codes = set(chiefs.values_list("organisation__code", flat=True))

    assert len(codes) >= 19
    assert {code for code in codes if code.startswith("05")} == set(
        Organisation.objects.filter(
            kind="municipality", code__startswith="05"
        ).values_list("code", flat=True)
    )
