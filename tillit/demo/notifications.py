"""Demo data for e-mail, reminders and calendar, loaded after tillit.demo.core.

- Every demo login gets its calendar feed, so "E-mail and reminders" shows a
  working subscription address at once.
- deltagare.kommun@example.org has turned evaluation invitations off.
- The receipts and invitations that loading the demo recorded are marked as
  skipped instead of being sent: the worker would otherwise print hundreds of
  demo mails when `make run` starts. Mail from what people do afterwards (and
  the session reminders the worker records) is sent as usual.

Idempotent: feeds and opt-outs are found by person and kind.
"""

from django.db import transaction
from django.db.models import Q

from tillit.core.models import Person
from tillit.notifications import services
from tillit.notifications.models import CalendarFeed, Notification, Optout

DEMO_DOMAIN = "@example.org"
LOGINS = [
    "arrangor.esv@example.org",
    "deltagare.stat@example.org",
    "arrangor.cks@example.org",
    "deltagare.kommun@example.org",
    "arrangor.adda@example.org",
    "arrangor.fm@example.org",
    "arrangor.linkoping@example.org",
    "hr.eskilstuna@example.org",
    "larare.esv@example.org",
]


@transaction.atomic
def load_demo(today=None) -> dict[str, int]:
    counts = {"calendar feeds": 0, "turned-off reminders": 0, "demo mails skipped": 0}
    for person in Person.objects.filter(email__in=LOGINS):
        _feed, created = CalendarFeed.objects.get_or_create(person=person)
        counts["calendar feeds"] += created
    municipal = Person.objects.filter(email="deltagare.kommun@example.org").first()
    if municipal is not None:
        _optout, created = Optout.objects.get_or_create(
            person=municipal, kind=services.Kind.EVALUATION_INVITATION
        )
        counts["turned-off reminders"] += created
    counts["demo mails skipped"] = Notification.objects.filter(
        Q(key__startswith="registration-receipt:") | Q(key__startswith="invitation:"),
        status=Notification.Status.QUEUED,
        person__email__endswith=DEMO_DOMAIN,
        attempts=0,
    ).update(status=Notification.Status.SKIPPED, last_error="Demo data: not sent.")
    return counts
