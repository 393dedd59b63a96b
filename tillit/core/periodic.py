"""The periodic jobs that `manage.py runworker` enqueues every
TILLIT_PERIODIC_INTERVAL seconds, each on its queue, declared by the app that
owns each (as pretix's periodic_task signal lets each plugin add its own).

An app declares its jobs in its AppConfig.ready():

    def ready(self):
        from tillit.core import periodic

        from . import services

        periodic.declare(services.expire_due, queue="urgent")

A job is a function that takes `now=` and returns something to report (a count)
or nothing. The queue (one of settings.TASK_QUEUES: "urgent", "mail", "engine",
"default") decides which db_worker runs it, so slow work never delays urgent
work (tillit.notifications.worker).
"""

_JOBS: dict[str, str] = {}


def declare(job, *, queue: str = "default") -> str:
    """Add a job (a function, or the dotted path of one) once, on its queue;
    returns its path. Declaring it again keeps its place and moves it to queue."""
    path = job if isinstance(job, str) else f"{job.__module__}.{job.__qualname__}"
    _JOBS[path] = queue
    return path


def jobs() -> dict[str, str]:
    """{dotted path: queue} of every declared job, in the order declared."""
    return dict(_JOBS)
