"""Calendar files: a public .ics per published cohort and each person's secret
subscription feed (the address is managed on the notifications settings page)."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from tillit.notifications.models import CalendarFeed

from .. import calendar
from ..models import Cohort

ICS = "text/calendar; charset=utf-8"


@require_GET
def cohort_ics(request, pk):
    cohort = get_object_or_404(
        Cohort.objects.published(request.user).select_related("programme__organiser"),
        pk=pk,
    )
    body = calendar.stream_cohort_calendar(cohort, calendar.cohort_sessions(cohort))
    response = StreamingHttpResponse(body, content_type=ICS)
    filename = f"{cohort.programme.slug}-{cohort.pk}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
    body = calendar.person_calendar(person, calendar.person_sessions(person))
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = 'inline; filename="tillit.ics"'
    # The address is the secret: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("cohorts/<int:pk>/calendar.ics", cohort_ics, name="cohort-ics"),
    path("calendar/<str:token>.ics", person_feed, name="calendar-feed"),
]
