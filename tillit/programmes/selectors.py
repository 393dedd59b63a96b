"""Reads worth a name: the catalogue, target-group eligibility, organiser access."""

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.core.content_languages import in_any_language
from tillit.core.models import ManagerialLevel, RoleCategory, Sector

from .models import Cohort, Programme, TargetRule


@dataclass(frozen=True)
class Eligibility:
    """Whether a person is in a programme's target group, and why not in words."""

    is_eligible: bool
    reasons: list[str] = field(default_factory=list)
    by_exception: bool = False


def _label(choices, value):
    return str(choices(value).label) if value in choices.values else value or "–"


def _rule_mismatches(rule, person):
    """The ways a person falls outside one rule, as sentences."""
    reasons = []
    checks = [
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


def eligibility(person, programme) -> Eligibility:
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
    query="",
    formats=(),
    organiser=None,
    sector="",
    role="",
    starts_after=None,
    starts_before=None,
):
    """Published programmes with their next cohort date, filtered for the catalogue.

    A queryset, so that a page of it costs the same whatever the catalogue's size
    (themes and rules are prefetched for the page only; the target-group filter
    reads the rules' lists once, see _in_target_group).
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
        return programmes.filter(pk__in=_in_target_group(programmes, sector, role))
    return programmes


def _of_cohorts(aggregate, today, output_field):
    """`aggregate` over the programme's cohorts that have not ended, as a
    correlated subquery: a page of the catalogue computes it for its own rows,
    and counting the catalogue needs no join with the cohorts."""
    cohorts = (
        Cohort.objects.filter(programme=OuterRef("pk"), ends_on__gte=today)
        .order_by()
        .values("programme")
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(cohorts, output_field=output_field)


def _in_target_group(programmes, sector, role):
    """Keys of the programmes whose target group takes the sector and role:
    read from the rules' lists in one query of plain values (JSON containment
    is not portable to SQLite), so the catalogue stays a queryset to page."""
    rules: dict[int, list] = {}
    candidates = programmes.order_by().values_list("pk", flat=True)
    for programme_id, sectors, roles in TargetRule.objects.filter(
        programme__in=candidates
    ).values_list("programme_id", "sectors", "role_categories"):
        rules.setdefault(programme_id, []).append((sectors, roles))
    return [
        pk
        for pk in candidates
        if pk not in rules
        or any(
            (not sector or not sectors or sector in sectors)
            and (not role or not roles or role in roles)
            for sectors, roles in rules[pk]
        )
    ]


def programmes_for_organiser(person):
    """The programmes a person may manage: those of organisations they staff."""
    if person.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(organiser__staff=person)


def programme_for_organiser(person, pk):
    """The programme if the person organises it, else Http404; with its
    mentoring set-up, if any (the programme page links to it)."""
    return get_object_or_404(
        programmes_for_organiser(person).select_related("organiser", "mentoring"),
        pk=pk,
    )


def cohort_for_organiser(person, pk):
    """The cohort if the person organises its programme, else Http404."""
    return get_object_or_404(
        Cohort.objects.select_related("programme__organiser").filter(
            programme__in=programmes_for_organiser(person)
        ),
        pk=pk,
    )


def is_organiser(person):
    return person.is_authenticated and (
        person.is_superuser or person.organiser_for.exists()
    )
