"""What the in-process profiles of the registration path share: a fictional
organiser with a programme and a cohort open for registration, and the profile's
own time summed by area of code. Imported after django.setup()."""

import datetime as dt
import time
from collections import Counter

from django.utils import timezone

from tillit.core.models import Organisation
from tillit.programmes.models import Cohort, Programme


def open_cohort(slug: str) -> tuple[Organisation, Cohort]:
    """A new fictional organiser, its programme and a 30-seat cohort with a
    waitlist that opened an hour ago; `slug` starts the programme's slug."""
    stamp = int(time.time() * 1000)
    organiser = Organisation.objects.create(
        name=f"Profilmyndigheten {stamp}", kind="agency", sector="state"
    )
    programme = Programme.objects.create(
        organiser=organiser,
        title=f"Profilering {stamp}",
        slug=f"{slug}-{stamp}",
        summary="Fiktiv, för profilering.",
    )
    now = timezone.now()
    cohort = Cohort.objects.create(
        programme=programme,
        name="Omgång profil",
        starts_on=timezone.localdate() + dt.timedelta(days=30),
        ends_on=timezone.localdate() + dt.timedelta(days=100),
        capacity=30,
        registration_opens_at=now - dt.timedelta(hours=1),
        registration_closes_at=now + dt.timedelta(days=7),
        waitlist_enabled=True,
    )
    return organiser, cohort


def shares_by_area(stats, areas: list[tuple[str, str]]) -> dict[str, float]:
    """Per cent of the profile's own time in each area: `areas` is (name, path
    fragment) pairs, the first match wins; the rest is "Python itself"."""
    by_area: Counter[str] = Counter()
    for (filename, _line, _name), (
        _cc,
        _nc,
        own,
        _cum,
        _callers,
    ) in stats.stats.items():
        name = next((n for n, part in areas if part in filename), "Python itself")
        by_area[name] += own
    total = sum(by_area.values()) or 1
    return {
        name: round(100 * seconds / total, 1) for name, seconds in by_area.most_common()
    }
