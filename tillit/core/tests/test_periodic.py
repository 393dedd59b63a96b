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
        "recover_stuck_tasks",
        "send_meeting_reminders",
        "notify_follow_ups_due",
        "send_event_reminders",
        "apply_retention_daily",
    ]
    assert Worker().jobs == list(periodic.jobs())


def test_each_periodic_job_runs_on_its_queue(settings):
    queues = {path.rsplit(".", 1)[1]: queue for path, queue in periodic.jobs().items()}

    assert queues["expire_due"] == "urgent"
    assert queues["recover_stuck_tasks"] == "urgent"
    assert queues["send_due"] == "mail"
    assert queues["send_session_reminders"] == "default"
    assert queues["apply_retention_daily"] == "default"
    assert set(queues.values()) <= set(settings.TASK_QUEUES)


def test_every_declared_job_can_be_imported_and_takes_now():
    for path in periodic.jobs():
        job = import_string(path)
        assert "now" in inspect.signature(job).parameters, path


def test_a_job_declared_twice_runs_once(monkeypatch):
    monkeypatch.setattr(periodic, "_JOBS", {})

    first = periodic.declare(test_a_job_declared_twice_runs_once)
    periodic.declare(f"{__name__}.test_a_job_declared_twice_runs_once", queue="mail")

    assert periodic.jobs() == {first: "mail"}
