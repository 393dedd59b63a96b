"""The periodic jobs that `manage.py runworker` runs every
TILLIT_PERIODIC_INTERVAL seconds, declared by the app that owns each (as
pretix's periodic_task signal lets each plugin add its own).

An app declares its jobs in its AppConfig.ready():

    def ready(self):
        from tillit.core import periodic

        from . import services

        periodic.declare(services.expire_due)

A job is a function that takes `now=` and returns something to report (a count)
or nothing. Jobs run in the order the apps are installed, each in its own
try/except (tillit.notifications.worker).
"""

_JOBS: list[str] = []


def declare(job) -> str:
    """Add a job (a function, or the dotted path of one) once; returns its path."""
    path = job if isinstance(job, str) else f"{job.__module__}.{job.__qualname__}"
    if path not in _JOBS:
        _JOBS.append(path)
    return path


def jobs() -> list[str]:
    """The dotted paths of every declared job, in the order declared."""
    return list(_JOBS)
