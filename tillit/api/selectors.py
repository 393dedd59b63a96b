"""Reads the API needs for lists, each in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from tillit.programmes.models import Cohort, Programme
from tillit.registrations.selectors import with_availability


def public_cohorts() -> QuerySet[Cohort]:
    """Cohorts of published programmes, with availability counts."""
    return with_availability(
        Cohort.objects.published().select_related("programme__organiser")
    ).order_by("starts_on", "pk")


def public_programme(pk: int) -> Programme:
    """A published programme with what its detail shows: upcoming cohorts with
    availability, rules, people and themes, else Http404."""
    upcoming = with_availability(Cohort.objects.upcoming()).order_by("starts_on", "pk")
    return get_object_or_404(
        Programme.objects.published()
        .programmes()
        .select_related("organiser")
        .prefetch_related(
            "themes",
            "target_rules",
            "teachers",
            "contact_persons",
            Prefetch("cohorts", queryset=upcoming, to_attr="upcoming_cohorts"),
        ),
        pk=pk,
    )
