"""Reads worth a name, and the access gates: each raises Http404 for anyone
who may not see the object (participants see their own programmes and pairs,
organisers their own programmes, and nobody else anything)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise

from tillit.core.models import Person
from tillit.programmes import selectors as programme_selectors
from tillit.programmes.models import Programme
from tillit.registrations.models import Registration

from .models import (
    Area,
    Evaluation,
    Language,
    MatchingRun,
    Meeting,
    Mentor,
    MentoringProgramme,
    Note,
    Pair,
    Wishlist,
)

#: Organisers see evaluation results only from this many answers on a side.
MIN_ANSWERS = 5


# Gates ----------------------------------------------------------------------


def mentoring_for_organiser(
    person: Person, programme_pk: int
) -> tuple[Programme, MentoringProgramme | None]:
    """(programme, mentoring or None) if the person organises the programme."""
    programme = programme_selectors.programme_for_organiser(person, programme_pk)
    return programme, MentoringProgramme.objects.filter(programme=programme).first()


def set_up_mentoring_for_organiser(
    person: Person, programme_pk: int
) -> MentoringProgramme:
    _programme, mentoring = mentoring_for_organiser(person, programme_pk)
    if mentoring is None:
        raise Http404
    return mentoring


def mentor_for_organiser(person: Person, pk: int) -> Mentor:
    programmes = programme_selectors.programmes_for_organiser(person)
    return get_object_or_404(
        Mentor.objects.select_related("person__organisation", "mentoring__programme"),
        pk=pk,
        mentoring__programme__in=programmes,
    )


def is_mentee(
    person: Person, mentoring: MentoringProgramme, *, current_only: bool = False
) -> bool:
    registrations = Registration.objects.filter(
        person=person,
        cohort__programme_id=mentoring.programme_id,
        status=Registration.Status.CONFIRMED,
    )
    if current_only:
        registrations = registrations.filter(cohort__ends_on__gte=timezone.localdate())
    return registrations.exists()


def mentoring_for_mentee(person: Person, programme_pk: int) -> MentoringProgramme:
    """The programme's mentoring if the person is a confirmed participant."""
    mentoring = get_object_or_404(
        MentoringProgramme.objects.select_related("programme__organiser"),
        programme_id=programme_pk,
    )
    if not person.is_authenticated or not is_mentee(person, mentoring):
        raise Http404
    return mentoring


def pair_for_member(person: Person, pk: int) -> Pair:
    """The pair if the person is its mentee or its mentor, else Http404.

    Organisers are not members: they see pairs only through pairs_overview.
    """
    return get_object_or_404(
        Pair.objects.select_related(
            "mentee__organisation",
            "mentor__person__organisation",
            "mentoring__programme",
        ).filter(Q(mentee=person) | Q(mentor__person=person)),
        pk=pk,
    )


def meeting_for_member(person: Person, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("pair__mentor"), pk=pk)
    if not meeting.pair.is_member(person):
        raise Http404
    return meeting


# The pool and the mentees -----------------------------------------------------


def pool(
    mentoring: MentoringProgramme,
    *,
    area: str = "",
    region: str = "",
    language: str = "",
) -> list[Mentor]:
    """Mentors taking new mentees, filtered as in the pool page."""
    mentors = mentoring.mentors.filter(is_active=True).select_related(
        "person__organisation"
    )
    return [
        m
        for m in mentors
        if (not area or area in m.areas)
        and (not language or language in m.languages)
        and (not region or m.region == region)
    ]


def regions(mentoring: MentoringProgramme) -> list[str]:
    return sorted(
        set(mentoring.mentors.exclude(region="").values_list("region", flat=True))
    )


def mentees(mentoring: MentoringProgramme) -> QuerySet[Person]:
    """The people who may get a mentor: confirmed participants of the
    programme's current and coming cohorts, who are not mentors in it."""
    today = timezone.localdate()
    return (
        Person.objects.filter(
            registrations__cohort__programme_id=mentoring.programme_id,
            registrations__cohort__ends_on__gte=today,
            registrations__status=Registration.Status.CONFIRMED,
        )
        .exclude(mentor_in__mentoring=mentoring)
        .select_related("organisation")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def wishlist_of(mentoring: MentoringProgramme, person: Person) -> Wishlist | None:
    return (
        Wishlist.objects.filter(mentoring=mentoring, mentee=person)
        .prefetch_related("wishes__mentor__person")
        .first()
    )


def pair_of_mentee(mentoring: MentoringProgramme, person: Person) -> Pair | None:
    return (
        Pair.objects.filter(mentoring=mentoring, mentee=person)
        .select_related("mentor__person")
        .first()
    )


def open_proposal(mentoring: MentoringProgramme) -> MatchingRun | None:
    return mentoring.runs.filter(status=MatchingRun.Status.PROPOSED).first()


def published_loads(mentoring: MentoringProgramme) -> dict[int, int]:
    """{mentor pk: number of published pairs}."""
    return dict(
        Pair.objects.filter(mentoring=mentoring)
        .values("mentor")
        .annotate(n=Count("pk"))
        .values_list("mentor", "n")
    )


def manager_chains(person_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """{person id: (own manager id, their manager id, ...)} for each id.

    One query per level of the hierarchy; a cycle in the data ends the chain.
    """
    person_ids = list(person_ids)
    manager_of: dict[int, int | None] = {}
    wanted = set(person_ids)
    while wanted:
        rows = dict(
            Person.objects.filter(pk__in=wanted).values_list("pk", "manager_id")
        )
        manager_of.update(rows)
        wanted = {m for m in rows.values() if m is not None and m not in manager_of}
    chains: dict[int, tuple[int, ...]] = {}
    for pid in person_ids:
        chain: list[int] = []
        seen, current = {pid}, manager_of.get(pid)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = manager_of.get(current)
        chains[pid] = tuple(chain)
    return chains


# Why a pair fits -----------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    score: float
    shared_areas: tuple[str, ...]
    same_region: bool
    shared_languages: tuple[str, ...]

    def area_labels(self) -> list[str]:
        return [str(Area(a).label) for a in self.shared_areas]

    def language_labels(self) -> list[str]:
        return [str(Language(x).label) for x in self.shared_languages]


def fit(wishlist: Wishlist | None, mentor: Mentor) -> Fit:
    """Fit in [0, 1]: 0.6 for the share of the mentee's areas the mentor covers,
    0.2 for the same region and 0.2 for a shared language."""
    if wishlist is None:
        return Fit(0.0, (), False, ())
    areas = tuple(a for a in wishlist.areas if a in mentor.areas)
    region = bool(wishlist.region) and wishlist.region == mentor.region
    languages = tuple(x for x in wishlist.languages if x in mentor.languages)
    score = 0.6 * len(areas) / len(wishlist.areas) if wishlist.areas else 0.0
    score += 0.2 * region + 0.2 * bool(languages)
    return Fit(round(min(score, 1.0), 4), areas, region, languages)


# The organiser's view of pairs: meta only ------------------------------------------


@dataclass(frozen=True)
class PairMeta:
    pair: Pair
    planned: int
    held: int
    last_held: dt.datetime | None


def pairs_overview(mentoring: MentoringProgramme) -> list[PairMeta]:
    """Per pair: meetings planned and held and the date of the last held one.
    Never topics or notes."""
    pairs = (
        Pair.objects.filter(mentoring=mentoring)
        .select_related("mentee__organisation", "mentor__person__organisation")
        .annotate(
            planned_count=Count("meetings", filter=Q(meetings__is_held=False)),
            held_count=Count("meetings", filter=Q(meetings__is_held=True)),
            last_held_at=Max("meetings__starts_at", filter=Q(meetings__is_held=True)),
        )
    )
    return [PairMeta(p, p.planned_count, p.held_count, p.last_held_at) for p in pairs]


def pair_space(pair: Pair, person: Person) -> dict[str, list[Any]]:
    """What a member sees: meetings, shared notes and their own private notes."""
    notes = pair.notes.select_related("author")
    return {
        "meetings": list(pair.meetings.all()),
        "shared_notes": list(notes.filter(visibility=Note.Visibility.SHARED)),
        "private_notes": list(
            notes.filter(visibility=Note.Visibility.PRIVATE, author=person)
        ),
    }


def evaluation_open(pair: Pair, today: dt.date | None = None) -> bool:
    """The evaluation opens four weeks before the mentee's cohort ends."""
    today = today or timezone.localdate()
    end = (
        Registration.objects.filter(
            person_id=pair.mentee_id,
            cohort__programme_id=pair.mentoring.programme_id,
            status=Registration.Status.CONFIRMED,
        )
        .aggregate(end=Max("cohort__ends_on"))
        .get("end")
    )
    return end is not None and today >= end - dt.timedelta(days=28)


@dataclass(frozen=True)
class SideResults:
    side: str | Promise
    answers: int
    shown: bool
    means: list[tuple[str | Promise, float]]
    comments: list[str]


def evaluation_results(mentoring: MentoringProgramme) -> list[SideResults]:
    results = []
    for side, label in Evaluation.Side.choices:
        rows = list(Evaluation.objects.filter(pair__mentoring=mentoring, side=side))
        shown = len(rows) >= MIN_ANSWERS
        means: list[tuple[str | Promise, float]] = []
        comments: list[str] = []
        if shown:
            for name, question in Evaluation.QUESTIONS:
                values = [getattr(r, name) for r in rows]
                means.append((question, round(sum(values) / len(values), 1)))
            comments = sorted(r.comment for r in rows if r.comment.strip())
        results.append(SideResults(label, len(rows), shown, means, comments))
    return results


def mentoring_of_person(
    person: Person,
) -> tuple[list[tuple[Programme, Pair | None]], list[Pair]]:
    """(programmes where the person is a mentee, pairs where they mentor)."""
    programmes = (
        Programme.objects.filter(
            mentoring__isnull=False,
            cohorts__registrations__person=person,
            cohorts__registrations__status=Registration.Status.CONFIRMED,
        )
        .select_related("mentoring", "organiser")
        .distinct()
    )
    rows = [(p, pair_of_mentee(p.mentoring, person)) for p in programmes]
    mentoring_pairs = Pair.objects.filter(mentor__person=person).select_related(
        "mentee__organisation", "mentoring__programme"
    )
    return rows, list(mentoring_pairs)
