import factory

from tillit.core.tests.factories import PersonFactory
from tillit.notifications.models import Notification
from tillit.programmes.tests.factories import SessionFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """A queued session reminder, as notify() records it."""

    class Meta:
        model = Notification

    person = factory.SubFactory(PersonFactory)
    kind = Notification.Kind.SESSION_REMINDER
    key = factory.Sequence(lambda n: f"test:{n}")
    template = "notifications/email/session_reminder"
    objects_ref = factory.LazyFunction(
        lambda: {
            "session": ["programmes.session", (s := SessionFactory()).pk],
            "cohort": ["programmes.cohort", s.cohort_id],
        }
    )
    context = factory.LazyFunction(lambda: {"time_zone": "Europe/Stockholm"})
