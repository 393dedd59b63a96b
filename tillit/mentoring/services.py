"""Everything that writes in mentoring: the pool, wishes, matching, publishing,
the pair space and the meeting reminders."""

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, cast

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.mentoring import Mentee as EngineMentee
from matching.mentoring import Mentor as EngineMentor
from matching.mentoring import MentoringInfeasible, match_mentors, pair_conflicts
from tillit.accounts import services as accounts
from tillit.core.errors import DomainError
from tillit.core.models import Organisation, Person
from tillit.notifications import services as notifications
from tillit.programmes import calendar
from tillit.programmes.models import Programme
from tillit.registrations.models import Registration

from . import selectors
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
    ProposedPair,
    Wish,
    Wishlist,
)


class MentoringError(DomainError):
    """A refused change, in words the user may read."""


# Set-up and the pool ------------------------------------------------------------


def set_up(programme: Programme, *, actor: Person | None = None) -> MentoringProgramme:
    """Switch mentoring on for a programme (idempotent)."""
    mentoring, _created = MentoringProgramme.objects.get_or_create(programme=programme)
    return mentoring


def update_settings(
    mentoring: MentoringProgramme,
    *,
    actor: Person | None = None,
    max_wishes: int,
    reminder_weeks: int,
) -> MentoringProgramme:
    mentoring.max_wishes = max_wishes
    mentoring.reminder_weeks = reminder_weeks
    mentoring.save(update_fields=["max_wishes", "reminder_weeks"])
    return mentoring


def create_person(
    *,
    actor: Person | None = None,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation | None = None,
    title: str = "",
) -> Person:
    """A person for an external mentor, invited to Tillit by e-mail to set a
    password."""
    email = email.strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise MentoringError(_("A person with this e-mail address already exists."))
    person = Person.objects.create_user(
        email,
        None,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        title=title,
    )
    accounts.invite(person, actor=actor)
    return person


def _clean_profile(
    languages: Iterable[str], areas: Iterable[str]
) -> tuple[list[str], list[str]]:
    return (
        [x for x in Language.values if x in set(languages)],
        [a for a in Area.values if a in set(areas)],
    )


@transaction.atomic
def add_mentor(
    mentoring: MentoringProgramme,
    person: Person,
    *,
    actor: Person | None = None,
    capacity: int = 2,
    languages: Iterable[str] = (),
    region: str = "",
    areas: Iterable[str] = (),
    profile: str = "",
) -> Mentor:
    if mentoring.mentors.filter(person=person).exists():
        raise MentoringError(
            _("%(name)s is already a mentor in this programme.") % {"name": person}
        )
    if selectors.is_mentee(person, mentoring):
        raise MentoringError(
            _("%(name)s is a participant of this programme and cannot mentor in it.")
            % {"name": person}
        )
    languages, areas = _clean_profile(languages, areas)
    return Mentor.objects.create(
        mentoring=mentoring,
        person=person,
        capacity=capacity,
        languages=languages,
        region=region.strip(),
        areas=areas,
        profile=profile,
    )


@transaction.atomic
def update_mentor(
    mentor: Mentor, *, actor: Person | None = None, **fields: Any
) -> Mentor:
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    load = mentor.pairs.count()
    if fields.get("capacity", mentor.capacity) < load:
        raise MentoringError(
            ngettext(
                "The mentor already has %(count)d mentee; capacity cannot be lower.",
                "The mentor already has %(count)d mentees; capacity cannot be lower.",
                load,
            )
            % {"count": load}
        )
    languages, areas = _clean_profile(
        fields.pop("languages", mentor.languages), fields.pop("areas", mentor.areas)
    )
    for name, value in {**fields, "languages": languages, "areas": areas}.items():
        setattr(mentor, name, value)
    mentor.save()
    return mentor


# Wishes --------------------------------------------------------------------------


@transaction.atomic
def save_wishes(
    mentoring: MentoringProgramme,
    mentee: Person,
    *,
    mentors: Sequence[Mentor],
    areas: Iterable[str] = (),
    region: str = "",
    languages: Iterable[str] = (),
    note: str = "",
) -> Wishlist:
    """Store a mentee's ranked wishes (best first), replacing earlier ones."""
    if not selectors.is_mentee(mentee, mentoring, current_only=True):
        raise MentoringError(_("Only participants of the programme can state wishes."))
    if Pair.objects.filter(mentoring=mentoring, mentee=mentee).exists():
        raise MentoringError(_("You already have a mentor; your wishes are closed."))
    mentors = list(mentors)
    if len(mentors) > mentoring.max_wishes:
        raise MentoringError(
            _("You can rank at most %(count)d mentors.")
            % {"count": mentoring.max_wishes}
        )
    if len({m.pk for m in mentors}) != len(mentors):
        raise MentoringError(_("Choose each mentor only once."))
    if any(m.mentoring_id != mentoring.pk or not m.is_active for m in mentors):
        raise MentoringError(_("Choose mentors from the programme's pool."))
    languages, areas = _clean_profile(languages, areas)
    wishlist, _created = Wishlist.objects.update_or_create(
        mentoring=mentoring,
        mentee=mentee,
        defaults={
            "areas": areas,
            "region": region.strip(),
            "languages": languages,
            "note": note,
        },
    )
    wishlist.wishes.all().delete()
    Wish.objects.bulk_create(
        Wish(wishlist=wishlist, mentor=mentor, rank=rank)
        for rank, mentor in enumerate(mentors, start=1)
    )
    return wishlist


# Matching ------------------------------------------------------------------------


def _org_key(person: Person) -> int | str:
    return person.organisation_id if person.organisation_id else f"none:{person.pk}"


def _engine_input(
    mentoring: MentoringProgramme,
) -> tuple[
    list[Person],
    list[Mentor],
    list[EngineMentee],
    list[EngineMentor],
    dict[tuple[Hashable, Hashable], float],
    list[tuple[int, int]],
]:
    mentees = list(selectors.mentees(mentoring))
    mentors = list(mentoring.mentors.select_related("person"))
    wishlists = {
        w.mentee_id: w
        for w in Wishlist.objects.filter(mentoring=mentoring).prefetch_related(
            "wishes__mentor"
        )
    }
    published = {p.mentee_id: p for p in mentoring.pairs.all()}
    mentee_ids = {m.pk for m in mentees}
    # Pairs of people who are no longer mentees still take their mentor's places.
    outside: dict[int, int] = {}
    for pair in published.values():
        if pair.mentee_id not in mentee_ids:
            outside[pair.mentor_id] = outside.get(pair.mentor_id, 0) + 1
    fixed_load: dict[int, int] = {}
    for pair in published.values():
        if pair.mentee_id in mentee_ids:
            fixed_load[pair.mentor_id] = fixed_load.get(pair.mentor_id, 0) + 1
    chains = selectors.manager_chains(
        [m.pk for m in mentees] + [m.person_id for m in mentors]
    )
    engine_mentees = [
        EngineMentee(
            id=m.pk,
            organisation=_org_key(m),
            wishes=tuple(
                w.mentor.person_id
                for w in (wishlists[m.pk].wishes.all() if m.pk in wishlists else ())
            ),
            manager_chain=chains[m.pk],
        )
        for m in mentees
    ]
    engine_mentors = [
        EngineMentor(
            id=m.person_id,
            organisation=_org_key(m.person),
            capacity=max(
                0,
                (m.capacity if m.is_active else fixed_load.get(m.pk, 0))
                - outside.get(m.pk, 0),
            ),
            manager_chain=chains[m.person_id],
        )
        for m in mentors
    ]
    fit: dict[tuple[Hashable, Hashable], float] = {
        (mentee.pk, mentor.person_id): selectors.fit(
            wishlists.get(mentee.pk), mentor
        ).score
        for mentee in mentees
        for mentor in mentors
    }
    fixed = [
        (p.mentee_id, p.mentor.person_id)
        for p in published.values()
        if p.mentee_id in mentee_ids
    ]
    return mentees, mentors, engine_mentees, engine_mentors, fit, fixed


@transaction.atomic
def run_matching(
    mentoring: MentoringProgramme, *, actor: Person | None = None, seed: int = 0
) -> MatchingRun:
    """Run the engine and store its proposal, replacing an unpublished one.

    Published pairs go in as fixed: they are kept and use their mentor's places.
    """
    mentoring = MentoringProgramme.objects.select_for_update().get(pk=mentoring.pk)
    mentoring.runs.filter(status=MatchingRun.Status.PROPOSED).delete()
    mentees, mentors, e_mentees, e_mentors, fit, fixed = _engine_input(mentoring)
    if not mentees:
        raise MentoringError(_("The programme has no participants to match yet."))
    try:
        result = match_mentors(e_mentees, e_mentors, fit=fit, fixed=fixed, seed=seed)
    except MentoringInfeasible as error:
        raise MentoringError(
            _("Published pairs break the rules: %(problems)s")
            % {"problems": "; ".join(error.conflicts)}
        ) from error
    mentor_by_person = {m.person_id: m for m in mentors}
    run = MatchingRun.objects.create(mentoring=mentoring, created_by=actor)
    rows = [
        ProposedPair(
            run=run,
            mentee_id=cast(int, p.mentee_id),
            mentor=mentor_by_person[cast(int, p.mentor_id)],
            wish_rank=p.wish_rank,
            fit=p.fit,
            fixed=bool(p.fixed),
        )
        for p in result.pairs
    ]
    rows += [
        ProposedPair(
            run=run,
            mentee_id=cast(int, u.mentee_id),
            reason=u.reason,
            explanation=u.explanation[:400],
        )
        for u in result.unmatched
    ]
    ProposedPair.objects.bulk_create(rows)
    return run


def _pair_codes(
    mentee: Person, mentor: Mentor, others: int | None = None
) -> tuple[str, ...]:
    """The engine's codes for the hard rules the pair breaks
    (`matching.mentoring.pair_conflicts`, the rules the matching keeps)."""
    chains = selectors.manager_chains([mentee.pk, mentor.person_id])
    return pair_conflicts(
        EngineMentee(
            id=mentee.pk, organisation=_org_key(mentee), manager_chain=chains[mentee.pk]
        ),
        EngineMentor(
            id=mentor.person_id,
            organisation=_org_key(mentor.person),
            capacity=mentor.capacity,
            manager_chain=chains[mentor.person_id],
        ),
        others=others,
    )


def conflicts(
    mentee: Person, mentor: Mentor, *, others: int | None = None
) -> list[str]:
    """The hard rules a mentee–mentor pair breaks, as sentences (the engine
    decides, this says it). `others`: the mentor's mentees besides this one,
    to check the mentor's capacity too."""
    codes = _pair_codes(mentee, mentor, others)
    names = {"mentor": mentor.person, "mentee": mentee}
    problems = []
    if "same_person" in codes:
        problems.append(_("A person cannot mentor themselves."))
    elif "same_organisation" in codes:
        problems.append(
            _(
                "%(mentor)s works in the same organisation as %(mentee)s "
                "(conflict of interest)."
            )
            % names
        )
    if "line_of_management" in codes:
        problems.append(
            _("%(mentor)s and %(mentee)s are in the same line of management.") % names
        )
    if "mentor_full" in codes:
        problems.append(_full(mentor))
    return problems


def _full(mentor: Mentor) -> str:
    return ngettext(
        "%(mentor)s is full: %(capacity)d mentee at most.",
        "%(mentor)s is full: %(capacity)d mentees at most.",
        mentor.capacity,
    ) % {
        "mentor": mentor.person,
        "capacity": mentor.capacity,
    }


def _proposed_load(
    run: MatchingRun, mentor: Mentor, *, excluding: int | None = None
) -> int:
    """Places a mentor has in a proposal plus published pairs outside it."""
    in_run_rows = run.rows.filter(mentor=mentor)
    if excluding is not None:
        in_run_rows = in_run_rows.exclude(pk=excluding)
    in_run = in_run_rows.count()
    mentees_in_run = run.rows.values("mentee")
    outside = mentor.pairs.exclude(mentee__in=mentees_in_run).count()
    return in_run + outside


@transaction.atomic
def assign(
    run: MatchingRun,
    mentee: Person,
    mentor: Mentor | None,
    *,
    actor: Person | None = None,
) -> ProposedPair:
    """Move a mentee in a proposal to another mentor (None: leave unmatched)."""
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != MatchingRun.Status.PROPOSED:
        raise MentoringError(_("This proposal has already been published."))
    row = run.rows.select_related("mentee").filter(mentee=mentee).first()
    if row is None:
        raise MentoringError(_("%(name)s is not in this proposal.") % {"name": mentee})
    if row.fixed:
        raise MentoringError(
            _("%(name)s already has a published mentor.") % {"name": mentee}
        )
    if mentor is not None:
        if mentor.mentoring_id != run.mentoring_id:
            raise MentoringError(_("Choose a mentor from the programme's pool."))
        others = _proposed_load(run, mentor, excluding=row.pk)
        problems = conflicts(row.mentee, mentor, others=others)
        if problems:
            raise MentoringError(" ".join(problems))
    wishlist = Wishlist.objects.filter(
        mentoring_id=run.mentoring_id, mentee=row.mentee
    ).first()
    row.mentor = mentor
    row.wish_rank = (
        wishlist.wishes.filter(mentor=mentor).values_list("rank", flat=True).first()
        if wishlist and mentor
        else None
    )
    row.fit = selectors.fit(wishlist, mentor).score if mentor else 0
    row.adjusted = True
    row.reason = "" if mentor else "organiser"
    row.explanation = ""
    row.save()
    return row


@transaction.atomic
def publish(
    run: MatchingRun,
    *,
    actor: Person | None = None,
    now: dt.datetime | None = None,
    notify: bool = True,
) -> list[Pair]:
    """Create the proposal's new pairs and tell both sides, all or nothing.

    Every rule is checked again under the lock: a refused pair publishes nothing.
    notify=False (the demo) publishes without mail.
    """
    now = now or timezone.now()
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != MatchingRun.Status.PROPOSED:
        raise MentoringError(_("This proposal has already been published."))
    mentoring = run.mentoring
    rows = list(
        run.rows.filter(fixed=False, mentor__isnull=False).select_related(
            "mentee", "mentor__person"
        )
    )
    problems = []
    for row in rows:
        problems += conflicts(row.mentee, cast(Mentor, row.mentor))
    for mentor in {cast(Mentor, row.mentor) for row in rows}:
        # Over capacity when the mentees besides any one already fill it.
        row = next(row for row in rows if row.mentor == mentor)
        others = _proposed_load(run, mentor) - 1
        if "mentor_full" in _pair_codes(row.mentee, mentor, others):
            problems.append(_full(mentor))
    if problems:
        raise MentoringError(" ".join(problems))
    pairs = [
        Pair.objects.create(
            mentoring=mentoring,
            mentee=row.mentee,
            mentor=cast(Mentor, row.mentor),
            run=run,
            published_at=now,
        )
        for row in rows
    ]
    run.status = MatchingRun.Status.PUBLISHED
    run.published_at = now
    run.published_by = actor
    run.save(update_fields=["status", "published_at", "published_by"])
    for pair in pairs if notify else ():
        _notify_matched(pair)
    return pairs


def _notify_matched(pair: Pair) -> None:
    for person, side in ((pair.mentee, "mentee"), (pair.mentor.person, "mentor")):
        notifications.notify(
            person,
            kind=notifications.Kind.MENTORING_MATCHED,
            key=f"mentoring-matched:{pair.pk}:{side}",
            template=f"mentoring/email/matched_{side}",
            objects={"pair": pair, "programme": pair.mentoring.programme},
        )


# The pair space ------------------------------------------------------------------


def plan_meeting(
    pair: Pair,
    *,
    actor: Person,
    starts_at: dt.datetime,
    place: str = "",
    link: str = "",
    topics: str = "",
) -> Meeting:
    if not pair.is_member(actor):
        raise MentoringError(_("Only the mentee and the mentor can plan meetings."))
    _check_place(place, link)
    return Meeting.objects.create(
        pair=pair,
        starts_at=starts_at,
        place=place.strip(),
        link=link.strip(),
        topics=topics,
        created_by=actor,
    )


@transaction.atomic
def change_meeting(
    meeting: Meeting,
    *,
    actor: Person,
    starts_at: dt.datetime,
    place: str = "",
    link: str = "",
    topics: str = "",
) -> Meeting:
    """Move or reword a planned meeting and tell the other member; a held one
    stays as it was."""
    _check_planned(meeting, actor=actor)
    _check_place(place, link)
    was = meeting.starts_at
    meeting.starts_at = starts_at
    meeting.place, meeting.link = place.strip(), link.strip()
    meeting.topics = topics
    meeting.save(update_fields=["starts_at", "place", "link", "topics"])
    _tell_the_other(meeting, actor=actor, was=was, cancelled=False)
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, actor: Person) -> None:
    """Remove a planned meeting for both members and tell the other one (the
    reminders then count from the last held meeting again)."""
    _check_planned(meeting, actor=actor)
    _tell_the_other(meeting, actor=actor, was=meeting.starts_at, cancelled=True)

    meeting.delete()


def _tell_the_other(
    meeting: Meeting, *, actor: Person, was: dt.datetime, cancelled: bool
) -> None:
    """Mail the other member. The meeting may be gone when the mail is sent,
    so its times are written out now, in the recipient's language and the
    organiser's time zone."""
    pair = meeting.pair
    programme = pair.mentoring.programme
    other = pair.other_member(actor)
    zone = calendar.zone_for(programme.organiser)

    def when(moment: dt.datetime) -> str:
        return formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")

    with translation.override(notifications.language_for(other)):
        context = {
            "cancelled": cancelled,
            "by": actor.get_full_name(),
            "was": when(was),
            "when": when(meeting.starts_at),
            "where": meeting.place or meeting.link,
        }
    notifications.notify(
        other,
        kind=notifications.Kind.MENTORING_MEETING_CHANGED,
        key=f"mentoring-meeting-changed:{meeting.pk}:{timezone.now().timestamp():.6f}",
        template="mentoring/email/meeting_changed",
        objects={"pair": pair, "programme": programme},
        context=context,
    )


def _check_place(place: str, link: str) -> None:
    if not (place.strip() or link.strip()):
        raise MentoringError(_("Give a place or a link for the meeting."))


def _check_planned(meeting: Meeting, *, actor: Person) -> None:
    if not meeting.pair.is_member(actor):
        raise MentoringError(_("Only the mentee and the mentor can do this."))
    if meeting.is_held:
        raise MentoringError(
            _("A held meeting is part of the record and can no longer be changed.")
        )


def mark_held(
    meeting: Meeting, *, actor: Person, now: dt.datetime | None = None
) -> Meeting:
    now = now or timezone.now()
    if not meeting.pair.is_member(actor):
        raise MentoringError(_("Only the mentee and the mentor can do this."))
    if meeting.starts_at > now:
        raise MentoringError(_("A meeting can be marked held once it has started."))
    if not meeting.is_held:
        meeting.is_held = True
        meeting.held_marked_at = now
        meeting.save(update_fields=["is_held", "held_marked_at"])
    return meeting


def add_note(pair: Pair, *, actor: Person, body: str, visibility: str) -> Note:
    """A note by `actor`, the mentee or the mentor, who becomes its author."""
    if not pair.is_member(actor):
        raise MentoringError(_("Only the mentee and the mentor can write notes."))
    if not body.strip():
        raise MentoringError(_("Write something in the note."))
    return Note.objects.create(
        pair=pair, author=actor, body=body.strip(), visibility=visibility
    )


def submit_evaluation(
    pair: Pair, *, actor: Person, answers: dict[str, Any], comment: str = ""
) -> Evaluation:
    """Store one side's evaluation, `actor` answering; each member answers once."""
    if not pair.is_member(actor):
        raise MentoringError(_("Only the mentee and the mentor can evaluate."))
    if pair.evaluations.filter(respondent=actor).exists():
        raise MentoringError(_("You have already answered. Thank you!"))
    side = (
        Evaluation.Side.MENTEE if actor.pk == pair.mentee_id else Evaluation.Side.MENTOR
    )
    return Evaluation.objects.create(
        pair=pair, respondent=actor, side=side, comment=comment, **answers
    )


# Reminders -----------------------------------------------------------------------


def send_meeting_reminders(now: dt.datetime | None = None) -> int:
    """Remind both members of every active pair that has held no meeting for the
    programme's reminder_weeks (counted from the last held meeting, or from
    publishing) and has none planned ahead. The key names the gap (the last held
    meeting), so each gap is reminded of once. Returns how many were recorded.

    A pair is active while the mentee's cohort has not ended.
    """
    now = now or timezone.now()
    active = Registration.objects.filter(
        person=OuterRef("mentee"),
        cohort__programme=OuterRef("mentoring__programme"),
        cohort__ends_on__gte=timezone.localdate(now),
        status=Registration.Status.CONFIRMED,
    )
    planned_ahead = Meeting.objects.filter(
        pair=OuterRef("pk"), is_held=False, starts_at__gte=now
    )
    pairs = (
        Pair.objects.filter(Exists(active))
        .exclude(Exists(planned_ahead))
        .select_related("mentee", "mentor__person", "mentoring__programme")
        .annotate(
            last_held=Max("meetings__starts_at", filter=Q(meetings__is_held=True)),
            last_held_pk=Max("meetings__pk", filter=Q(meetings__is_held=True)),
        )
        .order_by("pk")
    )
    recorded = 0
    for pair in pairs:
        since = pair.last_held or pair.published_at
        if now - since < dt.timedelta(weeks=pair.mentoring.reminder_weeks):
            continue
        gap = pair.last_held_pk or "start"
        weeks = (now - since).days // 7
        for person in (pair.mentee, pair.mentor.person):
            notification = notifications.notify(
                person,
                kind=notifications.Kind.MENTORING_MEETING_REMINDER,
                key=f"mentoring-reminder:{pair.pk}:{person.pk}:{gap}",
                template="mentoring/email/meeting_reminder",
                objects={"pair": pair, "programme": pair.mentoring.programme},
                context={"weeks": weeks},
            )
            recorded += notification is not None
    return recorded
