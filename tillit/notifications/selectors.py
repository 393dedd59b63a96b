"""Reads for the settings page."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from tillit.core.models import Person

from .models import CalendarFeed, Notification


def feed_url(request: HttpRequest, feed: CalendarFeed) -> str:
    """The absolute https address of the person's calendar feed."""
    path = reverse("registrations:calendar-feed", kwargs={"token": feed.token})
    return request.build_absolute_uri(path)


def recent_notifications(person: Person, limit: int = 10) -> QuerySet[Notification]:
    return Notification.objects.filter(person=person).order_by("-created_at", "-pk")[
        :limit
    ]
