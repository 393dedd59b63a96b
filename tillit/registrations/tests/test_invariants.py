"""The seat invariants as properties: a hypothesis state machine calls the
registration services in random order on two cohorts of one programme (register,
cancel, book for others together or split, reserve, name, swap, approve or
refuse, accept or decline offers, expiries as time passes, capacity changes,
moves between the cohorts), and after every step checks for each cohort

- confirmed + held + offered + unnamed reserved seats never exceed capacity;
- no freed seat is lost: while a seat is free, no waiting entry fits it (every
  waiting single would have been promoted; a group waiting together is larger
  than the free seats);
- each registration is promoted (PROMOTED or OFFERED) at most once, and its
  audit trail replays to its status;
- waitlist positions are 1..k without gaps, in arrival order;
- a person holds at most one active place; an organisation stays within its limit.

Each example runs inside one atomic block that teardown rolls back, so examples
share nothing. Time moves by `expire_due(now=...)` with a clock that only goes
forward; services that read the real clock see an earlier time, which is
harmless: holds and offers they give simply expire later.
"""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tillit.core.models import RoleCategory
from tillit.core.tests.factories import (
    OrganisationFactory,
    OrganiserFactory,
    PersonFactory,
)
from tillit.programmes.models import Cohort
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    TargetRuleFactory,
)
from tillit.registrations import services
from tillit.registrations.models import Registration, RegistrationEvent, Reservation
from tillit.registrations.selectors import (
    availability,
    organisation_places,
    with_waitlist_position,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
Action = RegistrationEvent.Action
ACTIVE = {Status.CONFIRMED, Status.HELD, Status.OFFERED, Status.WAITLISTED}
POOL = 10  # people who may register or be booked
PICK = st.integers(min_value=0, max_value=1000)  # an index into a current list

# The audit trail as transitions: (status before, action) -> status after.
# None is "not yet created". Swapping in copies the colleague's status.
TRANSITIONS = {
    (None, Action.REGISTERED): {Status.CONFIRMED},
    (None, Action.WAITLISTED): {Status.WAITLISTED},
    (None, Action.HELD): {Status.HELD},
    (None, Action.NAMED): {Status.CONFIRMED},
    (None, Action.SWAPPED_IN): {Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED},
    (None, Action.MOVED_IN): {Status.CONFIRMED, Status.WAITLISTED},
    (Status.WAITLISTED, Action.PROMOTED): {Status.CONFIRMED},
    (Status.WAITLISTED, Action.HELD): {Status.HELD},
    (Status.WAITLISTED, Action.OFFERED): {Status.OFFERED},
    (Status.OFFERED, Action.ACCEPTED): {Status.CONFIRMED},
    (Status.OFFERED, Action.HELD): {Status.HELD},
    (Status.OFFERED, Action.DECLINED): {Status.CANCELLED},
    (Status.OFFERED, Action.EXPIRED): {Status.CANCELLED},
    (Status.HELD, Action.APPROVED): {Status.CONFIRMED},
    (Status.HELD, Action.REFUSED): {Status.CANCELLED},
    (Status.HELD, Action.LAPSED): {Status.CANCELLED},
    **{
        (status, action): {Status.CANCELLED}
        for status in ACTIVE
        for action in (Action.CANCELLED, Action.SWAPPED_OUT, Action.MOVED_OUT)
    },
}
OUTCOME_STATUS = {
    "seat": Status.CONFIRMED,
    "held": Status.HELD,
    "waitlisted": Status.WAITLISTED,
}


def replay(actions):
    """The statuses an audit trail can end in; fails on an impossible step."""
    possible = {None}
    for action in actions:
        following = set()
        for status in possible:
            following |= TRANSITIONS.get((status, action), set())
        assert following, f"{action} cannot follow {possible} in {actions}"
        possible = following
    return possible


def pick(items, index):
    return items[index % len(items)] if items else None


class SeatMachine(RuleBasedStateMachine):
    """Two cohorts, two organisations with employer contacts and a third without,
    and a pool of people who register, are booked, named, swapped, approved."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.clock = timezone.now()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        capacity=st.integers(min_value=1, max_value=3),
        other_capacity=st.integers(min_value=1, max_value=3),
        rule_=st.sampled_from(Cohort.WaitlistRule.values),
        approval=st.sampled_from(["none", "manager", "employer"]),
        limit=st.sampled_from([None, 2, 3]),
    )
    def set_up(self, capacity, other_capacity, rule_, approval, limit):
        programme = ProgrammeFactory(approval=approval)
        TargetRuleFactory(
            programme=programme,
            sectors=[],
            role_categories=[RoleCategory.UNIT_MANAGER, RoleCategory.HR_DIRECTOR],
        )
        self.cohorts = [
            CohortFactory(
                programme=programme,
                capacity=seats,
                waitlist_rule=rule_,
                offer_hours=24,
                approval_hold_hours=48,
                naming_deadline=timezone.now() + dt.timedelta(days=4),
                max_seats_per_organisation=limit,
            )
            for seats in (capacity, other_capacity)
        ]
        self.limit = limit
        self.organiser = OrganiserFactory(organiser_of=programme.organiser)
        self.organisations = OrganisationFactory.create_batch(2)
        self.contacts = {}
        for organisation in self.organisations:
            contact = PersonFactory(organisation=organisation)
            organisation.employer_contacts.add(contact)
            self.contacts[organisation.pk] = contact
        a, b = self.organisations
        boss = PersonFactory(organisation=a)
        outsider = OrganisationFactory()  # no employer contact
        self.members = {
            a.pk: [
                PersonFactory(organisation=a, manager=boss),
                PersonFactory(organisation=a, manager=boss),
                PersonFactory(organisation=a),
                PersonFactory(organisation=a),
                PersonFactory(organisation=a, role_category=RoleCategory.IT_MANAGER),
            ],
            b.pk: [
                PersonFactory(organisation=b),
                PersonFactory(organisation=b),
                PersonFactory(organisation=b, role_category=RoleCategory.HR_DIRECTOR),
                PersonFactory(organisation=b),
            ],
        }
        self.stranger = PersonFactory(organisation=outsider)
        self.people = [*self.members[a.pk], *self.members[b.pk], self.stranger]
        assert len(self.people) == POOL

    # Helpers

    def registrations(self, *statuses):
        return list(
            Registration.objects.filter(cohort__in=self.cohorts, status__in=statuses)
            .select_related("person__organisation", "cohort")
            .order_by("pk")
        )

    def contact_for(self, person):
        return self.contacts.get(person.organisation_id)

    def attempt(self, service, *args, **kwargs):
        """Call a service; a domain error is an answer, anything else a failure."""
        try:
            return service(*args, **kwargs)
        except services.RegistrationError:
            return None

    # Rules

    @rule(where=st.integers(0, 1), who=st.integers(min_value=0, max_value=POOL - 1))
    def register(self, where, who):
        self.attempt(services.register, self.people[who], self.cohorts[where])

    def has(self, *statuses):
        return Registration.objects.filter(
            cohort__in=self.cohorts, status__in=statuses
        ).exists()

    @precondition(lambda self: self.has(*ACTIVE))
    @rule(index=PICK)
    def cancel(self, index):
        registration = pick(self.registrations(*ACTIVE), index)
        self.attempt(services.cancel, registration)

    @rule(
        where=st.integers(0, 1),
        org=st.integers(min_value=0, max_value=1),
        who=st.lists(PICK, min_size=1, max_size=4),
        stranger=st.booleans(),
        together=st.booleans(),
    )
    def book_for_others(self, where, org, who, stranger, together):
        organisation = self.organisations[org]
        members = self.members[organisation.pk]
        people = list(dict.fromkeys(members[i % len(members)] for i in who))
        people += [self.stranger] if stranger else []
        results = self.attempt(
            services.book_for_others,
            self.cohorts[where],
            people,
            actor=self.contacts[organisation.pk],
            organisation=organisation,
            wait_together=together,
        )
        if results is None:
            return
        assert [r.person for r in results] == people
        for result in results:
            if result.outcome == "refused":
                assert result.reason and result.registration is None
            else:
                result.registration.refresh_from_db()
                assert result.registration.status == OUTCOME_STATUS[result.outcome]
        if together:
            waited = {r.outcome == "waitlisted" for r in results if r.registration}
            assert len(waited) <= 1, "a group waiting together was split"

    @rule(
        where=st.integers(0, 1),
        org=st.integers(min_value=0, max_value=1),
        seats=st.integers(1, 3),
    )
    def reserve(self, where, org, seats):
        organisation = self.organisations[org]
        self.attempt(
            services.reserve_seats,
            self.cohorts[where],
            actor=self.contacts[organisation.pk],
            organisation=organisation,
            seats_wanted=seats,
        )

    @precondition(
        lambda self: Reservation.objects.filter(
            cohort__in=self.cohorts, unnamed_seats__gt=0
        ).exists()
    )
    @rule(index=PICK, who=PICK)
    def name(self, index, who):
        reservations = list(
            Reservation.objects.filter(cohort__in=self.cohorts).select_related(
                "organisation", "cohort__programme"
            )
        )
        reservation = pick(reservations, index)
        contact = self.contacts[reservation.organisation_id]
        person = pick(self.members[reservation.organisation_id], who)
        self.attempt(services.name_seat, reservation, person, actor=contact)

    @precondition(lambda self: self.has(*ACTIVE))
    @rule(index=PICK, who=PICK)
    def swap(self, index, who):
        registration = pick(self.registrations(*ACTIVE), index)
        contact = self.contact_for(registration.person)
        if contact:
            person = pick(self.members[registration.person.organisation_id], who)
            self.attempt(services.swap, registration, person, actor=contact)

    @precondition(lambda self: self.has(Status.HELD))
    @rule(index=PICK, approve=st.booleans())
    def decide(self, index, approve):
        registration = pick(self.registrations(Status.HELD), index)
        actor = (
            registration.approver
            or self.contact_for(registration.person)
            or self.organiser
        )
        self.attempt(
            services.decide_approval, registration, approve=approve, actor=actor
        )

    @precondition(lambda self: self.has(Status.OFFERED))
    @rule(index=PICK, accept=st.booleans())
    def answer_offer(self, index, accept):
        registration = pick(self.registrations(Status.OFFERED), index)
        answer = services.accept_offer if accept else services.decline_offer
        self.attempt(answer, registration, actor=registration.person)

    @rule(hours=st.sampled_from([1, 12, 25, 49, 100]))
    def time_passes(self, hours):
        self.clock += dt.timedelta(hours=hours)
        services.expire_due(now=self.clock)

    @rule(where=st.integers(0, 1), capacity=st.integers(min_value=1, max_value=6))
    def change_capacity(self, where, capacity):
        self.attempt(
            services.change_capacity,
            self.cohorts[where],
            capacity,
            actor=self.organiser,
        )

    @precondition(lambda self: self.has(*ACTIVE))
    @rule(index=PICK)
    def move(self, index):
        registration = pick(self.registrations(*ACTIVE), index)
        (target,) = [c for c in self.cohorts if c.pk != registration.cohort_id]
        self.attempt(services.move, registration, target, actor=self.organiser)

    @invariant()
    def seat_invariants_hold(self):
        for cohort in self.cohorts:
            assert_seat_invariants(
                cohort, organisations=self.organisations, limit=self.limit
            )


def assert_seat_invariants(cohort, *, organisations=(), limit=None):
    """Check every seat invariant of a cohort from one snapshot of its rows (also
    used by the PostgreSQL race test)."""
    cohort = Cohort.objects.get(pk=cohort.pk)
    rows = list(
        Registration.objects.filter(cohort=cohort)
        .order_by("created_at", "pk")
        .values(
            "pk",
            "status",
            "person_id",
            "booking_id",
            "booking__wait_together",
        )
    )
    unnamed = sum(
        Reservation.objects.filter(cohort=cohort, released_at__isnull=True).values_list(
            "unnamed_seats", flat=True
        )
    )
    statuses = Counter(row["status"] for row in rows)
    taken = sum(statuses[s] for s in Registration.SEAT_STATUSES) + unnamed

    assert taken <= cohort.capacity, f"{taken} seats taken of {cohort.capacity}"
    seats = availability(cohort)
    assert (seats.taken, seats.waitlisted) == (taken, statuses[Status.WAITLISTED])
    _check_no_freed_seat_is_lost(rows, cohort.capacity - taken)
    _check_audit_trails(cohort, rows)
    _check_waitlist_positions(rows)
    _check_one_place_per_person_and_limits(cohort, rows, organisations, limit)


def _check_no_freed_seat_is_lost(rows, free):
    """While a seat is free, no waiting entry fits it: a single waiting would be
    promoted; a group waiting together must be larger than the free seats."""
    if not free:
        return
    entries = Counter()
    for row in rows:
        if row["status"] == Status.WAITLISTED:
            together = row["booking__wait_together"]
            entries[("booking", row["booking_id"]) if together else row["pk"]] += 1
    fitting = {key: size for key, size in entries.items() if size <= free}
    assert not fitting, f"{free} seats free, yet {fitting} wait"


def _check_audit_trails(cohort, rows):
    """Promoted at most once, and every trail replays to the status."""
    trails = {}
    events = RegistrationEvent.objects.filter(registration__cohort=cohort)
    for registration_id, action in events.order_by("pk").values_list(
        "registration_id", "action"
    ):
        trails.setdefault(registration_id, []).append(action)
    for row in rows:
        trail = trails.get(row["pk"], [])
        promotions = [a for a in trail if a in (Action.PROMOTED, Action.OFFERED)]
        assert len(promotions) <= 1, f"promoted twice: {trail}"
        assert row["status"] in replay(trail), f"{row['status']} after {trail}"


def _check_waitlist_positions(rows):
    """1..k without gaps, in arrival order, as the selector numbers them."""
    waiting = [row["pk"] for row in rows if row["status"] == Status.WAITLISTED]
    numbered = with_waitlist_position(
        Registration.objects.filter(pk__in=waiting)
    ).in_bulk()
    positions = [numbered[pk].waitlist_position for pk in waiting]
    assert positions == list(range(1, len(waiting) + 1))


def _check_one_place_per_person_and_limits(cohort, rows, organisations, limit):
    per_person = Counter(row["person_id"] for row in rows if row["status"] in ACTIVE)
    assert max(per_person.values(), default=0) <= 1
    if limit is not None:
        for organisation in organisations:
            places = organisation_places(cohort, organisation)
            assert places <= limit, f"{organisation}: {places} places"


FAST = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_the_seat_invariants_hold_whatever_the_services_are_asked():
    run_state_machine_as_test(SeatMachine, settings=FAST)


def test_the_machine_catches_a_seat_freed_without_going_to_the_waitlist(
    monkeypatch,
):
    """The canary: with `fill` switched off the invariants must fail, so the test
    above is able to catch a lost seat."""
    monkeypatch.setattr(services.seats, "fill", lambda cohort, **kwargs: [])

    with pytest.raises(AssertionError):
        run_state_machine_as_test(
            SeatMachine,
            settings=settings(
                FAST, max_examples=100, database=None, phases=[Phase.generate]
            ),
        )
