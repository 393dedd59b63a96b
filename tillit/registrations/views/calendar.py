"""A person's secret calendar feed: the sessions of their confirmed seats and
of what they teach, with the events other apps add (programmes.calendar's feed
sources). The address is managed on the notifications settings page; the
token in it is the only key."""

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from tillit.notifications.models import CalendarFeed
from tillit.programmes import calendar

from .. import selectors

ICS = "text/calendar; charset=utf-8"


@require_GET
def person_feed(request, token):
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token=token, person__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar feed.")
    person = feed.person
    body = calendar.person_calendar(person, selectors.calendar_sessions(person))
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="tillit.ics"'
    # The address is the secret: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("calendar/<str:token>.ics", person_feed, name="calendar-feed"),
]
