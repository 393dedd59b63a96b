"""The background worker behind `manage.py runworker`.

One process does two things in turn: every TILLIT_PERIODIC_INTERVAL seconds it
runs the periodic jobs (declared by each app in tillit.core.periodic, functions
taking `now=`), and between them it drains the database task queue (django-tasks-db)
that notify() fills. Each job runs in its own try/except, so one failing or
missing job never stops the others or the mail.
"""

import logging
import time

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.tasks import task_backends
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.utils import is_locked_database_exception

from tillit.core import periodic

logger = logging.getLogger(__name__)


def periodic_jobs():
    """The jobs each app declared in its AppConfig.ready() (tillit.core.periodic)."""
    return periodic.jobs()


class Worker:
    def __init__(self, *, interval=None, poll=1.0, jobs=None, report=None):
        self.interval = (
            interval
            if interval is not None
            else getattr(settings, "TILLIT_PERIODIC_INTERVAL", 60)
        )
        self.poll = poll
        self.jobs = periodic_jobs() if jobs is None else list(jobs)
        self.report = report or (lambda line: None)
        self.running = True
        self.worker_id = f"tillit-{get_random_string(20)}"
        self._missing = set()

    # Running ----------------------------------------------------------------

    def run(self, *, once=False):
        """Run until stop() (or, with once, one round of jobs and the queue)."""
        next_jobs_at = 0.0
        while self.running:
            if time.monotonic() >= next_jobs_at:
                next_jobs_at = time.monotonic() + self.interval
                self.run_jobs(timezone.now())
            self.drain_queue()
            if once:
                return
            close_old_connections()  # a long-running process: drop stale connections
            self._sleep(min(self.poll, max(0.0, next_jobs_at - time.monotonic())))

    def stop(self, *args):
        """Finish the job or task in hand, then return from run()."""
        self.running = False

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    # Periodic jobs ----------------------------------------------------------

    def run_jobs(self, now):
        """Call every periodic job with now=; returns {path: result or None}."""
        results = {}
        for path in self.jobs:
            if not self.running:
                break
            results[path] = self.run_job(path, now)
        return results

    def run_job(self, path, now):
        try:
            job = import_string(path)
        except ImportError:
            if path not in self._missing:
                self._missing.add(path)
                logger.warning("Periodic job %s does not exist; skipping it.", path)
            return None
        try:
            result = job(now=now)
        except Exception:
            logger.exception("Periodic job %s failed; the others go on.", path)
            return None
        if result:
            self.report(f"{path}: {result}")
        return result

    # Task queue -------------------------------------------------------------

    def drain_queue(self):
        """Run every task that is due in the database queue; returns how many.

        The claiming follows django-tasks-db's own worker (db_worker), one task
        per short exclusive transaction, and runs each task with its run_task();
        unlike that worker's loop it leaves the database connection alone, so a
        test transaction survives `runworker --once`.
        """
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.management.commands.db_worker import (
            Worker as QueueWorker,
        )
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction

        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            return 0  # e.g. the immediate backend: tasks already ran on enqueue
        runner = QueueWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=backend.alias,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        ran = 0
        while self.running:
            tasks = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
            try:
                with exclusive_transaction(tasks.db):
                    task_result = tasks.get_locked()
                    if task_result is not None:
                        task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                break  # the database is busy: the next round takes it
            if task_result is None:
                break
            runner.run_task(task_result)
            ran += 1
        if ran:
            self.report(f"Ran {ran} background task(s).")
        return ran
