"""People who already had a password when e-mail confirmation came in keep
signing in: their address counts as confirmed (it was given by an organiser,
HR or themselves before this release)."""

from django.db import migrations


def confirm(apps, schema_editor):
    Person = apps.get_model("core", "Person")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in Person.objects.exclude(password="")
            .exclude(password__startswith="!")
            .values_list("pk", "email")
            if pk not in known
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("core", "0004_securityevent"),
    ]

    operations = [migrations.RunPython(confirm, migrations.RunPython.noop)]
