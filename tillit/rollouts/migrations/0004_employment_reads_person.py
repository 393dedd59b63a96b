"""The unit and the own manager are kept once, on the person. Where only the
employment held them (the person's own fields empty), they move to the person
before the employment's copies go; where both hold one, the person's stays, as
every page outside rollouts already showed it. Going back copies the person's
onto the employment again."""

from django.conf import settings
from django.db import migrations
from django.db.models import F


def fill_person_from_employment(apps, schema_editor):
    Employment = apps.get_model("rollouts", "Employment")
    Person = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    employments = Employment.objects.filter(
        organisation=F("person__organisation")
    ).select_related("person", "manager")
    changed = []
    for employment in employments.iterator(chunk_size=2000):
        person = employment.person
        before = (person.unit_id, person.manager_id)
        if person.unit_id is None:
            person.unit_id = employment.unit_id
        manager = employment.manager.person_id if employment.manager_id else None
        if person.manager_id is None and manager != person.pk:
            person.manager_id = manager
        if (person.unit_id, person.manager_id) != before:
            changed.append(person)
    Person.objects.bulk_update(changed, ["unit", "manager"], batch_size=500)


def copy_person_onto_employment(apps, schema_editor):
    Employment = apps.get_model("rollouts", "Employment")
    employments = list(Employment.objects.select_related("person"))
    by_person = {(e.organisation_id, e.person_id): e.pk for e in employments}
    for employment in employments:
        employment.unit_id = employment.person.unit_id
        employment.manager_id = by_person.get(
            (employment.organisation_id, employment.person.manager_id)
        )
    Employment.objects.bulk_update(employments, ["unit", "manager"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("rollouts", "0003_exclusion"),
        ("core", "0006_alter_securityevent_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(fill_person_from_employment, copy_person_onto_employment),
        migrations.RemoveField(model_name="employment", name="manager"),
        migrations.RemoveField(model_name="employment", name="unit"),
    ]
