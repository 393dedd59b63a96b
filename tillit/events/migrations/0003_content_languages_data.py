"""Existing texts go into the column of their organiser's language (sv or fi)."""

from django.db import migrations

from tillit.core.content_languages import copy_into_language


def forwards(apps, schema_editor):
    copy_into_language(apps.get_model("events", "Event"), ('title', 'theme', 'description'), "cohort__programme__organiser__country")
    copy_into_language(apps.get_model("events", "Talk"), ('title', 'description'), "event__cohort__programme__organiser__country")


class Migration(migrations.Migration):
    dependencies = [("events", "0002_content_languages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
