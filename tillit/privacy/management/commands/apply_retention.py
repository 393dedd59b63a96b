from django.core.management.base import BaseCommand
from django.utils import timezone

from tillit.privacy import services


class Command(BaseCommand):
    help = "Dispose of what the organisations' retention rules say is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only print what would go."
        )

    def handle(self, *args, dry_run=False, **options):
        due = services.apply_retention(now=timezone.now(), dry_run=dry_run)
        verb = "would go" if dry_run else "removed"
        for item in due:
            rule = item.rule
            self.stdout.write(
                f"{rule.organisation}: {rule.kind} after {rule.keep_days} days: "
                f"{item.count} {verb}"
            )
        total = sum(item.count for item in due)
        self.stdout.write(f"{len(due)} rules, {total} rows {verb}.")
