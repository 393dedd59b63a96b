"""Reads for the settings page."""

from django.urls import reverse

from .models import Notification


def feed_url(request, feed):
    """The absolute https address of the person's calendar feed."""
    path = reverse("registrations:calendar-feed", kwargs={"token": feed.token})
    return request.build_absolute_uri(path)


def recent_notifications(person, limit=10):
    return Notification.objects.filter(person=person).order_by("-created_at", "-pk")[
        :limit
    ]
