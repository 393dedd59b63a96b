"""Faults that lose nothing: a hanging mail server, a worker killed mid-send,
tasks left running by a dead worker (issue 16)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from tillit.core import periodic
from tillit.core.tests.factories import PersonFactory
from tillit.groups.tasks import propose_groups_task
from tillit.notifications import services, tasks
from tillit.notifications.models import Notification
from tillit.notifications.testing import DATABASE_TASKS
from tillit.notifications.tests.smtp_servers import FakeSMTPServer
from tillit.notifications.worker import Supervisor, enqueue_periodic_jobs
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations import services as registrations
from tillit.registrations.models import Registration
from tillit.rollouts.tasks import plan_rollout_task

Status = Notification.Status


@pytest.fixture
def smtp_server():
    servers = []

    def start(mode):
        server = FakeSMTPServer(mode)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _smtp(settings, server, timeout):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": timeout},
        }
    }


def _mail(person=None):
    return Notification.objects.create(
        person=person or PersonFactory(),
        kind=Notification.Kind.ACCOUNT,
        key=f"fault-{time.monotonic_ns()}",
        template="",
        subject="Hello",
        body="A mail written before the fault.",
    )


# Queues ------------------------------------------------------------------------


def test_mail_expiries_and_the_engine_run_on_separate_queues():
    assert tasks.deliver.queue_name == "mail"
    assert propose_groups_task.queue_name == "engine"
    assert plan_rollout_task.queue_name == "engine"


def test_seat_and_offer_expiry_runs_on_the_urgent_queue(settings):
    queues = {path.rsplit(".", 1)[1]: queue for path, queue in periodic.jobs().items()}
    assert queues["expire_due"] == "urgent"
    assert set(settings.TILLIT_WORKER_QUEUES) == {"urgent", "mail", "engine", "default"}


@pytest.mark.django_db
def test_the_scheduler_enqueues_each_job_on_its_queue_and_never_piles_up_copies(
    settings,
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    jobs = {
        "tillit.registrations.services.expire_due": "urgent",
        "tillit.notifications.services.send_due": "mail",
    }

    first = enqueue_periodic_jobs(jobs)
    second = enqueue_periodic_jobs(jobs)  # the workers have not run them yet

    assert (first, second) == (2, 0)
    queued = DBTaskResult.objects.values_list("queue_name", "args_kwargs")
    assert sorted((queue, args["args"]) for queue, args in queued) == [
        ("mail", ["tillit.notifications.services.send_due"]),
        ("urgent", ["tillit.registrations.services.expire_due"]),
    ]


# A hanging mail server -----------------------------------------------------------


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_is_given_up_after_the_timeout_and_retried(
    settings, smtp_server
):
    _smtp(settings, smtp_server("silent"), timeout=1)
    notification = _mail()

    started = time.monotonic()
    result = services.deliver(notification.pk)

    assert time.monotonic() - started < 10
    notification.refresh_from_db()
    assert result == "retry"
    assert notification.status == Status.QUEUED
    assert notification.handed_over_at is None
    assert notification.next_attempt_at is not None


@pytest.mark.django_db
def test_a_mail_sent_through_smtp_records_when_it_was_handed_over(
    settings, smtp_server
):
    server = smtp_server("ok")
    _smtp(settings, server, timeout=5)
    notification = _mail()

    services.deliver(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.handed_over_at is not None
    assert len(server.messages) == 1


# Mail interrupted mid-send ------------------------------------------------------


@pytest.mark.django_db
def test_mail_interrupted_before_reaching_the_mail_server_is_sent_again(mailoutbox):
    notification = _mail()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )

    services.send_due()

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_mail_interrupted_after_the_hand_over_is_marked_unknown_and_never_resent(
    mailoutbox,
):
    notification = _mail()
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=an_hour_ago, handed_over_at=an_hour_ago
    )

    services.send_due()
    services.send_due()

    notification.refresh_from_db()
    assert notification.status == Status.UNKNOWN
    assert "not sent again" in notification.last_error
    assert mailoutbox == []


@pytest.mark.django_db
def test_mail_being_sent_right_now_is_left_alone(mailoutbox):
    notification = _mail()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - dt.timedelta(minutes=1)
    )

    services.send_due()

    notification.refresh_from_db()
    assert notification.status == Status.SENDING
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_task_left_running_by_a_dead_worker_is_marked_failed(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    tasks.deliver.enqueue(1)
    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=2)
    )

    marked = services.recover_stuck_tasks()

    assert marked == 1
    assert DBTaskResult.objects.get().status == "FAILED"


# The real worker, in its own processes (PostgreSQL) -------------------------------


@pytest.fixture
def worker_environment(settings, monkeypatch):
    """The db_worker processes use this test's database and mail server."""
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(periodic, "_JOBS", {})
    db = connection.settings_dict
    monkeypatch.setenv(
        "DATABASE_URL",
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}",
    )
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("TILLIT_MAIL_STALE_MINUTES", "10")

    supervisors = []

    def start(*, queues, smtp_port, jobs=None, interval=3600):
        monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_port}")
        monkeypatch.setenv("EMAIL_TIMEOUT", "120")
        if jobs:
            monkeypatch.setattr(periodic, "_JOBS", dict(jobs))
        supervisor = Supervisor(queues=queues, interval=interval, poll=0.2)
        thread = threading.Thread(target=supervisor.run, daemon=True)
        thread.start()
        supervisors.append((supervisor, thread))
        return supervisor

    yield start
    for supervisor, thread in supervisors:
        supervisor.stop()
        thread.join(5)
        for child, _worker_id, _started in supervisor.children.values():
            if child.poll() is None:
                child.kill()
                child.wait()


def _wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _status(notification):
    notification.refresh_from_db()
    return notification.status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seat_expiries_run_while_the_mail_server_hangs(worker_environment, smtp_server):
    server = smtp_server("silent")
    cohort = CohortFactory(capacity=1, waitlist_rule="offer", offer_hours=1)
    seat = registrations.register(PersonFactory(), cohort)
    offered = registrations.register(PersonFactory(), cohort)
    registrations.cancel(seat)
    Registration.objects.filter(pk=offered.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # The registrations queued their receipts: the mail queue has work.

    worker_environment(
        queues=["urgent", "mail"],
        smtp_port=server.port,
        jobs={"tillit.registrations.services.expire_due": "urgent"},
        interval=1,
    )

    sending = Notification.objects.filter(status=Status.SENDING)
    assert _wait_for(sending.exists)
    assert _wait_for(
        lambda: (
            Registration.objects.get(pk=offered.pk).end_reason
            == Registration.EndReason.EXPIRED
        )
    )
    assert sending.count() == 1  # the mail worker still waits for the server
    assert server.messages == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_mail_worker_killed_before_the_hand_over_is_restarted_and_sends_once(
    worker_environment, smtp_server
):
    server = smtp_server("silent")
    notification = _mail()
    tasks.deliver.enqueue(notification.pk)
    supervisor = worker_environment(queues=["mail"], smtp_port=server.port)
    assert _wait_for(lambda: _status(notification) == Status.SENDING)
    first_child = supervisor.children["mail"][0]

    server.mode = "ok"  # the mail server works again for new connections
    first_child.kill()

    assert _wait_for(lambda: _status(notification) == Status.SENT)
    assert supervisor.children["mail"][0].pid != first_child.pid
    assert len(server.messages) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_mail_worker_killed_after_the_hand_over_never_sends_the_mail_twice(
    worker_environment, smtp_server
):
    from django_tasks_db.models import DBTaskResult

    server = smtp_server("hang_after_data")
    notification = _mail()
    tasks.deliver.enqueue(notification.pk)
    supervisor = worker_environment(queues=["mail"], smtp_port=server.port)
    assert _wait_for(lambda: len(server.messages) == 1)

    server.mode = "ok"
    supervisor.children["mail"][0].kill()

    assert _wait_for(lambda: _status(notification) == Status.UNKNOWN)
    time.sleep(2)  # the restarted worker has had time to send it again; it must not
    assert len(server.messages) == 1
    assert notification.handed_over_at is not None
    task = DBTaskResult.objects.get(task_path="tillit.notifications.tasks.deliver")
    assert task.status == "FAILED"
    assert "stopped before it finished" in task.traceback
