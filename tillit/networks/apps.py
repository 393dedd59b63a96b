from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "tillit.networks"
    label = "networks"

    def ready(self):
        from django.db.models.signals import post_save

        from tillit.learning.models import AlumniMembership
        from tillit.programmes import calendar as programme_calendar

        from . import (
            audit,  # noqa: F401
            calendar,
            signals,
        )

        # Completing a programme (learning records an AlumniMembership) joins
        # its alumni network; learning need not know networks exist.
        post_save.connect(
            signals.alumni_recorded,
            sender=AlumniMembership,
            dispatch_uid="networks-join-alumni",
        )
        programme_calendar.add_person_feed_source(calendar.person_feed_events)
