"""Migration 0004 keeps the unit and the own manager once, on the person."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(rollouts):
    """Move only rollouts to that migration; the models as they are then, every
    other app at its latest."""
    executor = MigrationExecutor(connection)
    executor.migrate([("rollouts", rollouts)])
    executor.loader.build_graph()
    leaves = executor.loader.graph.leaf_nodes()
    state = [node for node in leaves if node[0] != "rollouts"] + [
        ("rollouts", rollouts)
    ]
    return executor.loader.project_state(state).apps


@pytest.mark.django_db(transaction=True)
def test_the_employments_unit_and_manager_fill_a_person_who_had_none():
    apps = migrate("0003_exclusion")
    Organisation = apps.get_model("core", "Organisation")
    Person = apps.get_model("core", "Person")
    Unit = apps.get_model("core", "Unit")
    Employment = apps.get_model("rollouts", "Employment")
    org = Organisation.objects.create(
        name="Exempelkommun", time_zone="Europe/Stockholm"
    )
    unit = Unit.objects.create(organisation=org, name="Hemtjänst Norr")
    other = Unit.objects.create(organisation=org, name="Hemtjänst Syd")

    def person(email, **fields):
        return Person.objects.create(
            email=email, first_name="A", last_name="B", organisation=org, **fields
        )

    boss, own_boss = person("boss@example.org"), person("own@example.org")
    empty, kept = (
        person("empty@example.org"),
        person("kept@example.org", unit=other, manager=own_boss),
    )
    boss_job = Employment.objects.create(organisation=org, person=boss, employee_id="1")
    for number, who in (("2", empty), ("3", kept)):
        Employment.objects.create(
            organisation=org,
            person=who,
            employee_id=number,
            unit=unit,
            manager=boss_job,
        )

    apps = migrate("0004_employment_reads_person")

    Person = apps.get_model("core", "Person")
    assert Person.objects.filter(pk=empty.pk, unit=unit.pk, manager=boss.pk).exists()
    assert Person.objects.filter(
        pk=kept.pk, unit=other.pk, manager=own_boss.pk
    ).exists()
