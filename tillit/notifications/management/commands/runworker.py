"""`manage.py runworker`: the one background service Tillit needs."""

import signal

from django.core.management.base import BaseCommand

from tillit.notifications.worker import Supervisor, Worker


class Command(BaseCommand):
    help = (
        "Run the background worker: one django-tasks-db db_worker process per "
        "queue in TILLIT_WORKER_QUEUES (urgent: held seats and offers that lapse; "
        "mail: the e-mail outbox; engine: group formation and rollout planning; "
        "default: reminders and the rest), started again if one dies, and every "
        "--interval seconds the periodic jobs that the apps declare enqueued on "
        "their queues. Stops cleanly on Ctrl-C or SIGTERM, after the tasks in hand."
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
            "--queues",
            default=None,
            help="Comma-separated queues to start a db_worker for "
            "(default: TILLIT_WORKER_QUEUES).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="In this process: run the periodic jobs once, run every queued "
            "task that is due, and exit.",
        )

    def handle(self, *args, interval, poll, queues, once, **options):
        if once:
            Worker(interval=interval, poll=poll, report=self.stdout.write).run(
                once=True
            )
            return
        supervisor = Supervisor(
            queues=queues.split(",") if queues else None,
            interval=interval,
            poll=poll,
            report=self.stdout.write,
        )
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        self.stdout.write(
            f"Worker running: queues {', '.join(supervisor.queues)}; periodic jobs "
            f"every {supervisor.interval:g} s. Stop with Ctrl-C."
        )
        supervisor.run()
        self.stdout.write("Worker stopped.")
