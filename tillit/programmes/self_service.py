"""What an organiser does to their own programmes without the admin (issue 14):
edit a programme, cancel a session or a whole cohort, copy a cohort with its
sessions and material to new dates, delete a draft.

Callers check that the actor organises the programme
(selectors.programme_for_organiser, selectors.cohort_for_organiser); these
services validate and record mail in the notifications outbox. Cancelling a
whole cohort releases its seats, so it lives a floor above, with the seat
rules: registrations.services.cancellation.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tillit.core import timezones
from tillit.core.content_languages import CONTENT_LANGUAGES
from tillit.notifications import services as notifications

from . import services
from .models import Cohort, Programme, Session

CANCELLATION_TEMPLATE = "programmes/email/cancellation"

PROGRAMME_TEXTS = ("title", "summary", "description", "target_group")
PROGRAMME_FIELDS = {
    *PROGRAMME_TEXTS,
    *(f"{name}_{code}" for name in PROGRAMME_TEXTS for code in CONTENT_LANGUAGES),
    "format",
    "approval",
}


class SelfServiceError(ValidationError):
    """A refusal an organiser may read (shown beside the form)."""


# Editing a programme -----------------------------------------------------------


@transaction.atomic
def update_programme(programme, *, actor, target_rules=None, **fields):
    """Change the programme's texts and settings named in `fields`; every other
    field keeps its stored value. `target_rules`, when given, replaces the
    target-group rules: a list of dicts with sectors, role_categories and
    managerial_levels."""
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean(exclude=["slug"])
    programme.save(update_fields=list(fields) or None)
    if target_rules is not None:
        rules = [
            programme.target_rules.model(programme=programme, **rule)
            for rule in target_rules
        ]
        for rule in rules:
            rule.full_clean(exclude=["programme"])
        programme.target_rules.all().delete()
        programme.target_rules.bulk_create(rules)
    return programme


@transaction.atomic
def create_cohort_with_sessions(programme, *, actor, sessions, **fields):
    """A new cohort and its sessions in one go: all are created or none.
    `sessions` is a list of (fields, teachers) as SessionForm.service_fields
    gives them."""
    cohort = services.create_cohort(programme, actor=actor, **fields)
    for session_fields, teachers in sessions:
        services.add_session(cohort, actor=actor, teachers=teachers, **session_fields)
    return cohort


# Cancelling --------------------------------------------------------------------


@dataclass(frozen=True)
class CancellationImpact:
    """What cancelling will do, for the confirmation page."""

    people_told: int
    seats_released: int
    waitlist_released: int


def people_to_tell(cohort):
    """The cohort's confirmed and waiting people, who hear of a cancellation."""
    return cohort.registrations.active().select_related("person")


def session_cancellation_impact(session):
    people = people_to_tell(session.cohort).count()
    return CancellationImpact(people_told=people, seats_released=0, waitlist_released=0)


def tell_cancellation(registrations, *, cohort, session, key):
    """Mail each person of `registrations` that the session (or, with session
    None, the whole cohort) is cancelled; returns how many were told."""
    zone = timezones.zone_of(cohort.programme.organiser)
    objects = {"cohort": cohort}
    if session is not None:
        objects["session"] = session
    told = 0
    for registration in registrations:
        sent = notifications.notify(
            registration.person,
            kind=notifications.Kind.CANCELLATION,
            key=f"{key}:{registration.person_id}",
            template=CANCELLATION_TEMPLATE,
            objects=objects,
            context={"zone": str(zone), "whole_cohort": session is None},
        )
        told += sent is not None
    return told


def cancellation_refusal(cohort=None, *, session=None, now=None):
    """Why this cohort or session can no longer be cancelled, or None. What
    has begun is a record of what happened: a session that has started, and
    a cohort whose last day has passed, stay as they were."""
    now = now or timezone.now()
    if session is not None:
        if session.cancelled_at is not None:
            return _("The session is already cancelled.")
        if session.starts_at <= now:
            return _("The session has already begun, so it cannot be cancelled.")
        return None
    if cohort.cancelled_at is not None:
        return _("The cohort is already cancelled.")
    if cohort.has_ended(timezone.localdate(now)):
        return _("The cohort has ended, so it cannot be cancelled.")
    return None


@transaction.atomic
def cancel_session(session, *, actor):
    """Cancel one session: it stays in the records marked cancelled, calendars
    get STATUS:CANCELLED with a higher SEQUENCE, and everyone confirmed or
    waiting is mailed. Returns the number of people told."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    refusal = cancellation_refusal(session=session)
    if refusal is not None:
        raise SelfServiceError(refusal)
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.modified_at = session.cancelled_at
    session.save(update_fields=["cancelled_at", "sequence", "modified_at"])
    return tell_cancellation(
        people_to_tell(session.cohort),
        cohort=session.cohort,
        session=session,
        key=f"session-cancelled:{session.pk}",
    )


# Copying -----------------------------------------------------------------------


def _shifted(value, offset):
    return value + offset if value is not None else None


def _clone(instance, offset, **overrides):
    """An unsaved copy of `instance` with every date and time moved by
    `offset` (whole days), except the stamps Django sets itself."""
    copy = type(instance)()
    for model_field in instance._meta.concrete_fields:
        if model_field.primary_key:
            continue
        value = getattr(instance, model_field.attname)
        is_stamp = getattr(model_field, "auto_now", False) or getattr(
            model_field, "auto_now_add", False
        )
        if isinstance(model_field, models.DateField) and not is_stamp:
            value = _shifted(value, offset)
        setattr(copy, model_field.attname, value)
    for name, value in overrides.items():
        setattr(copy, name, value)
    return copy


@dataclass
class CopyPlan:
    """What copy_cohort will create, for the preview page."""

    cohort: Cohort
    sessions: list = field(default_factory=list)
    assignments: int = 0
    preparations: int = 0
    evaluations: int = 0


def plan_cohort_copy(cohort, *, days, name):
    """The copy as unsaved objects with the new dates; nothing is written."""
    offset = dt.timedelta(days=days)
    copy = _clone(cohort, offset, name=name, cancelled_at=None)
    sessions = [
        _clone(session, offset, cohort_id=None, sequence=0, cancelled_at=None)
        for session in cohort.sessions.filter(cancelled_at__isnull=True)
    ]
    return CopyPlan(
        cohort=copy,
        sessions=sessions,
        assignments=cohort.assignments.count(),
        preparations=sum(1 for s in cohort.sessions.all() if _preparation(s)),
        evaluations=cohort.evaluations.count(),
    )


def _preparation(session):
    try:
        return session.preparation
    except models.ObjectDoesNotExist:
        return None


@transaction.atomic
def copy_cohort(cohort, *, actor, days, name, programme=None):
    """Copy a cohort with its sessions (not cancelled ones), their teachers,
    preparation, assignments with milestones and evaluations, every date moved
    by `days`, into its own programme or `programme`. Registrations, answers
    and submissions are not copied. Returns the new cohort."""
    if not name.strip():
        raise SelfServiceError({"name": _("Give the new cohort a name.")})
    offset = dt.timedelta(days=days)
    new = _clone(cohort, offset, name=name, cancelled_at=None)
    if programme is not None:
        new.programme = programme
    new.full_clean()
    new.save()
    sessions = {}
    for session in cohort.sessions.filter(cancelled_at__isnull=True):
        copy = _clone(session, offset, cohort_id=new.pk, sequence=0, cancelled_at=None)
        copy.modified_at = timezone.now()
        copy.save()
        copy.teachers.set(session.teachers.all())
        sessions[session.pk] = copy
        preparation = _preparation(session)
        if preparation is not None:
            _clone(preparation, offset, session_id=copy.pk).save()
    for assignment in cohort.assignments.all():
        if assignment.session_id and assignment.session_id not in sessions:
            continue
        new_assignment = _clone(
            assignment,
            offset,
            cohort_id=new.pk,
            session_id=getattr(sessions.get(assignment.session_id), "pk", None),
        )
        new_assignment.save()
        for milestone in assignment.milestones.all():
            _clone(milestone, offset, assignment_id=new_assignment.pk).save()
    for evaluation in cohort.evaluations.all():
        if evaluation.session_id and evaluation.session_id not in sessions:
            continue
        _clone(
            evaluation,
            offset,
            cohort_id=new.pk,
            session_id=getattr(sessions.get(evaluation.session_id), "pk", None),
            invited_at=None,
        ).save()
    return new


@dataclass
class ProgrammeCopyPlan:
    """What copy_programme will create, for the preview page."""

    programme: Programme
    cohorts: list  # of CopyPlan
    target_rules: int = 0
    completion_rule: bool = False


def renamed_for(name, days):
    """A copied cohort's name with its years moved along ("Omgång 2027"
    becomes "Omgång 2028" when the dates move a year)."""
    years = round(days / 365.25)
    if not years:
        return name
    return re.sub(r"\b(19|20)(\d\d)\b", lambda m: str(int(m[0]) + years), name)


def _cohorts_to_copy(programme):
    return programme.cohorts.filter(cancelled_at__isnull=True).order_by(
        "starts_on", "pk"
    )


def plan_programme_copy(programme, *, days, title):
    """The copy as unsaved objects with the new dates; nothing is written."""
    copy = _clone(programme, dt.timedelta(days=days), title=title)
    return ProgrammeCopyPlan(
        programme=copy,
        cohorts=[
            plan_cohort_copy(cohort, days=days, name=renamed_for(cohort.name, days))
            for cohort in _cohorts_to_copy(programme)
        ],
        target_rules=programme.target_rules.count(),
        completion_rule=_completion_rule(programme) is not None,
    )


def _completion_rule(programme):
    try:
        return programme.completion_rule
    except models.ObjectDoesNotExist:
        return None


def _free_slug(title):
    base = slugify(title)[:180] or "programme"
    slug, number = base, 1
    while Programme.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def copy_programme(programme, *, actor, days, title):
    """Copy a programme (last year's, say) with its texts in every language,
    themes, teachers, contact persons, target-group rules, completion rule and
    every cohort that was not cancelled, each as copy_cohort copies it, every
    date moved by `days`. Returns the new programme."""
    if not title.strip():
        raise SelfServiceError({"title": _("Give the new programme a title.")})
    new = _clone(programme, dt.timedelta(days=days), title=title)
    new.slug = _free_slug(title)
    new.full_clean()
    new.save()
    new.themes.set(programme.themes.all())
    new.teachers.set(programme.teachers.all())
    new.contact_persons.set(programme.contact_persons.all())
    for rule in programme.target_rules.all():
        _clone(rule, dt.timedelta(0), programme_id=new.pk).save()
    rule = _completion_rule(programme)
    if rule is not None:
        _clone(rule, dt.timedelta(0), programme_id=new.pk).save()
    for cohort in _cohorts_to_copy(programme):
        name = renamed_for(cohort.name, days)
        copy_cohort(cohort, actor=actor, days=days, name=name, programme=new)
    return new


# Deleting drafts ---------------------------------------------------------------


def _ever_registered(cohorts):
    """Whether any of the cohorts ever had a registration, cancelled or not."""
    return cohorts.filter(registrations__isnull=False).exists()


@transaction.atomic
def delete_cohort(cohort, *, actor):
    """Delete a cohort nobody ever registered for (cancelled registrations
    count: they are part of the record)."""
    if _ever_registered(Cohort.objects.filter(pk=cohort.pk)):
        raise SelfServiceError(
            _(
                "People have registered for this cohort, so it cannot be "
                "deleted. Cancel it instead."
            )
        )
    cohort.delete()


@transaction.atomic
def delete_programme(programme, *, actor):
    """Delete a programme none of whose cohorts ever had a registration."""
    if _ever_registered(programme.cohorts.all()):
        raise SelfServiceError(
            _(
                "People have registered for a cohort of this programme, so it "
                "cannot be deleted. Cancel its cohorts instead."
            )
        )
    programme.delete()
