import logging
import sys
import threading

import pytest
from django.core.management import call_command

from tillit.core.tests.factories import PersonFactory
from tillit.notifications import services
from tillit.notifications.models import Notification
from tillit.notifications.worker import Supervisor, Worker
from tillit.programmes.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

CALLS = []


def job_that_counts(now):
    CALLS.append(now)
    return 1


def job_that_fails(now):
    raise RuntimeError("broken job")


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


@pytest.fixture
def database_tasks(settings):
    """The production set-up: tasks wait in the database for the worker."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}
    }


def test_the_worker_runs_every_job_with_now_and_reports_what_it_did(capsys):
    worker = Worker(jobs=[f"{__name__}.job_that_counts"], report=print)

    worker.run(once=True)

    assert len(CALLS) == 1
    assert "job_that_counts: 1" in capsys.readouterr().out


def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    worker = Worker(jobs=[f"{__name__}.job_that_fails", f"{__name__}.job_that_counts"])

    with caplog.at_level(logging.ERROR):
        worker.run(once=True)

    assert len(CALLS) == 1
    assert "job_that_fails failed" in caplog.text


def test_a_job_that_does_not_exist_is_logged_once_and_skipped(caplog):
    worker = Worker(
        jobs=["tillit.nowhere.services.send_nothing", f"{__name__}.job_that_counts"]
    )

    with caplog.at_level(logging.WARNING):
        worker.run_jobs(now=None)
        worker.run_jobs(now=None)

    assert len(CALLS) == 2
    assert caplog.text.count("send_nothing does not exist") == 1


def test_runworker_once_sends_mail_waiting_in_the_database_queue(
    database_tasks, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("tillit.core.periodic._JOBS", {})
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            PersonFactory(),
            kind=services.Kind.SESSION_REMINDER,
            key="reminder",
            template="notifications/email/session_reminder",
            objects={"session": session, "cohort": session.cohort},
            context={"time_zone": "Europe/Stockholm"},
        )
    assert mailoutbox == []

    call_command("runworker", "--once")

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mailoutbox) == 1


def test_a_failed_send_is_retried_by_a_deferred_task(
    database_tasks, settings, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    settings.MAILERS = {
        "default": {
            "BACKEND": "tillit.notifications.tests.test_services.FailingBackend"
        }
    }
    notification = Notification.objects.create(
        person=PersonFactory(),
        kind=services.Kind.REGISTRATION_CONFIRMED,
        key="x",
        template="notifications/email/session_reminder",
    )

    services.deliver(notification.pk)

    notification.refresh_from_db()
    retry = DBTaskResult.objects.get()
    assert retry.run_after == notification.next_attempt_at
    assert retry.args_kwargs["args"] == [notification.pk]


def test_stop_ends_a_running_worker_after_the_round_in_hand():
    worker = Worker(jobs=[f"{__name__}.job_that_counts"], interval=0.05, poll=0.05)
    thread = threading.Thread(target=worker.run)

    thread.start()
    threading.Timer(0.3, worker.stop).start()
    thread.join(timeout=5)

    assert not thread.is_alive()
    assert len(CALLS) >= 2


class SleepySupervisor(Supervisor):
    """Stand-in db_worker processes that only sleep."""

    def command(self, queue, worker_id):
        return [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def supervisor():
    supervisor = SleepySupervisor(queues=["urgent", "mail"], interval=3600)
    yield supervisor
    supervisor.shutdown(grace=5)


def test_the_supervisor_starts_one_db_worker_per_queue(supervisor):
    supervisor.check()

    assert set(supervisor.children) == {"urgent", "mail"}
    assert all(child.poll() is None for child, *_ in supervisor.children.values())


def test_the_supervisor_starts_a_dead_worker_again_and_fails_its_running_task(
    supervisor, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}
    }
    supervisor.QUICK_DEATH = 0  # no pause before the restart
    supervisor.check()
    dead, worker_id, _started = supervisor.children["mail"]
    result = DBTaskResult.objects.get(pk=_enqueue_deliver())
    result.claim(worker_id)

    dead.kill()
    dead.wait()
    supervisor.check()

    assert supervisor.children["mail"][0].pid != dead.pid
    result.refresh_from_db()
    assert result.status == "FAILED"
    assert "stopped before it finished" in result.traceback


def _enqueue_deliver():
    from tillit.notifications import tasks

    return tasks.deliver.enqueue(12345).id


def test_stop_asks_every_db_worker_to_finish_and_stops_them(supervisor):
    supervisor.check()
    children = [child for child, *_ in supervisor.children.values()]

    supervisor.shutdown(grace=5)

    assert all(child.poll() is not None for child in children)
