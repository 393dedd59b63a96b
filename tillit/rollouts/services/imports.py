"""Importing managers from the HR system: check first, write on confirmation."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts import services as accounts
from tillit.core.models import (
    ManagerialLevel,
    Organisation,
    Person,
    RoleCategory,
    Unit,
)
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration

from .. import importing
from ..models import Employment, ImportBatch, Placement
from .errors import RolloutError

PERSON_FIELDS = ("first_name", "last_name", "title", "unit_id")
#: A row of the export (and a problem of a row): field -> value.
Row = dict[str, Any]


def preview_import(
    organisation: Organisation, *, actor: Person, filename: str, content: bytes
) -> ImportBatch:
    """Parse and check an export; store what confirming would do. Writes only
    the ImportBatch. Raises importing.ImportFileError for an unreadable file."""
    table = importing.read(filename, content)
    rows = table.rows
    known = {
        e.employee_id: e.department.name if e.department else ""
        for e in Employment.objects.filter(
            organisation=organisation, left_on__isnull=True
        ).select_related("department")
    }
    in_file = {row["employee_id"] for row in rows}
    known = {key: value for key, value in known.items() if key not in in_file}
    good, problems = importing.check(rows, known)
    existing, owners = _existing(organisation), _owners(good)
    problems = _merge(
        problems, _conflicts_in_database(organisation, good, existing, owners)
    )
    bad_lines = {problem["line"] for problem in problems}
    good = [row for row in good if row["line"] not in bad_lines]
    preview = _preview(organisation, good, len(rows))
    preview["linked"] = _linked(organisation, good, existing, owners)
    preview["ignored_columns"] = table.ignored
    return ImportBatch.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        filename=filename[:200],
        rows=good,
        problems=problems,
        preview=preview,
    )


def _merge(problems: list[Row], more: list[Row]) -> list[Row]:
    by_line = {problem["line"]: problem for problem in problems}
    for extra in more:
        if extra["line"] in by_line:
            by_line[extra["line"]]["messages"].extend(extra["messages"])
        else:
            by_line[extra["line"]] = extra
    return [by_line[line] for line in sorted(by_line)]


def _owners(rows: Iterable[Row]) -> dict[str, Person]:
    """e-mail (lower case) -> the Person holding it, for the rows' addresses."""
    emails = {row["email"] for row in rows}
    people = (
        Person.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails)
        .prefetch_related("employments")
    )
    return {person.lower_email: person for person in people}


def _importable(person: Person, organisation: Organisation) -> bool:
    """May an import of `organisation` write to this existing person? Only to
    people of the organisation itself who are neither staff nor employed
    elsewhere: never a superuser, an external mentor or another body's people.
    """
    return (
        person.organisation_id == organisation.pk
        and not person.is_staff
        and not person.is_superuser
        and all(e.organisation_id == organisation.pk for e in person.employments.all())
    )


def _refused(row: Row) -> str:
    # The same words whether or not the address exists elsewhere in Tillit.
    return _(
        "%(email)s cannot be used in this import. An import creates new people "
        "and updates only the people of your organisation; check the address "
        "or ask Tillit's administrator."
    ) % {"email": row["email"]}


def _conflicts_in_database(
    organisation: Organisation,
    rows: list[Row],
    existing: dict[str, Employment] | None = None,
    owners: dict[str, Person] | None = None,
) -> list[Row]:
    """Rows that would write to someone the import may not touch: an address
    held by anyone outside the organisation (the same message whether or not
    it exists), another employee id's address, or an employee id whose person
    is no longer the organisation's."""
    if existing is None:
        existing = _existing(organisation)
    owners = _owners(rows) if owners is None else owners
    problems = []
    for row in rows:
        message = _row_conflict(organisation, row, existing, owners)
        if message:
            problems.append(
                {
                    "line": row["line"],
                    "employee_id": row["employee_id"],
                    "messages": [str(message)],
                }
            )
    return problems


def _row_conflict(
    organisation: Organisation,
    row: Row,
    existing: dict[str, Employment],
    owners: dict[str, Person],
) -> str:
    employment = existing.get(row["employee_id"])
    owner = owners.get(row["email"])
    if employment is not None and not _importable(employment.person, organisation):
        return _refused(row)
    if owner is None or (employment is not None and owner.pk == employment.person_id):
        return ""
    mine = [e for e in owner.employments.all() if e.organisation_id == organisation.pk]
    if mine:
        return _("The e-mail %(email)s already belongs to employee %(id)s.") % {
            "email": row["email"],
            "id": mine[0].employee_id,
        }
    if employment is not None or not _importable(owner, organisation):
        return _refused(row)
    return ""


def _linked(
    organisation: Organisation,
    rows: list[Row],
    existing: dict[str, Employment],
    owners: dict[str, Person],
) -> list[dict[str, str]]:
    """Rows that join an existing account of the organisation (signed up
    before the import) to a new employment; HR sees them before confirming."""
    return [
        {"employee_id": row["employee_id"], "name": str(owners[row["email"]])}
        for row in rows
        if row["employee_id"] not in existing and row["email"] in owners
    ]


def _existing(organisation: Organisation) -> dict[str, Employment]:
    """Employee id -> employment, each with `manager_employee_id`: the employee
    id of the person's own manager in the organisation ("" for none)."""
    employments = (
        Employment.objects.filter(organisation=organisation)
        .with_manager()
        .select_related("person__unit", "department")
    )
    result = {e.employee_id: e for e in employments}
    by_pk = {e.pk: e.employee_id for e in result.values()}
    for employment in result.values():
        employment.manager_employee_id = by_pk.get(employment.manager_id, "")
    return result


def _preview(organisation: Organisation, rows: list[Row], total: int) -> dict[str, Any]:
    existing = _existing(organisation)
    created = updated = unchanged = 0
    for row in rows:
        employment = existing.get(row["employee_id"])
        if employment is None:
            created += 1
        elif _differs(employment, row):
            updated += 1
        else:
            unchanged += 1
    in_file = {row["employee_id"] for row in rows}
    missing = [
        {"employee_id": e.employee_id, "name": str(e.person)}
        for e in existing.values()
        if e.left_on is None and e.employee_id not in in_file
    ]
    return {
        "total": total,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "missing": sorted(missing, key=lambda m: m["employee_id"]),
    }


def _differs(employment: Employment, row: Row) -> bool:
    person = employment.person
    return (
        person.first_name != row["first_name"]
        or person.last_name != row["last_name"]
        or person.email != row["email"]
        or person.title != row["title"]
        or (person.unit.name if person.unit else "") != row["unit"]
        or (employment.department.name if employment.department else "")
        != row["department"]
        or employment.manager_employee_id != row["manager_id"]  # type: ignore[attr-defined]
        or employment.left_on is not None
    )


def batch_is_stale(batch: ImportBatch, now: dt.datetime | None = None) -> bool:
    """A batch can be confirmed once, within a day, and only while no later
    import of the organisation has been confirmed."""
    now = now or timezone.now()
    return (
        batch.status != ImportBatch.Status.PENDING
        or now - batch.created_at > dt.timedelta(days=1)
        or ImportBatch.objects.filter(
            organisation=batch.organisation_id,
            status=ImportBatch.Status.CONFIRMED,
            confirmed_at__gt=batch.created_at,
        ).exists()
    )


@transaction.atomic
def confirm_import(
    batch: ImportBatch,
    *,
    actor: Person,
    mark_missing_left: bool = False,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Write the batch's people, units and employments in one transaction.

    People are matched by employee id (then by e-mail), so a re-import updates
    them. People missing from the file are reported; with `mark_missing_left`
    they are marked as having left (see `mark_left`). Returns the counts.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch_is_stale(batch):
        raise RolloutError(_("This import is out of date. Upload the file again."))
    if batch.problems:
        raise RolloutError(
            _("Correct the rows with problems and upload the file again.")
        )
    today = today or timezone.localdate()
    organisation = batch.organisation
    rows = batch.rows
    existing, by_email = _existing(organisation), _owners(rows)
    if _conflicts_in_database(organisation, rows, existing, by_email):
        # Someone signed up or changed organisation since the check.
        raise RolloutError(
            _("Some people have changed since the check. Upload the file again.")
        )
    units = _units(organisation, rows)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    levels = _levels(rows)
    new_people, new_employments, changed_people, changed_employments = [], [], [], []
    for row in rows:
        unit = units[row["department"], row["unit"]]
        department = units[row["department"], row["department"]]
        employment = existing.get(row["employee_id"])
        if employment is None:
            person = by_email.get(row["email"])
            if person is None:
                person = _new_person(organisation, row, unit, levels)
                new_people.append(person)
            else:
                _update_person(person, organisation, row, unit)
                changed_people.append(person)
            employment = Employment(
                organisation=organisation,
                person=person,
                employee_id=row["employee_id"],
                department=department,
            )
            new_employments.append(employment)
            existing[row["employee_id"]] = employment
            counts["created"] += 1
            continue
        counts["updated" if _differs(employment, row) else "unchanged"] += 1
        if _update_person(employment.person, organisation, row, unit):
            changed_people.append(employment.person)
        employment.department, employment.left_on = department, None
        changed_employments.append(employment)
    Person.objects.bulk_create(new_people, batch_size=500)
    for employment in new_employments:
        employment.person_id = employment.person.pk
    Person.objects.bulk_update(
        changed_people,
        ["first_name", "last_name", "email", "title", "unit", "organisation"],
        batch_size=500,
    )
    Employment.objects.bulk_create(new_employments, batch_size=500)
    Employment.objects.bulk_update(
        changed_employments, ["department", "left_on"], batch_size=500
    )
    _link_managers(organisation, rows, existing)
    # Everyone the import created is invited to Tillit (a link to set a password
    # or to use the organisation's sign-in), in their language, after commit.
    invited = accounts.invite_all(new_people, actor=actor)
    missing = batch.preview.get("missing", [])
    if mark_missing_left and missing:
        for employment in Employment.objects.filter(
            organisation=organisation,
            employee_id__in=[m["employee_id"] for m in missing],
            left_on__isnull=True,
        ):
            mark_left(employment, actor=actor, on=today)
    batch.status = ImportBatch.Status.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.result = {
        **counts,
        "invited": invited,
        "missing": len(missing),
        "marked_left": len(missing) if mark_missing_left else 0,
    }
    batch.save(update_fields=["status", "confirmed_at", "result"])
    return batch.result


def _units(organisation: Organisation, rows: list[Row]) -> dict[tuple[str, str], Unit]:
    """(department name, unit name) -> Unit; departments are top-level units,
    other units sit under their department."""
    result = {}
    for row in rows:
        department_name = row["department"] or row["unit"]
        row["department"] = department_name
        if (department_name, department_name) not in result:
            result[department_name, department_name] = Unit.objects.get_or_create(
                organisation=organisation, parent=None, name=department_name
            )[0]
        key = (department_name, row["unit"])
        if key not in result:
            result[key] = Unit.objects.get_or_create(
                organisation=organisation,
                parent=result[department_name, department_name],
                name=row["unit"],
            )[0]
    return result


def _levels(rows: list[Row]) -> dict[str, tuple[str, str]]:
    """A managerial level and role for new people from where they sit in the
    chain: the top, department heads, managers of managers, the rest."""
    managers = {row["manager_id"] for row in rows if row["manager_id"]}
    by_id = {row["employee_id"]: row for row in rows}
    levels: dict[str, tuple[str, str]] = {}

    for row in rows:
        boss = by_id.get(row["manager_id"])
        if not row["manager_id"]:
            levels[row["employee_id"]] = (
                ManagerialLevel.TOP,
                RoleCategory.CHIEF_EXECUTIVE,
            )
        elif boss is not None and not boss["manager_id"]:
            levels[row["employee_id"]] = (
                ManagerialLevel.SENIOR,
                RoleCategory.DEPARTMENT_HEAD,
            )
        elif row["employee_id"] in managers:
            levels[row["employee_id"]] = (
                ManagerialLevel.MIDDLE,
                RoleCategory.UNIT_MANAGER,
            )
        else:
            levels[row["employee_id"]] = (
                ManagerialLevel.FIRST_LINE,
                RoleCategory.UNIT_MANAGER,
            )
    return levels


def _new_person(
    organisation: Organisation,
    row: Row,
    unit: Unit,
    levels: dict[str, tuple[str, str]],
) -> Person:
    level, role = levels[row["employee_id"]]
    person = Person(
        email=row["email"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        title=row["title"],
        organisation=organisation,
        unit=unit,
        managerial_level=level,
        role_category=role,
    )
    person.set_unusable_password()
    return person


def _update_person(
    person: Person, organisation: Organisation, row: Row, unit: Unit
) -> bool:
    """Copy the row onto the person; True when something changed."""
    values = {
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "title": row["title"],
        "unit_id": unit.pk,
        "organisation_id": organisation.pk,
    }
    changed = any(getattr(person, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(person, name, value)
    return changed


def _link_managers(
    organisation: Organisation, rows: list[Row], existing: dict[str, Employment]
) -> None:
    """Set each person's own manager from the row: the one record of it."""
    people = []
    for row in rows:
        employment = existing[row["employee_id"]]
        manager = existing.get(row["manager_id"]) if row["manager_id"] else None
        if manager is None and row["manager_id"]:
            manager = Employment.objects.filter(
                organisation=organisation, employee_id=row["manager_id"]
            ).first()
        employment.person.manager_id = manager.person_id if manager else None
        people.append(employment.person)
    Person.objects.bulk_update(people, ["manager"], batch_size=500)


@transaction.atomic
def mark_left(
    employment: Employment, *, actor: Person, on: dt.date | None = None
) -> Employment:
    """A manager has left: their registrations in rollout cohorts that have not
    started are cancelled (through the seat lock) and they leave future
    placements; history stays."""
    on = on or timezone.localdate()
    employment = Employment.objects.select_for_update().get(pk=employment.pk)
    employment.left_on = on
    employment.save(update_fields=["left_on"])
    future = Registration.objects.active().filter(
        person=employment.person_id,
        cohort__rollout_cohort__plan__organisation=employment.organisation_id,
        cohort__starts_on__gt=on,
    )
    for registration in future:
        registration_services.cancel(registration, actor=actor)
    placements = Placement.objects.filter(employment=employment).select_related(
        "rollout_cohort"
    )
    for placement in placements:
        cohort = placement.rollout_cohort
        if cohort is None or not cohort.has_started(on):
            placement.delete()
    employment.follow_ups.filter(
        held_on__isnull=True, cohort__starts_on__gt=on
    ).delete()
    return employment
