from django.core.management.base import BaseCommand

from tillit.core.reference import SWEDISH_AREAS, load_reference_data


class Command(BaseCommand):
    help = (
        "Load Sweden's 21 regions and 290 municipalities (SCB codes) as "
        "organisations. Safe to run again: nothing is duplicated."
    )

    def handle(self, *args, **options):
        result = load_reference_data()
        self.stdout.write(
            f"{SWEDISH_AREAS.name}: {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
