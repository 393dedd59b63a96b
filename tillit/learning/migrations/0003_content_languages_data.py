"""Existing texts go into the column of their organiser's language (sv or fi)."""

from django.db import migrations

from tillit.core.content_languages import copy_into_language

COUNTRY = "programme__organiser__country"


def forwards(apps, schema_editor):
    copy_into_language(
        apps.get_model("learning", "Preparation"),
        ("text",),
        f"session__cohort__{COUNTRY}",
    )
    copy_into_language(
        apps.get_model("learning", "Assignment"),
        ("title", "instructions"),
        f"cohort__{COUNTRY}",
    )
    copy_into_language(
        apps.get_model("learning", "Milestone"),
        ("title",),
        f"assignment__cohort__{COUNTRY}",
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_content_languages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
