"""Background tasks (Django's tasks framework; the database backend in production)."""

from django.tasks import task

from . import services


@task(queue_name="mail")
def deliver(notification_pk):
    """Send one recorded notification; safe to run more than once."""
    return services.deliver(notification_pk)


@task
def run_periodic_job(path):
    """Run one periodic job (a function taking now=), enqueued by the scheduler
    of `manage.py runworker` on the job's queue (tillit.core.periodic.declare)."""
    from django.utils import timezone
    from django.utils.module_loading import import_string

    result = import_string(path)(now=timezone.now())
    return result if isinstance(result, (int, str, type(None))) else str(result)
