"""Reads worth a name: the catalogue, target-group eligibility, organiser access."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    Field,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.enums import Choices
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.content_languages import in_any_language
from tillit.core.models import (
    ManagerialLevel,
    Organisation,
    Person,
    RoleCategory,
    Sector,
)

from .models import Cohort, Programme, ProgrammeQuerySet, TargetRule


@dataclass(frozen=True)
class Eligibility:
    """Whether a person is in a programme's target group, and why not in words."""

    is_eligible: bool
    reasons: list[str] = field(default_factory=list)
    by_exception: bool = False


def _label(choices: type[Choices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value or "–"


def _rule_mismatches(rule: TargetRule, person: Person) -> list[str]:
    """The ways a person falls outside one rule, as sentences."""
    reasons: list[str] = []
    checks: list[tuple[Any, str, type[Choices], str, str]] = [
        (rule.sectors, person.sector, Sector, _("the %(wanted)s sector"), _("sector")),
        (
            rule.role_categories,
            person.role_category,
            RoleCategory,
            _("these roles: %(wanted)s"),
            _("role"),
        ),
        (
            rule.managerial_levels,
            person.managerial_level,
            ManagerialLevel,
            _("these levels: %(wanted)s"),
            _("managerial level"),
        ),
    ]
    for wanted, actual, choices, phrase, noun in checks:
        if wanted and actual not in wanted:
            wanted_words = ", ".join(_label(choices, v) for v in wanted)
            reasons.append(
                _("The programme is for %(phrase)s; your %(noun)s is %(actual)s.")
                % {
                    "phrase": phrase % {"wanted": wanted_words},
                    "noun": noun,
                    "actual": _label(choices, actual),
                }
            )
    return reasons


def eligibility(person: Person, programme: Programme) -> Eligibility:
    """A person is eligible when the programme has no target rules, when they
    match any rule, or when the organiser granted them an exception; for an
    internal programme only when they work for its organiser, exception or not."""
    if programme.is_internal and person.organisation_id != programme.organiser_id:
        return Eligibility(
            False,
            [
                _("The programme is internal to %(organisation)s.")
                % {"organisation": programme.organiser.name}
            ],
        )
    rules = list(programme.target_rules.all())
    if not rules:
        return Eligibility(True)
    mismatches = [_rule_mismatches(rule, person) for rule in rules]
    if any(not reasons for reasons in mismatches):
        return Eligibility(True)
    if programme.exception_requests.filter(person=person, status="granted").exists():
        return Eligibility(True, by_exception=True)
    if person.organisation_id is None:
        return Eligibility(
            False, [_("Your profile does not say which organisation you work for.")]
        )
    if len(rules) == 1:
        return Eligibility(False, mismatches[0])
    groups = "; ".join(str(rule.describe()) for rule in rules)
    return Eligibility(
        False,
        [_("You are not in any of the programme's target groups: %s.") % groups],
    )


def catalogue(
    *,
    query: str = "",
    formats: Iterable[str] = (),
    organiser: Organisation | None = None,
    sector: str = "",
    role: str = "",
    starts_after: dt.date | None = None,
    starts_before: dt.date | None = None,
) -> QuerySet[Programme]:
    """Published programmes with their next cohort date, filtered for the catalogue.

    A queryset, so that a page of it costs the same whatever the catalogue's size
    (themes and rules are prefetched for the page only; the target-group filter
    is a subquery, see _in_target_group).
    """
    today = timezone.localdate()
    programmes = (
        Programme.objects.published()
        .programmes()
        .select_related("organiser")
        .prefetch_related("themes", "target_rules")
        .annotate(
            next_start=_of_cohorts(Min("starts_on"), today, DateField()),
            open_cohorts=Coalesce(_of_cohorts(Count("pk"), today, IntegerField()), 0),
        )
    )
    if query:
        programmes = programmes.filter(
            in_any_language("title", "icontains", query)
            | in_any_language("summary", "icontains", query)
            | in_any_language("description", "icontains", query)
            | in_any_language("target_group", "icontains", query)
            | in_any_language("organiser__name", "icontains", query)
            | Q(
                pk__in=Programme.objects.filter(themes__name__icontains=query).values(
                    "pk"
                )
            )
        )
    if formats:
        programmes = programmes.filter(format__in=formats)
    if organiser:
        programmes = programmes.filter(organiser=organiser)
    if starts_after or starts_before:
        cohorts = Cohort.objects.filter(programme=OuterRef("pk"))
        if starts_after:
            cohorts = cohorts.filter(starts_on__gte=starts_after)
        if starts_before:
            cohorts = cohorts.filter(starts_on__lte=starts_before)
        programmes = programmes.filter(Exists(cohorts))
    programmes = programmes.order_by("next_start", "title", "pk")
    if sector or role:
        programmes = programmes.filter(_in_target_group(sector, role))
    return programmes


def _of_cohorts(
    aggregate: Aggregate, today: dt.date, output_field: Field[Any, Any]
) -> Subquery:
    """`aggregate` over the programme's cohorts that have not ended, as a
    correlated subquery on the (programme, ends_on, starts_on) index: a page
    of the catalogue computes it for its own rows, and counting the catalogue
    needs no join with the cohorts."""
    cohorts = (
        Cohort.objects.filter(programme=OuterRef("pk"), ends_on__gte=today)
        .order_by()
        .values("programme")
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(cohorts, output_field=output_field)


def _in_target_group(sector: str, role: str) -> Q:
    """The programmes whose target group takes the sector and role: those with
    no rules, and those with a rule whose lists are empty or hold the value.
    In the query itself (`list_has`, tillit.core.lookups), so a filtered page
    costs the same number and size of queries whatever the catalogue's size."""
    rules = TargetRule.objects.filter(programme=OuterRef("pk"))
    fitting = rules
    if sector:
        fitting = fitting.filter(Q(sectors=[]) | Q(sectors__list_has=sector))
    if role:
        fitting = fitting.filter(
            Q(role_categories=[]) | Q(role_categories__list_has=role)
        )
    return ~Exists(rules) | Exists(fitting)


def programmes_for_organiser(person: Person) -> ProgrammeQuerySet:
    """The programmes a person may manage: those of organisations they staff."""
    if person.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(organiser__staff=person)


def programme_for_organiser(person: Person, pk: int) -> Programme:
    """The programme if the person organises it, else Http404; with its
    mentoring set-up, if any (the programme page links to it)."""
    return get_object_or_404(
        programmes_for_organiser(person).select_related("organiser", "mentoring"),
        pk=pk,
    )


def cohort_for_organiser(person: Person, pk: int) -> Cohort:
    """The cohort if the person organises its programme, else Http404."""
    return get_object_or_404(
        Cohort.objects.select_related("programme__organiser").filter(
            programme__in=programmes_for_organiser(person)
        ),
        pk=pk,
    )


def is_organiser(person: Person) -> bool:
    return person.is_authenticated and (
        person.is_superuser or Organisation.objects.filter(staff=person).exists()
    )
