"""`manage.py runworker`: the one background process Tillit needs."""

import signal

from django.core.management.base import BaseCommand

from tillit.notifications.worker import Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: every --interval seconds the periodic jobs in "
        "that the apps declare (held seats and offers that lapse, session "
        "reminders, assignment reminders, evaluation invitations, mail retries), "
        "and in between the queued background tasks (e-mail). Stops cleanly on "
        "Ctrl-C or SIGTERM, after the task in hand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between runs of the periodic jobs "
            "(default: TILLIT_PERIODIC_INTERVAL, 60).",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=1.0,
            help="Seconds between looks at the task queue (default: 1).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the periodic jobs once, run every queued task that is due, "
            "and exit.",
        )

    def handle(self, *args, interval, poll, once, **options):
        worker = Worker(interval=interval, poll=poll, report=self.stdout.write)
        if not once:
            signal.signal(signal.SIGTERM, worker.stop)
            signal.signal(signal.SIGINT, worker.stop)
            self.stdout.write(
                f"Worker running: periodic jobs every {worker.interval:g} s. "
                "Stop with Ctrl-C."
            )
        worker.run(once=once)
        if not once:
            self.stdout.write("Worker stopped.")
