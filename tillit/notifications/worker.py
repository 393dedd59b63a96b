"""The background worker behind `manage.py runworker`.

In production (`runworker`) a Supervisor starts one django-tasks-db `db_worker`
process, as the library ships it, per queue (TILLIT_WORKER_QUEUES), starts
again one that dies (marking its unfinished tasks failed and recovering its
interrupted mail at once), and every TILLIT_PERIODIC_INTERVAL seconds enqueues
each periodic job on its queue: it runs no job itself, so nothing it does can
hang. A hanging mail server holds only the "mail" queue; a 20 s engine task
only the "engine" queue; seat and offer expiries run on "urgent".

`runworker --once` uses Worker below, in this process (tests, `make`): it
runs the periodic jobs (declared by each app with its queue in
tillit.core.periodic, functions taking `now=`), and between them it drains the
database task queue (django-tasks-db)
that notify() fills. Each job runs in its own try/except, so one failing or
missing job never stops the others or the mail.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
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
    """{dotted path: queue name} of the periodic jobs each app declared in its
    AppConfig.ready() (tillit.core.periodic.declare)."""
    return periodic.jobs()


class Worker:
    def __init__(self, *, interval=None, poll=1.0, jobs=None, report=None):
        self.interval = (
            interval
            if interval is not None
            else getattr(settings, "TILLIT_PERIODIC_INTERVAL", 60)
        )
        self.poll = poll
        self.jobs = list(periodic_jobs()) if jobs is None else list(jobs)
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


class WorkerDied(Exception):
    """Recorded on a task whose worker stopped before the task finished."""


PERIODIC_TASK = "tillit.notifications.tasks.run_periodic_job"


def enqueue_periodic_jobs(jobs=None):
    """Enqueue each periodic job on its queue, unless the same job is still
    waiting or running (a stalled queue does not pile up copies). Returns how
    many were enqueued."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from .tasks import run_periodic_job

    jobs = periodic_jobs() if jobs is None else jobs
    on_database = isinstance(task_backends["default"], DatabaseBackend)
    pending = set()
    if on_database:
        waiting = DBTaskResult.objects.filter(
            task_path=PERIODIC_TASK, status__in=["READY", "RUNNING"]
        ).values_list("args_kwargs", flat=True)
        pending = {args_kwargs["args"][0] for args_kwargs in waiting}
    enqueued = 0
    for path, queue in jobs.items():
        if path in pending:
            continue
        try:
            run_periodic_job.using(queue_name=queue).enqueue(path)
        except Exception:
            logger.exception("Could not enqueue periodic job %s", path)
            continue
        enqueued += 1
    return enqueued


class Supervisor:
    """Runs one `db_worker` per queue and the periodic scheduler; see above."""

    #: A db_worker that dies sooner than this after its start is restarted
    #: after a pause that doubles each time (up to MAX_PAUSE seconds).
    QUICK_DEATH = 10.0
    MAX_PAUSE = 60.0

    def __init__(self, *, queues=None, interval=None, poll=1.0, report=None):
        self.queues = list(queues or settings.TILLIT_WORKER_QUEUES)
        self.interval = (
            interval
            if interval is not None
            else getattr(settings, "TILLIT_PERIODIC_INTERVAL", 60)
        )
        self.poll = poll
        self.report = report or (lambda line: None)
        self.running = True
        self.children = {}  # queue → (Popen, worker_id, started)
        self.pauses = {}  # queue → (seconds, not before)

    def command(self, queue, worker_id):
        return [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--queue-name",
            queue,
            "--worker-id",
            worker_id,
            "--interval",
            f"{self.poll:g}",
            "--no-reload",
            "--no-startup-delay",
            "--verbosity",
            "0",
        ]

    def start(self, queue):
        worker_id = f"{socket.gethostname()[:30]}-{queue}-{get_random_string(8)}"
        module = (
            os.environ.get("DJANGO_SETTINGS_MODULE")
            or settings.SETTINGS_MODULE
            or "config.settings"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": module}
        child = subprocess.Popen(self.command(queue, worker_id), env=env)
        self.children[queue] = (child, worker_id, time.monotonic())
        self.report(f"Started db_worker for queue {queue} (pid {child.pid}).")
        return child

    def check(self):
        """Start a db_worker for every queue that has none or whose one died."""
        for queue in self.queues:
            entry = self.children.get(queue)
            if entry is not None and entry[0].poll() is None:
                continue
            if entry is not None:
                self._died(queue, *entry)
            _pause, not_before = self.pauses.get(queue, (0.0, 0.0))
            if time.monotonic() >= not_before and self.running:
                self.start(queue)

    def _died(self, queue, child, worker_id, started):
        del self.children[queue]
        logger.error(
            "db_worker for queue %s (pid %s) stopped with %s; starting another.",
            queue,
            child.pid,
            child.returncode,
        )
        self.report(f"db_worker for queue {queue} stopped ({child.returncode}).")
        recover_worker(worker_id)
        pause = 0.0
        if time.monotonic() - started < self.QUICK_DEATH:
            previous = self.pauses.get(queue, (0.0, 0.0))[0]
            pause = min(self.MAX_PAUSE, max(1.0, previous * 2))
        self.pauses[queue] = (pause, time.monotonic() + pause)

    def run(self):
        next_jobs_at = 0.0
        while self.running:
            try:
                self.check()
                if time.monotonic() >= next_jobs_at:
                    next_jobs_at = time.monotonic() + self.interval
                    enqueued = enqueue_periodic_jobs()
                    if enqueued:
                        self.report(f"Enqueued {enqueued} periodic job(s).")
            except Exception:
                # The database is away (restarting), or a start failed: the
                # supervisor itself must not stop; try again next round.
                logger.exception("Worker supervisor round failed; trying again.")
            close_old_connections()
            self._sleep(min(self.poll, max(0.0, next_jobs_at - time.monotonic())))
        self.shutdown()

    def stop(self, *args):
        self.running = False

    def shutdown(self, grace=30.0):
        """Ask every db_worker to finish its task in hand, then stop it."""
        for child, _worker_id, _started in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child, _worker_id, _started in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def recover_worker(worker_id):
    """After a db_worker died: mark the tasks it was running failed, and
    recover the mail it was sending (see services.recover_interrupted_mail).
    Returns how many tasks were marked."""
    from django_tasks_db.models import DBTaskResult

    from . import services

    running = [
        result
        for result in DBTaskResult.objects.running().only(
            "id", "worker_ids", "task_path", "args_kwargs"
        )
        if result.worker_ids and result.worker_ids[-1] == worker_id
    ]
    mail = [
        result.args_kwargs["args"][0]
        for result in running
        if result.task_path == "tillit.notifications.tasks.deliver"
    ]
    marked = services.mark_tasks_abandoned(
        DBTaskResult.objects.filter(pk__in=[result.pk for result in running])
    )
    if mail:
        services.recover_interrupted_mail(pks=mail)
    return marked
