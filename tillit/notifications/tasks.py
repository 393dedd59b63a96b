"""Background tasks (Django's tasks framework; the database backend in production)."""

from django.tasks import task

from . import services


@task
def deliver(notification_pk):
    """Send one recorded notification; safe to run more than once."""
    return services.deliver(notification_pk)
