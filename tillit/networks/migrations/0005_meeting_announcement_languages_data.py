"""Existing meetings' and announcements' texts go into the column of their
network owner's language (sv or fi)."""

from django.db import migrations

from tillit.core.content_languages import copy_into_language


def forwards(apps, schema_editor):
    copy_into_language(
        apps.get_model("networks", "Announcement"),
        ("title", "body"),
        "network__owner__country",
    )
    copy_into_language(
        apps.get_model("networks", "Meeting"),
        ("title", "place", "description"),
        "network__owner__country",
    )


class Migration(migrations.Migration):
    dependencies = [("networks", "0004_meeting_announcement_languages")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
