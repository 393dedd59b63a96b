"""The seat lock and the rules every seat change shares.

Capacity is owned by the cohort row. Every service that hands out or frees a seat
locks that row (`SELECT ... FOR UPDATE`) once, at the start of its transaction,
and counts seats under the lock; nothing keeps a counter. On PostgreSQL the lock
waits at most settings.REGISTRATION_LOCK_TIMEOUT_MS; on SQLite the IMMEDIATE
transaction mode takes the database write lock at BEGIN and waits the
connection's timeout. Either way a person who cannot get the lock in time gets
`TryAgain`, and nothing is written. The mail of a seat change is recorded in the
notifications outbox just after commit, by id, so rendering it does not hold the
cohort lock (the worker sends it); services that are not on the registration
rush record their mail inside their transaction.

A seat is taken when it is confirmed, held for approval, offered from the
waitlist, or reserved without a name (selectors.seats_taken). After every change
`fill()` hands free seats to the waitlist, so a free seat exists only while no
waiting entry fits it.
"""

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Field
from django.utils.translation import gettext as _

from tillit.core.errors import Conflict, DomainError, Forbidden, Unavailable
from tillit.core.models import Organisation, Person
from tillit.programmes.models import Cohort, Programme, TargetRule

from .. import emails
from ..models import Registration, RegistrationEvent
from ..selectors import organisation_places, seats_left

Status = Registration.Status
Action = RegistrationEvent.Action
EndReason = Registration.EndReason


class RegistrationError(DomainError):
    """A reason, readable by the person, why a registration change did not happen."""


class RegistrationClosed(RegistrationError, Conflict):
    pass


class CohortFull(RegistrationError, Conflict):
    pass


class AlreadyRegistered(RegistrationError, Conflict):
    pass


class CancelRefused(RegistrationError, Conflict):
    """The person may not cancel this place themself (the cohort has started)."""


class NotAllowed(RegistrationError, Forbidden):
    pass


class NotEligible(RegistrationError, Forbidden):
    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


class TryAgain(RegistrationError, Unavailable):
    pass


def _is_lock_timeout(error: OperationalError) -> bool:
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate == "55P03" or "database is locked" in str(error)


def seat_service[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """Run a service in one transaction and turn a lock time-out into TryAgain.

    The translation sits outside the atomic block, so a time-out rolls back
    everything the service did before the person sees "try again".
    """
    atomic_func = transaction.atomic(func)

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return atomic_func(*args, **kwargs)
        except OperationalError as error:
            if _is_lock_timeout(error):
                raise TryAgain(
                    _("Many people are registering right now. Please try again.")
                ) from error
            raise
        except IntegrityError as error:
            message = str(error)
            if (
                "registration_one_place_per_person" in message
                or "registrations_registration.cohort_id" in message
            ):
                raise AlreadyRegistered(_("You are already registered.")) from error
            raise

    return wrapper


def lock_cohorts(*cohorts: Cohort, published_for: Person | None = None) -> list[Cohort]:
    """Lock the cohorts' rows in primary-key order and return them fresh, in the
    order given, with their programmes and organisers. Must be called inside a
    transaction, before any seat check.

    `published_for`: only cohorts that this person may see
    (Cohort.objects.published, as Programme.is_published_for reads it from the
    locked row); Cohort.DoesNotExist when one is not, so a caller that has
    only a cohort's id needs no read before the lock.

    On PostgreSQL the wait is bounded by REGISTRATION_LOCK_TIMEOUT_MS, set for
    the transaction by the lock query itself (set_config in its WHERE clause,
    evaluated while the row is read and before it is locked): one round trip.
    Every registration starts here, so the statement is written once per
    connection and number of cohorts (_LockStatement) rather than compiled by
    the ORM each time.
    """
    pks = [cohort.pk for cohort in cohorts]
    statement = _LockStatement.get(len(set(pks)))
    params: list[Any] = sorted(set(pks))
    if connection.vendor == "postgresql":
        params.append(f"{int(settings.REGISTRATION_LOCK_TIMEOUT_MS)}ms")
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    by_pk = {}
    for row in rows:
        cohort = statement.cohort(row)
        if published_for is None or cohort.programme.is_published_for(published_for):
            by_pk[cohort.pk] = cohort
    if len(by_pk) < len(set(pks)):
        raise Cohort.DoesNotExist("No such cohort, or not published for the person.")
    return [by_pk[pk] for pk in pks]


class _LockStatement:
    """The lock query of lock_cohorts for `count` cohorts on this connection:
    the cohorts' rows (FOR UPDATE OF the cohort, where the database has row
    locks) joined with their programmes and organisers, whether the programme
    has target rules, and the organisation of the cohort's rollout (its
    internal_organisation_id); each value read through its field's converters,
    as the ORM would."""

    _cache: dict = {}

    @classmethod
    def get(cls, count: int) -> "_LockStatement":
        key = (connection.alias, connection.vendor, count)
        if key not in cls._cache:
            cls._cache[key] = cls(count)
        return cls._cache[key]

    def __init__(self, count: int) -> None:
        quote = connection.ops.quote_name
        models = [Cohort, Programme, Organisation]
        self.fields = [list(model._meta.concrete_fields) for model in models]
        columns = [
            f"{table}.{quote(_column(field.model._meta, field.name))}"
            for table, fields in zip("cpo", self.fields, strict=True)
            for field in fields
        ]
        cohort, programme, organisation = (model._meta for model in models)
        rollout_model = cohort.get_field("rollout_cohort").related_model
        assert rollout_model is not None
        rollout = rollout_model._meta
        plan_model = rollout.get_field("plan").related_model
        assert plan_model is not None
        plan = plan_model._meta
        rule = TargetRule._meta

        def column(meta: Any, name: str) -> str:
            return quote(_column(meta, name))

        has_rules = (
            f"EXISTS (SELECT 1 FROM {quote(rule.db_table)} r"
            f" WHERE r.{column(rule, 'programme')} = c.{column(cohort, 'programme')})"
        )
        rollout_organisation = (
            f"(SELECT pl.{column(plan, 'organisation')}"
            f" FROM {quote(rollout.db_table)} rc"
            f" JOIN {quote(plan.db_table)} pl"
            f" ON pl.{column(plan, 'id')} = rc.{column(rollout, 'plan')}"
            f" WHERE rc.{column(rollout, 'cohort')} = c.{column(cohort, 'id')})"
        )
        placeholders = ", ".join(["%s"] * count)
        sql = (
            f"SELECT {', '.join(columns)}, {has_rules}, {rollout_organisation}"
            f" FROM {quote(cohort.db_table)} c"
            f" JOIN {quote(programme.db_table)} p"
            f" ON p.{column(programme, 'id')} = c.{column(cohort, 'programme')}"
            f" JOIN {quote(organisation.db_table)} o"
            f" ON o.{column(organisation, 'id')} = p.{column(programme, 'organiser')}"
            f" WHERE c.{column(cohort, 'id')} IN ({placeholders})"
        )
        if connection.vendor == "postgresql":
            sql += " AND set_config('lock_timeout', %s, true) IS NOT NULL"
        sql += f" ORDER BY c.{column(cohort, 'id')}"
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE OF c"
        self.sql = sql
        self.converters = [
            [
                field.get_db_converters(connection)
                + connection.ops.get_db_converters(field.cached_col)
                for field in fields
            ]
            for fields in self.fields
        ]
        self.attnames = [[field.attname for field in fields] for fields in self.fields]

    def _values(self, part: int, row: Sequence[Any]) -> list[Any]:
        values = []
        for field, converters, value in zip(
            self.fields[part], self.converters[part], row, strict=True
        ):
            for convert in converters:
                value = convert(value, field.cached_col, connection)
            values.append(value)
        return values

    def cohort(self, row: Sequence[Any]) -> Cohort:
        sizes = [len(fields) for fields in self.fields]
        cut = [0, sizes[0], sizes[0] + sizes[1], sum(sizes)]
        values = [
            self._values(part, row[cut[part] : cut[part + 1]]) for part in range(3)
        ]
        db = connection.alias
        cohort: Any = Cohort.from_db(db, self.attnames[0], values[0])
        programme = Programme.from_db(db, self.attnames[1], values[1])
        programme.organiser = Organisation.from_db(db, self.attnames[2], values[2])
        cohort.programme = programme
        has_rules, rollout_organisation_id = row[cut[3] :]
        cohort.has_target_rules = bool(has_rules)
        # Read with the lock, so Cohort.internal_organisation_id costs no query.
        cohort.internal_organisation_id = rollout_organisation_id
        return cohort


def _column(meta: Any, name: str) -> str:
    """The column of a model's field, for the statements written in SQL."""
    field = meta.get_field(name)
    assert isinstance(field, Field)  # a column, not a reverse relation
    return str(field.column)


def lock_people(*people: Person) -> None:
    """Lock the people's rows in primary-key order, after their cohorts (the
    order every service keeps: cohorts, then people). Serialises everything
    that gives one person a place, so two requests cannot seat the same person
    in two cohorts of a programme (check_one_cohort_per_programme). On SQLite,
    which has no row locks, the IMMEDIATE transaction already holds the
    database's write lock: nothing to do."""
    if not connection.features.has_select_for_update:
        return
    pks = sorted({person.pk for person in people})
    list(
        get_user_model()
        .objects.select_for_update(of=("self",))
        .filter(pk__in=pks)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def log(
    registration: Registration, action: str, actor: Person | None, note: str = ""
) -> None:
    RegistrationEvent.objects.create(
        registration=registration, action=action, actor=actor, note=note[:300]
    )


def after_commit(send: Callable[[int], object], registration: Registration) -> None:
    """Record the mail `send` makes (an emails.send_* function, a notify())
    once the transaction commits, outside the cohort lock."""
    transaction.on_commit(functools.partial(send, registration.pk))


def is_employer_contact(
    person: Person | None, organisation: Organisation | None
) -> bool:
    return (
        organisation is not None
        and person is not None
        and person.is_authenticated
        and organisation.employer_contacts.filter(pk=person.pk).exists()
    )


def check_open(cohort: Cohort, now: dt.datetime) -> None:
    if not cohort.registration_is_open(now):
        raise RegistrationClosed(_("Registration for this cohort is not open."))


def check_not_registered(cohort: Cohort, person: Person) -> None:
    if cohort.registrations.active().filter(person=person).exists():
        raise AlreadyRegistered(_("%(name)s is already registered.") % {"name": person})


def other_cohort_place(
    cohort: Cohort,
    person: Person,
    *,
    today: dt.date,
    leaving: Registration | None = None,
) -> Registration | None:
    """The person's place in another cohort of the same programme that has not
    ended, or None. `leaving` is a registration about to end (a move). The
    events of an event series are separate days: one may attend several."""
    if cohort.programme.kind == Programme.Kind.EVENT_SERIES:
        return None
    places = (
        Registration.objects.active()
        .filter(
            person=person,
            cohort__programme_id=cohort.programme_id,
            cohort__ends_on__gte=today,
        )
        .exclude(cohort_id=cohort.pk)
        .select_related("cohort")
    )
    if leaving is not None:
        places = places.exclude(pk=leaving.pk)
    return places.first()


@dataclasses.dataclass(frozen=True)
class Places:
    """What register() needs to know about the person and the cohort, read in
    one query under the cohort and person locks (`places`)."""

    registered_here: bool
    in_other_cohort: bool
    waiting: int


def places(cohort: Cohort, person: Person, *, today: dt.date) -> Places:
    """One query: whether the person already holds or waits for a place in
    `cohort`, whether they have one in another cohort of the same programme that
    has not ended (other_cohort_place), and how many wait in `cohort`. The
    caller holds the cohort's and the person's locks. Asked on every
    registration, so written in SQL once rather than compiled by the ORM."""
    params: list[Any] = [cohort.pk, person.pk, cohort.pk, cohort.pk, cohort.pk]
    if cohort.programme.kind == Programme.Kind.EVENT_SERIES:
        sql = _PLACES_SQL.format(other="")
    else:
        sql = _PLACES_SQL.format(other=_PLACES_OTHER_SQL)
        params += [
            person.pk,
            cohort.programme_id,
            connection.ops.adapt_datefield_value(today),
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        registered_here, waiting, in_other_cohort = cursor.fetchone()
    return Places(
        registered_here=(registered_here or 0) > 0,
        in_other_cohort=(in_other_cohort or 0) > 0,
        waiting=waiting or 0,
    )


def _places_sql() -> tuple[str, str]:
    """The statement of places(): the active registrations of the cohort and
    the person's others in the programme, counted three ways."""
    registration, cohort = Registration._meta, Cohort._meta
    column = {
        name: _column(registration, name) for name in ("cohort", "person", "status")
    }
    table = registration.db_table
    counted = (
        f"SELECT"
        f" SUM(CASE WHEN {column['cohort']} = %s AND {column['person']} = %s"
        f" THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {column['cohort']} = %s AND {column['status']} ="
        f" '{Status.WAITLISTED}' THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {column['cohort']} <> %s THEN 1 ELSE 0 END)"
        f" FROM {table}"
        f" WHERE {column['status']} <> '{Status.CANCELLED}'"
        f" AND ({column['cohort']} = %s{{other}})"
    )
    other = (
        f" OR ({column['person']} = %s AND {column['cohort']} IN"
        f" (SELECT {_column(cohort, 'id')} FROM {cohort.db_table}"
        f" WHERE {_column(cohort, 'programme')} = %s"
        f" AND {_column(cohort, 'ends_on')} >= %s))"
    )
    return counted, other


_PLACES_SQL, _PLACES_OTHER_SQL = _places_sql()


def one_cohort_refusal(
    cohort: Cohort,
    person: Person,
    *,
    today: dt.date,
    leaving: Registration | None = None,
    own: bool = False,
) -> str:
    """Why the person cannot have a place in `cohort` as well, or ''. A person
    takes part in one cohort of a programme at a time; a finished cohort does
    not count. `own`: said to the person themself."""
    other = other_cohort_place(cohort, person, today=today, leaving=leaving)
    if other is None:
        return ""
    if own:
        return _(
            "You already have a place in %(cohort)s of this programme. Cancel "
            "it first, or ask the organiser to move you."
        ) % {"cohort": other.cohort.name}
    return _(
        "%(name)s already has a place in %(cohort)s of this programme; a person "
        "takes part in one cohort of a programme at a time."
    ) % {"name": person.get_full_name() or person, "cohort": other.cohort.name}


def check_one_cohort_per_programme(
    cohort: Cohort,
    person: Person,
    *,
    today: dt.date,
    leaving: Registration | None = None,
    own: bool = False,
) -> None:
    reason = one_cohort_refusal(cohort, person, today=today, leaving=leaving, own=own)
    if reason:
        raise AlreadyRegistered(reason)


def internal_refusal(cohort: Cohort, organisation: Organisation | int | None) -> str:
    """Why people of `organisation` (an Organisation or its id) cannot have a
    place in `cohort`, or '': an organisation's internal cohort (its rollout's)
    is for its own people."""
    internal = cohort.internal_organisation_id
    organisation_id = getattr(organisation, "pk", organisation)
    if internal is None or organisation_id == internal:
        return ""
    return _("%(cohort)s is an internal cohort of another organisation.") % {
        "cohort": cohort.name
    }


def check_internal(cohort: Cohort, organisation: Organisation | int | None) -> None:
    reason = internal_refusal(cohort, organisation)
    if reason:
        raise NotAllowed(reason)


def check_organisation_limit(
    cohort: Cohort, organisation: Organisation | None, extra: int = 1
) -> None:
    """Refuse when `extra` more places would take the organisation over the
    cohort's seat limit; waiting places and unnamed reserved seats count."""
    limit = cohort.max_seats_per_organisation
    if limit is None or organisation is None:
        return
    if organisation_places(cohort, organisation) + extra > limit:
        raise RegistrationError(
            _("%(organisation)s has used its %(limit)s places in this cohort.")
            % {"organisation": organisation, "limit": limit}
        )


def give_seat(
    registration: Registration,
    cohort: Cohort,
    *,
    actor: Person | None,
    now: dt.datetime,
    action: str,
    mail: Callable[[int], object] | None = None,
) -> Registration:
    """Confirm the seat (and send `mail`, by default the receipt), or hold it
    for approval when the programme asks for it and nobody entitled to approve
    made the booking (the approver is asked, the person told). Saves the
    registration."""
    approver = _approval_needed(registration, cohort.programme)
    if approver is False:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
        registration.expires_at = None
        registration.save()
        log(registration, action, actor)
        if mail is None:
            emails.receipt_after_commit(registration, cohort)
        else:
            after_commit(mail, registration)
        return registration
    registration.status = Status.HELD
    registration.approver = approver
    registration.expires_at = now + dt.timedelta(hours=cohort.approval_hold_hours)
    registration.save()
    log(registration, Action.HELD, actor)
    after_commit(emails.send_approval_request, registration)
    emails.receipt_after_commit(registration, cohort)
    return registration


def _approval_needed(
    registration: Registration, programme: Programme
) -> Person | Literal[False] | None:
    """False when no approval is needed; else the approver (None: any employer
    contact of the person's organisation)."""
    Approval = Programme.Approval
    if programme.approval == Approval.NONE or registration.approved_at:
        return False
    organisation = registration.person.organisation
    if is_employer_contact(registration.booked_by, organisation):
        return False
    if programme.approval == Approval.MANAGER and registration.person.manager_id:
        if registration.booked_by_id == registration.person.manager_id:
            return False
        return registration.person.manager
    return None


def end(
    registration: Registration,
    reason: str,
    *,
    actor: Person | None,
    now: dt.datetime,
    action: str,
) -> None:
    registration.status = Status.CANCELLED
    registration.end_reason = reason
    registration.cancelled_at = now
    registration.expires_at = None
    registration.save(
        update_fields=["status", "end_reason", "cancelled_at", "expires_at"]
    )
    log(registration, action, actor)


def _waiting_entries(cohort: Cohort) -> list[list[Registration]]:
    """The waitlist as entries in arrival order: a booking that waits together is
    one entry at its first member's place, everyone else an entry of one."""
    entries: list[list[Registration]] = []
    together: dict[int, list[Registration]] = {}
    for registration in cohort.registrations.waitlisted().select_related(
        "booking", "person__organisation", "person__manager"
    ):
        booking = registration.booking
        if booking is not None and booking.wait_together:
            if booking.pk not in together:
                together[booking.pk] = []
                entries.append(together[booking.pk])
            together[booking.pk].append(registration)
        else:
            entries.append([registration])
    return entries


def fill(
    cohort: Cohort, *, actor: Person | None, now: dt.datetime
) -> list[Registration]:
    """Hand the cohort's free seats to the waitlist. Caller holds the cohort lock.

    Entries go in arrival order; an entry that does not fit in the seats left is
    passed over (it keeps its place), so a group never blocks single people
    behind it. Depending on the cohort's rule a seat is given at once or offered
    for `offer_hours`. Returns the registrations that moved.
    """
    free = seats_left(cohort)
    moved: list[Registration] = []
    for entry in _waiting_entries(cohort) if free else []:
        if len(entry) > free:
            continue
        for registration in entry:
            _promote(registration, cohort, actor=actor, now=now)
        moved.extend(entry)
        free -= len(entry)
        if free == 0:
            break
    return moved


def _promote(
    registration: Registration,
    cohort: Cohort,
    *,
    actor: Person | None,
    now: dt.datetime,
) -> None:
    if cohort.waitlist_rule == Cohort.WaitlistRule.OFFER:
        registration.status = Status.OFFERED
        registration.expires_at = now + dt.timedelta(hours=cohort.offer_hours)
        registration.save(update_fields=["status", "expires_at"])
        log(registration, Action.OFFERED, actor)
        after_commit(emails.send_offer, registration)
        return
    give_seat(
        registration,
        cohort,
        actor=actor,
        now=now,
        action=Action.PROMOTED,
        mail=emails.send_promotion,
    )
