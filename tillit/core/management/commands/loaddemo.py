from django.core.management.base import BaseCommand

from tillit.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: Sweden's municipalities and regions, the seeds' organisers, "
        "programmes, cohorts and sessions, fictional people and their bookings. "
        "Safe to run again: what exists is left as it is."
    )

    def handle(self, *args, **options):
        report = load_demo()
        reference = report.reference
        self.stdout.write(
            f"Reference data: {reference.created} organisations created, "
            f"{reference.updated} updated, {reference.unchanged} unchanged."
        )
        created = ", ".join(f"{n} {what}" for what, n in report.created.items())
        self.stdout.write(f"Demo data created: {created or 'nothing new'}.")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD})")
        )
        width = max(len(login.email) for login in report.logins)
        self.stdout.write(f"{'E-mail'.ljust(width)}  Role")
        self.stdout.write(f"{'-' * width}  {'-' * 40}")
        for login in report.logins:
            self.stdout.write(f"{login.email.ljust(width)}  {login.role}")
