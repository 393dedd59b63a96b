"""Calendar files: a public .ics per published cohort. Each person's secret
subscription feed (their confirmed seats' sessions) is
tillit.registrations.views.calendar."""

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

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


urlpatterns = [
    path("cohorts/<int:pk>/calendar.ics", cohort_ics, name="cohort-ics"),
]
