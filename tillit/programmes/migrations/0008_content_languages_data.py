"""Existing texts go into the column of their organiser's language (sv or fi)."""

from django.db import migrations

from tillit.core.content_languages import copy_into_language


def forwards(apps, schema_editor):
    copy_into_language(apps.get_model("programmes", "Programme"), ('title', 'summary', 'description', 'target_group'), "organiser__country")
    copy_into_language(apps.get_model("programmes", "Cohort"), ('name', 'location'), "programme__organiser__country")
    copy_into_language(apps.get_model("programmes", "Session"), ('title', 'location'), "cohort__programme__organiser__country")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_content_languages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
