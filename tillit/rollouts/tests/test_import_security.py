"""The HR import may only create people or update its own organisation's
imported people (issue 16): never take over someone else's account, and never
tell whether an address exists elsewhere in Tillit."""

import pytest

from tillit.core.models import Person
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.rollouts import services
from tillit.rollouts.models import Employment

from .factories import csv_bytes, imported, municipality

pytestmark = pytest.mark.django_db

CHIEF = ["1", "Karin Chef", "karin@example.org", "Kommunledning", "Direktör", ""]


def row(email, employee_id="2", name="Eve Takeover"):
    return [employee_id, name, email, "Kommunledning", "Chef", "1"]


def preview(org, hr, rows):
    return services.preview_import(
        org, actor=hr, filename="chefer.csv", content=csv_bytes(rows)
    )


def problem_text(batch, employee_id="2"):
    return " ".join(
        " ".join(p["messages"])
        for p in batch.problems
        if p["employee_id"] == employee_id
    )


@pytest.mark.parametrize(
    "owner",
    [
        lambda: Person.objects.create_superuser("root@example.org", "pw-123456789"),
        lambda: PersonFactory(email="root@example.org", organisation=None),
        lambda: PersonFactory(email="root@example.org"),
        lambda: PersonFactory(email="root@example.org", is_staff=True),
    ],
    ids=["superuser", "external-mentor", "other-organisation", "staff"],
)
def test_an_import_row_with_someone_elses_address_is_refused_and_writes_nothing(
    owner,
):
    org, hr, _programme = municipality()
    victim = owner()
    before = (victim.first_name, victim.last_name, victim.organisation_id)

    batch = preview(org, hr, [CHIEF, row("ROOT@example.org")])

    assert "cannot be used in this import" in problem_text(batch)
    with pytest.raises(services.RolloutError):
        services.confirm_import(batch, actor=hr)
    victim.refresh_from_db()
    assert (victim.first_name, victim.last_name, victim.organisation_id) == before
    assert not Employment.objects.filter(person=victim).exists()


def test_the_refusal_reads_the_same_whether_or_not_the_address_exists():
    org, hr, _programme = municipality()
    PersonFactory(email="taken@example.org", organisation=None)
    PersonFactory(email="own@example.org", organisation=OrganisationFactory())

    texts = {
        email: problem_text(preview(org, hr, [CHIEF, row(email)])).replace(email, "X")
        for email in ("taken@example.org", "own@example.org")
    }

    assert texts["taken@example.org"] == texts["own@example.org"]
    assert "another organisation" not in texts["own@example.org"]
    assert "exist" not in texts["own@example.org"]


def test_a_reimport_cannot_move_an_imported_person_onto_an_outsiders_address():
    org, hr, _programme = municipality()
    imported(org, hr, [CHIEF, row("eve@example.org")])
    PersonFactory(email="mentor@example.org", organisation=None)

    batch = preview(org, hr, [CHIEF, row("mentor@example.org")])

    assert "cannot be used in this import" in problem_text(batch)


def test_a_reimport_does_not_touch_a_person_who_has_since_left_the_organisation():
    org, hr, _programme = municipality()
    imported(org, hr, [CHIEF, row("eve@example.org")])
    eve = Person.objects.get(email="eve@example.org")
    eve.organisation = OrganisationFactory()
    eve.save()

    batch = preview(org, hr, [CHIEF, row("eve.new@example.org", name="Eve Renamed")])

    assert "cannot be used in this import" in problem_text(batch)
    eve.refresh_from_db()
    assert eve.email == "eve@example.org"


def test_a_reimport_updates_the_login_address_of_an_own_imported_person():
    org, hr, _programme = municipality()
    imported(org, hr, [CHIEF, row("eve@example.org")])

    batch = preview(org, hr, [CHIEF, row("eve.berg@example.org")])
    services.confirm_import(batch, actor=hr)

    assert Employment.objects.get(organisation=org, employee_id="2").person.email == (
        "eve.berg@example.org"
    )


def test_an_account_of_the_organisation_itself_is_linked_and_listed_for_hr():
    org, hr, _programme = municipality()
    signed_up = PersonFactory(email="eve@example.org", organisation=org)

    batch = preview(org, hr, [CHIEF, row("eve@example.org")])
    services.confirm_import(batch, actor=hr)

    assert batch.preview["linked"] == [{"employee_id": "2", "name": str(signed_up)}]
    assert Employment.objects.get(organisation=org, employee_id="2").person == signed_up


def test_a_superuser_of_the_organisation_is_never_linked():
    org, hr, _programme = municipality()
    Person.objects.create_superuser(
        "root@example.org", "pw-123456789", organisation=org
    )

    batch = preview(org, hr, [CHIEF, row("root@example.org")])

    assert "cannot be used in this import" in problem_text(batch)


def test_someone_who_signs_up_elsewhere_after_the_check_stops_the_confirmation():
    org, hr, _programme = municipality()
    batch = preview(org, hr, [CHIEF, row("late@example.org")])
    late = PersonFactory(email="late@example.org", organisation=None)

    with pytest.raises(services.RolloutError):
        services.confirm_import(batch, actor=hr)

    late.refresh_from_db()
    assert late.organisation_id is None
    assert not Employment.objects.exists()
