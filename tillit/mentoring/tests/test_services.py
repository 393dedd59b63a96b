import datetime as dt

import pytest
from django.utils import timezone

from tillit.core.tests.factories import PersonFactory
from tillit.mentoring import services
from tillit.mentoring.models import MatchingRun, Meeting, Pair, ProposedPair
from tillit.notifications.models import Notification

from .factories import (
    MeetingFactory,
    MentorFactory,
    MentoringProgrammeFactory,
    PairFactory,
    mentee_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentoring():
    return MentoringProgrammeFactory()


def wish(mentoring, mentee, *mentors, **fields):
    return services.save_wishes(mentoring, mentee, mentors=mentors, **fields)


def proposal_of(run):
    return {row.mentee_id: row.mentor_id for row in run.rows.all()}


# Matching rules ------------------------------------------------------------------


def test_matching_never_pairs_a_mentee_with_a_mentor_of_their_own_organisation(
    mentoring,
):
    same = MentorFactory(mentoring=mentoring)
    other = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring, organisation=same.person.organisation)
    wish(mentoring, mentee, same)

    run = services.run_matching(mentoring)

    assert proposal_of(run)[mentee.pk] in (other.pk, None)
    assert proposal_of(run)[mentee.pk] != same.pk


def test_mentee_whose_only_mentor_is_from_their_organisation_is_unmatched_with_why(
    mentoring,
):
    same = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring, organisation=same.person.organisation)
    wish(mentoring, mentee, same)

    run = services.run_matching(mentoring)

    row = run.rows.get(mentee=mentee)
    assert row.mentor is None
    assert row.reason == "no_allowed_mentor"


def test_matching_avoids_the_mentees_own_line_of_management(mentoring):
    boss = MentorFactory(mentoring=mentoring)
    middle = PersonFactory(manager=boss.person)
    other = MentorFactory(mentoring=mentoring)
    # Another organisation, so only the line of management rules the boss out.
    mentee = mentee_of(mentoring, manager=middle)
    wish(mentoring, mentee, boss, other)

    run = services.run_matching(mentoring)

    assert proposal_of(run)[mentee.pk] == other.pk


def test_matching_avoids_a_mentor_who_reports_to_the_mentee(mentoring):
    mentee = mentee_of(mentoring)
    report = MentorFactory(mentoring=mentoring, person__manager=mentee)
    other = MentorFactory(mentoring=mentoring)
    wish(mentoring, mentee, report, other)

    run = services.run_matching(mentoring)

    assert proposal_of(run)[mentee.pk] == other.pk


def test_matching_respects_capacity_and_follows_wishes(mentoring):
    popular = MentorFactory(mentoring=mentoring, capacity=1)
    second = MentorFactory(mentoring=mentoring, capacity=1)
    first, later = mentee_of(mentoring), mentee_of(mentoring)
    wish(mentoring, first, popular)
    wish(mentoring, later, popular, second)

    run = services.run_matching(mentoring)

    assert proposal_of(run) == {first.pk: popular.pk, later.pk: second.pk}
    assert run.rows.get(mentee=first).wish_rank == 1


def test_running_again_before_publishing_replaces_the_proposal(mentoring):
    MentorFactory(mentoring=mentoring)
    mentee_of(mentoring)
    old = services.run_matching(mentoring)

    new = services.run_matching(mentoring)

    assert not MatchingRun.objects.filter(pk=old.pk).exists()
    assert list(mentoring.runs.all()) == [new]


def test_after_publishing_new_mentees_fill_remaining_capacity_without_moving_pairs(
    mentoring,
):
    mentor = MentorFactory(mentoring=mentoring, capacity=2)
    other = MentorFactory(mentoring=mentoring, capacity=1)
    first = mentee_of(mentoring)
    wish(mentoring, first, mentor)
    services.publish(services.run_matching(mentoring))
    newcomers = [mentee_of(mentoring), mentee_of(mentoring)]
    for person in newcomers:
        wish(mentoring, person, mentor, other)

    run = services.run_matching(mentoring)

    row = run.rows.get(mentee=first)
    assert (row.mentor_id, row.fixed) == (mentor.pk, True)
    assigned = sorted(proposal_of(run)[p.pk] for p in newcomers)
    assert assigned == sorted([mentor.pk, other.pk])


def test_mentors_who_take_no_new_mentees_get_none(mentoring):
    resting = MentorFactory(mentoring=mentoring, is_active=False)
    mentee = mentee_of(mentoring)
    wish(mentoring, mentee)

    run = services.run_matching(mentoring)

    assert proposal_of(run)[mentee.pk] != resting.pk


# Adjusting by hand ---------------------------------------------------------------


def test_moving_a_mentee_to_a_mentor_of_their_own_organisation_is_refused(mentoring):
    same = MentorFactory(mentoring=mentoring)
    other = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring, organisation=same.person.organisation)
    wish(mentoring, mentee, other)
    run = services.run_matching(mentoring)

    with pytest.raises(services.MentoringError, match="same organisation"):
        services.assign(run, mentee, same)

    assert proposal_of(run)[mentee.pk] == other.pk


def test_moving_a_mentee_into_their_line_of_management_is_refused(mentoring):
    boss = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring, manager=boss.person)
    run = services.run_matching(mentoring)

    with pytest.raises(services.MentoringError, match="line of management"):
        services.assign(run, mentee, boss)


def test_moving_a_mentee_to_a_full_mentor_is_refused(mentoring):
    full = MentorFactory(mentoring=mentoring, capacity=1)
    MentorFactory(mentoring=mentoring, capacity=1)
    first, second = mentee_of(mentoring), mentee_of(mentoring)
    wish(mentoring, first, full)
    run = services.run_matching(mentoring)

    with pytest.raises(services.MentoringError, match="full"):
        services.assign(run, second, full)


def test_moving_a_mentee_records_the_new_mentor_and_their_wish_rank(mentoring):
    a = MentorFactory(mentoring=mentoring)
    b = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring)
    wish(mentoring, mentee, a, b)
    run = services.run_matching(mentoring)

    row = services.assign(run, mentee, b)

    assert (row.mentor, row.wish_rank, row.adjusted) == (b, 2, True)


# Publishing ----------------------------------------------------------------------


def test_publishing_creates_the_pairs_and_tells_both_sides(
    mentoring, mailoutbox, django_capture_on_commit_callbacks
):
    mentor = MentorFactory(mentoring=mentoring)
    mentee = mentee_of(mentoring)
    wish(mentoring, mentee, mentor)
    run = services.run_matching(mentoring)

    with django_capture_on_commit_callbacks(execute=True):
        pairs = services.publish(run)

    assert [(p.mentee, p.mentor) for p in pairs] == [(mentee, mentor)]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [mentee.email, mentor.person.email]
    )
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.PUBLISHED


def test_publishing_refuses_a_pair_from_one_organisation_and_publishes_nothing(
    mentoring,
):
    same = MentorFactory(mentoring=mentoring)
    other = MentorFactory(mentoring=mentoring)
    fine = mentee_of(mentoring)
    mentee = mentee_of(mentoring, organisation=same.person.organisation)
    wish(mentoring, fine, other)
    run = services.run_matching(mentoring)
    # A row changed behind the services' back must still never be published.
    ProposedPair.objects.filter(run=run, mentee=mentee).update(mentor=same)

    with pytest.raises(services.MentoringError, match="same organisation"):
        services.publish(run)

    assert not Pair.objects.exists()


def test_publishing_is_one_transaction(mentoring, monkeypatch):
    for _ in range(2):
        MentorFactory(mentoring=mentoring)
    mentee_of(mentoring), mentee_of(mentoring)
    for person in mentoring.programme.cohorts.first().registrations.all():
        wish(mentoring, person.person, *mentoring.mentors.all()[:1])
    run = services.run_matching(mentoring)
    calls = []

    def failing_notify(*args, **kwargs):
        calls.append(kwargs["key"])
        if len(calls) == 3:
            raise RuntimeError("mail outbox down")

    monkeypatch.setattr(services.notifications, "notify", failing_notify)

    with pytest.raises(RuntimeError):
        services.publish(run)

    assert not Pair.objects.exists()
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.PROPOSED


def test_a_published_proposal_cannot_be_published_again(mentoring):
    MentorFactory(mentoring=mentoring)
    mentee_of(mentoring)
    run = services.run_matching(mentoring)
    services.publish(run)

    with pytest.raises(services.MentoringError):
        services.publish(run)


# Pool and wishes -----------------------------------------------------------------


def test_a_participant_of_the_programme_cannot_be_its_mentor(mentoring):
    participant = mentee_of(mentoring)

    with pytest.raises(services.MentoringError, match="participant"):
        services.add_mentor(mentoring, participant)


def test_an_external_mentor_gets_a_new_person(mentoring):
    person = services.create_person(
        email="Kommundirektor@Example.org", first_name="Eva", last_name="Strand"
    )

    mentor = services.add_mentor(mentoring, person, capacity=3, areas=["finance"])

    assert mentor.person.email == "kommundirektor@example.org"
    assert not mentor.person.has_usable_password()


def test_capacity_cannot_go_below_the_published_mentees():
    pair = PairFactory()

    with pytest.raises(services.MentoringError):
        services.update_mentor(pair.mentor, capacity=0)


def test_wishes_are_limited_to_the_programmes_maximum(mentoring):
    mentoring.max_wishes = 1
    mentoring.save()
    mentors = MentorFactory.create_batch(2, mentoring=mentoring)
    mentee = mentee_of(mentoring)

    with pytest.raises(services.MentoringError):
        wish(mentoring, mentee, *mentors)


def test_wishes_replace_earlier_ones_in_order(mentoring):
    a, b = MentorFactory.create_batch(2, mentoring=mentoring)
    mentee = mentee_of(mentoring)
    wish(mentoring, mentee, a, b)

    wishlist = wish(mentoring, mentee, b, a)

    assert [w.mentor for w in wishlist.wishes.all()] == [b, a]


def test_someone_who_is_not_a_participant_cannot_state_wishes(mentoring):
    mentor = MentorFactory(mentoring=mentoring)

    with pytest.raises(services.MentoringError):
        wish(mentoring, PersonFactory(), mentor)


# The pair space and reminders ----------------------------------------------------


def test_a_meeting_needs_a_place_or_a_link():
    pair = PairFactory()

    with pytest.raises(services.MentoringError):
        services.plan_meeting(pair, actor=pair.mentee, starts_at=timezone.now())


def test_a_future_meeting_cannot_be_marked_held():
    meeting = MeetingFactory()

    with pytest.raises(services.MentoringError):
        services.mark_held(meeting, actor=meeting.pair.mentee)


def test_a_planned_meeting_is_moved_and_a_held_one_stays_as_it_was():
    meeting = MeetingFactory()
    later = meeting.starts_at + dt.timedelta(days=7)

    services.change_meeting(
        meeting, actor=meeting.pair.mentee, starts_at=later, link="https://m.example"
    )
    meeting.refresh_from_db()
    meeting.is_held = True
    meeting.save()

    assert (meeting.starts_at, meeting.place) == (later, "")
    with pytest.raises(services.MentoringError):
        services.change_meeting(
            meeting, actor=meeting.pair.mentee, starts_at=later, place="Rådhuset"
        )
    with pytest.raises(services.MentoringError):
        services.cancel_meeting(meeting, actor=meeting.pair.mentee)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_is_cancelled_only_by_a_member_of_the_pair():
    meeting = MeetingFactory()

    with pytest.raises(services.MentoringError):
        services.cancel_meeting(meeting, actor=PersonFactory())
    services.cancel_meeting(meeting, actor=meeting.pair.mentor.person)

    assert not Meeting.objects.exists()


def test_the_other_member_is_mailed_when_a_meeting_is_moved_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(starts_at=dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC))
    mentee, mentor = meeting.pair.mentee, meeting.pair.mentor.person
    mentee.preferred_language = "sv"
    mentee.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.change_meeting(
            meeting,
            actor=mentor,
            starts_at=dt.datetime(2031, 3, 11, 13, 0, tzinfo=dt.UTC),
            place="Rådhuset",
        )

    (mail,) = mailoutbox
    assert mail.to == [mentee.email]
    assert "4 mars 2031 kl. 10:00" in mail.body  # Stockholm time, Swedish months
    assert "11 mars 2031 kl. 14:00: Rådhuset" in mail.body
    assert mentor.get_full_name() in mail.body


def test_the_other_member_is_mailed_when_a_meeting_is_cancelled(
    mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(starts_at=dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC))
    mentee = meeting.pair.mentee

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, actor=mentee)

    (mail,) = mailoutbox
    assert mail.to == [meeting.pair.mentor.person.email]
    assert "cancelled" in mail.subject
    assert "4 March 2031, 10:00" in mail.body
    assert Notification.objects.get().kind == "mentoring_meeting_changed"


def test_someone_outside_the_pair_cannot_write_a_note():
    pair = PairFactory()

    with pytest.raises(services.MentoringError):
        services.add_note(pair, actor=PersonFactory(), body="x", visibility="shared")


def test_each_member_evaluates_once():
    pair = PairFactory()
    answers = {"useful": 5, "trust": 4, "often": 3, "recommend": 5}
    services.submit_evaluation(pair, actor=pair.mentee, answers=answers)

    with pytest.raises(services.MentoringError):
        services.submit_evaluation(pair, actor=pair.mentee, answers=answers)


def reminders():
    return Notification.objects.filter(
        kind=Notification.Kind.MENTORING_MEETING_REMINDER
    )


def test_both_members_are_reminded_once_when_no_meeting_was_held_for_six_weeks():
    pair = PairFactory(published_at=timezone.now() - dt.timedelta(weeks=7))

    services.send_meeting_reminders(now=timezone.now())
    services.send_meeting_reminders(now=timezone.now() + dt.timedelta(days=1))

    assert sorted(reminders().values_list("person", flat=True)) == sorted(
        [pair.mentee.pk, pair.mentor.person.pk]
    )


def test_no_reminder_before_the_set_time():
    PairFactory(published_at=timezone.now() - dt.timedelta(weeks=5))

    assert services.send_meeting_reminders(now=timezone.now()) == 0


def test_no_reminder_when_a_meeting_is_planned_ahead():
    pair = PairFactory(published_at=timezone.now() - dt.timedelta(weeks=8))
    MeetingFactory(pair=pair)

    assert services.send_meeting_reminders(now=timezone.now()) == 0


def test_a_new_gap_after_a_held_meeting_is_reminded_of_again():
    now = timezone.now()
    pair = PairFactory(published_at=now - dt.timedelta(weeks=20))
    services.send_meeting_reminders(now=now - dt.timedelta(weeks=13))
    MeetingFactory(pair=pair, starts_at=now - dt.timedelta(weeks=12), is_held=True)

    sent = services.send_meeting_reminders(now=now)

    assert sent == 2
    assert reminders().count() == 4


def test_the_programme_setting_decides_when_to_remind():
    pair = PairFactory(published_at=timezone.now() - dt.timedelta(weeks=3))
    pair.mentoring.reminder_weeks = 2
    pair.mentoring.save()

    assert services.send_meeting_reminders(now=timezone.now()) == 2
