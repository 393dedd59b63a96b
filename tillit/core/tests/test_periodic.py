import inspect

from django.utils.module_loading import import_string

from tillit.core import periodic
from tillit.notifications.worker import Worker


def test_each_app_declares_its_own_periodic_jobs_and_the_worker_runs_them():
    names = [path.rsplit(".", 1)[1] for path in periodic.jobs()]

    assert names == [
        "expire_due",
        "send_session_reminders",
        "send_assignment_reminders",
        "invite_after_sessions",
        "send_due",
        "send_meeting_reminders",
        "notify_follow_ups_due",
        "send_event_reminders",
    ]
    assert Worker().jobs == periodic.jobs()


def test_every_declared_job_can_be_imported_and_takes_now():
    for path in periodic.jobs():
        job = import_string(path)
        assert "now" in inspect.signature(job).parameters, path


def test_a_job_declared_twice_runs_once(monkeypatch):
    monkeypatch.setattr(periodic, "_JOBS", [])

    first = periodic.declare(test_a_job_declared_twice_runs_once)
    periodic.declare(f"{__name__}.test_a_job_declared_twice_runs_once")

    assert periodic.jobs() == [first]
