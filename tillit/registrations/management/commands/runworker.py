"""The background worker: lets held seats, offers and unnamed reservations lapse on
time and passes the seats on, whether or not anyone visits the site."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tillit.registrations import services


class Command(BaseCommand):
    help = (
        "Run the background worker: every --interval seconds, expire held seats, "
        "offers and unnamed reserved seats that are due, and give the seats to the "
        "waitlist. Stop with Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0)
        parser.add_argument(
            "--once", action="store_true", help="Run one round and exit."
        )

    def handle(self, *args, interval, once, **options):
        self._running = True
        signal.signal(signal.SIGTERM, self._stop)
        while self._running:
            handled = services.expire_due()
            if handled or once:
                self.stdout.write(f"Expired what was due in {handled} cohort(s).")
            if once:
                return
            self._sleep(interval)
            # A long-running process: drop a broken or old connection between rounds.
            close_old_connections()

    def _stop(self, *args):
        self._running = False

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while self._running and time.monotonic() < deadline:
            time.sleep(min(1.0, deadline - time.monotonic()))
