"""Existing texts go into the column of their organiser's language (sv or fi)."""

from django.db import migrations

from tillit.core.content_languages import copy_into_language


def forwards(apps, schema_editor):
    copy_into_language(apps.get_model("evaluations", "EvaluationForm"), ('title', 'description'), "organisation__country")
    copy_into_language(apps.get_model("evaluations", "Question"), ('text', 'help_text', 'low_label', 'high_label'), "form__organisation__country")


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_content_languages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
