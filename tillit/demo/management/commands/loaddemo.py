from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from tillit.demo.core import DEMO_PASSWORD, Login, load_demo

# Each app's demo runs after the core demo, which it builds on, in this order.
APP_DEMOS = [
    "tillit.demo.learning",
    "tillit.demo.evaluations",
    "tillit.demo.mentoring",
    "tillit.demo.rollouts",
    "tillit.demo.networks",
    "tillit.demo.groups",
    "tillit.demo.events",
    "tillit.demo.organisations",
    "tillit.demo.accounts",
    "tillit.demo.privacy",
    # Last: marks the receipts the demo's bookings queued as not to be sent.
    "tillit.demo.notifications",
]

# Logins that show what the apps' demos add (the core demo lists its own; an
# app's demo module may also offer logins() for people whose address it makes).
APP_LOGINS = [
    Login(
        "larare.esv@example.org",
        "Teacher: preparation, review, attendance, completion (ESV)",
        "Ekonomistyrningsverket",
    ),
    Login(
        "hr.linkoping@example.org",
        "HR director: import, rollout plan, dashboard (~700 managers)",
        "Linköpings kommun",
    ),
]


class Command(BaseCommand):
    help = (
        "Load the demo: Sweden's municipalities and regions, the seeds' organisers, "
        "programmes, cohorts and sessions, fictional people and their bookings, "
        "learning, evaluations, mentoring and a municipality's rollout. "
        "Safe to run again: what exists is left as it is."
    )

    def handle(self, *args, **options):
        # The demo's names are found and written in the default content
        # language's columns, whatever language the shell runs in.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            self._load()

    def _load(self):
        today = timezone.localdate()
        report = load_demo(today)
        reference = report.reference
        self.stdout.write(
            f"Reference data: {reference.created} organisations created, "
            f"{reference.updated} updated, {reference.unchanged} unchanged."
        )
        created = dict(report.created)
        logins = report.logins + APP_LOGINS
        for path in APP_DEMOS:
            module = import_module(path)
            for what, n in module.load_demo(today).items():
                created[what] = created.get(what, 0) + n
            if hasattr(module, "logins"):
                logins += module.logins()
        made = ", ".join(f"{n} {what}" for what, n in created.items() if n)
        self.stdout.write(f"Demo data created: {made or 'nothing new'}.")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD})")
        )
        width = max(len(login.email) for login in logins)
        self.stdout.write(f"{'E-mail'.ljust(width)}  Role")
        self.stdout.write(f"{'-' * width}  {'-' * 40}")
        for login in logins:
            self.stdout.write(f"{login.email.ljust(width)}  {login.role}")
