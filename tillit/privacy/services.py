"""Data protection services: a person's data as a download, erasure (dry run
and real), and the retention rules. What each model holds and how it is
erased comes from the register (tillit.core.personal_data)."""

import dataclasses
import datetime as dt
import json
import posixpath
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, cast

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousFileOperation
from django.db import models, transaction
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from tillit.core import personal_data, security
from tillit.core.errors import DomainError
from tillit.core.models import Person
from tillit.core.personal_data import Declaration
from tillit.notifications.models import Notification
from tillit.notifications.services import notify

from .models import ErasureRequest, RetentionRule, RetentionRun
from .selectors import erasure_deciders


class ErasureError(DomainError):
    pass


#: An uploaded file of the export: (section, row index, field name, the
#: stored file, the row).
ExportedFile = tuple[dict[str, Any], int, str, Any, models.Model]


# ---------------------------------------------------------------- export


def _value(row: models.Model, field: Any) -> Any:
    value = field.value_from_object(row)
    if value is None or value == "":
        return value
    if field.is_relation:
        related = getattr(row, field.name, None)
        return str(related) if related is not None else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float | bool | str | list | dict):
        return value
    return str(value)


def collect(
    person: Person, *, files: list[ExportedFile] | None = None
) -> list[dict[str, Any]]:
    """The person's data, model by model: [{label, title, purpose, retention,
    fields: [(name, verbose)], rows: [{name: value}]}], only models with rows.
    A file field's value is the stored file's name; with `files` (a list),
    each uploaded file is appended to it as (section, row index, field
    name, file, row)."""
    sections = []
    for declaration in personal_data.declarations():
        rows = list(declaration.rows_of(person))
        if not rows:
            continue
        fields = declaration.export_fields()
        section = {
            "label": declaration.label,
            "title": str(declaration.title),
            "purpose": str(declaration.purpose),
            "retention": str(declaration.retention),
            "fields": [(f.name, str(f.verbose_name)) for f in fields],
            "rows": [
                {
                    f.name: (
                        declaration.shown[f.name](row)
                        if f.name in declaration.shown
                        else _value(row, f)
                    )
                    for f in fields
                }
                for row in rows
            ],
        }
        sections.append(section)
        if files is None:
            continue
        for field in fields:
            if not isinstance(field, models.FileField):
                continue
            for index, row in enumerate(rows):
                stored = getattr(row, field.name)
                if stored:
                    files.append((section, index, field.name, stored, row))
    return sections


#: The most bytes of a person's uploaded files one download holds; a file
#: that would go over is listed with a note instead (the data itself is
#: always complete).
EXPORT_FILES_MAX_BYTES = 200 * 1024 * 1024
#: Bytes read at a time from storage into the zip.
CHUNK = 1024 * 1024


def _zip_name(label: str, pk: Any, field: str, name: str) -> str:
    """A safe, unique path under files/ for an uploaded file: no directories
    from the stored name, only letters, digits, dots, dashes, underscores."""
    base = posixpath.basename(name.replace("\\", "/"))
    try:
        safe = get_valid_filename(base)[-100:]
    except SuspiciousFileOperation:
        safe = "file"
    folder = label.replace(".", "-").lower()
    return f"files/{folder}/{pk}-{field}-{safe}"


def _add_files(
    zipped: zipfile.ZipFile, files: list[ExportedFile], *, budget: int
) -> None:
    """Copy each uploaded file into the zip under files/, and replace its
    value in the row with {name, file} or, when it is not there or does not
    fit in `budget` bytes, {name, note}."""
    for section, index, field, stored, row in files:
        # The name it was uploaded with (uploads keep it), else the stored one.
        name = getattr(row, "original_name", "") or posixpath.basename(stored.name)
        entry = {"name": name}
        try:
            size = stored.size
            if size > budget:
                entry["note"] = _(
                    "Not included: with it the download would be larger than "
                    "%(size)s. Ask the organiser for the file."
                ) % {"size": filesizeformat(budget)}
            else:
                path = _zip_name(section["label"], row.pk, field, name)
                with (
                    stored.open("rb") as source,
                    zipped.open(path, "w", force_zip64=True) as target,
                ):
                    shutil.copyfileobj(source, target, CHUNK)
                budget -= size
                entry["file"] = path
        except OSError:
            entry["note"] = _(
                "The file is no longer in storage; ask the organiser if you need it."
            )
        section["rows"][index][field] = entry


def _cell(value: Any) -> tuple[Any, Any, Any]:
    """(text, link, note) of one value for the HTML page."""
    if isinstance(value, dict) and "name" in value:
        return value["name"], value.get("file", ""), value.get("note", "")
    return value, "", ""


def _tables(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sections with each row as [(verbose name, value, link, note)] for the
    HTML page."""
    return [
        {
            **section,
            "table": [
                [(verbose, *_cell(row[name])) for name, verbose in section["fields"]]
                for row in section["rows"]
            ],
        }
        for section in sections
    ]


def export(
    person: Person, *, request: HttpRequest | None = None
) -> tempfile.SpooledTemporaryFile[bytes]:
    """A zip of the person's data (index.html to read, data.json to reuse,
    their uploaded files under files/, linked from both), in a temporary
    file positioned at its start; the download is written to the security
    log."""
    files = []
    sections = collect(person, files=files)
    made_at = timezone.now()
    meta = {"person": person.email, "made_at": made_at.isoformat()}
    # FileResponse closes it when the download is sent.
    archive = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        _add_files(zipped, files, budget=EXPORT_FILES_MAX_BYTES)
        zipped.writestr(
            "data.json",
            json.dumps({**meta, "sections": sections}, ensure_ascii=False, indent=2),
        )
        html = render_to_string(
            "privacy/export.html",
            {"person": person, "sections": _tables(sections), "made_at": made_at},
        )
        zipped.writestr("index.html", html)
    archive.seek(0)
    rows = sum(len(section["rows"]) for section in sections)
    security.record(
        security.Kind.DATA_EXPORTED,
        request=request,
        person=person,
        detail=f"/my-data/ own data: {len(sections)} kinds, {rows} rows, "
        f"{len(files)} files",
    )
    return archive


# ---------------------------------------------------------------- erasure


@dataclasses.dataclass(frozen=True)
class Line:
    """One line of an erasure report: what happens to how many rows, why."""

    label: str
    title: str
    action: str  # "anonymise", "delete", "keep", "archive", "cancel"
    count: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def plan(person: Person) -> list[Line]:
    """The dry run: what an erasure of `person` would do, line by line.
    Writes nothing."""
    lines = []
    for declaration in personal_data.declarations():
        if declaration.on_erase is not None:
            count = declaration.on_erase(person, actor=None, dry_run=True)
            if count:
                lines.append(
                    Line(
                        declaration.label,
                        str(declaration.on_erase_label),
                        "cancel",
                        count,
                        "",
                    )
                )
        archived, acted = declaration.split(person)
        kept = archived.count()
        if kept:
            reason = declaration.keep_reason or _("Kept under the archive law.")
            lines.append(
                Line(
                    declaration.label,
                    str(declaration.title),
                    "archive",
                    kept,
                    str(reason),
                )
            )
        count = acted.count()
        if count:
            reason = declaration.keep_reason if declaration.erasure == "keep" else ""
            lines.append(
                Line(
                    declaration.label,
                    str(declaration.title),
                    str(declaration.erasure),
                    count,
                    str(reason or declaration.retention),
                )
            )
    return lines


def totals(lines: Iterable[Line]) -> dict[str, int]:
    """Rows by action, for the confirmation page's summary."""
    result = {}
    for line in lines:
        result[line.action] = result.get(line.action, 0) + line.count
    return result


@transaction.atomic
def request_erasure(
    person: Person, *, request: HttpRequest | None = None
) -> ErasureRequest:
    """The person asks to be erased; one pending request at a time."""
    if ErasureRequest.objects.filter(
        person=person, status=ErasureRequest.Status.PENDING
    ).exists():
        raise ErasureError(_("You have already asked for erasure."))
    erasure = ErasureRequest.objects.create(
        person=person, organisation_id=person.organisation_id
    )
    security.record(
        security.Kind.ERASURE_REQUESTED,
        request=request,
        person=person,
        detail=f"erasure request {erasure.pk}",
    )
    _tell_deciders(erasure)
    return erasure


def _tell_deciders(erasure: ErasureRequest) -> None:
    """Mail each person who may decide the request, once (the outbox's key),
    in their own language, through the outbox after the commit."""
    for decider in erasure_deciders(erasure):
        notify(
            decider,
            kind=Notification.Kind.ERASURE_REQUESTED,
            key=f"erasure-requested:{erasure.pk}:{decider.pk}",
            template="privacy/email/erasure_requested",
            objects={"erasure": erasure, "requester": erasure.person},
            context={"erasures_path": reverse("privacy:erasures")},
        )


def _locked_pending(erasure: ErasureRequest) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.status != ErasureRequest.Status.PENDING:
        raise ErasureError(_("This request has already been decided."))
    return erasure


@transaction.atomic
def decline(
    erasure: ErasureRequest,
    *,
    actor: Person,
    reason: str,
    request: HttpRequest | None = None,
) -> ErasureRequest:
    erasure = _locked_pending(erasure)
    if not reason.strip():
        raise ErasureError(_("Say why the request is declined."))
    erasure.status = ErasureRequest.Status.DECLINED
    erasure.decided_by, erasure.decided_at = actor, timezone.now()
    erasure.reason = reason.strip()
    erasure.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    security.record(
        security.Kind.ERASURE_DECLINED,
        request=request,
        person=actor,
        detail=f"erasure request {erasure.pk} of person {erasure.person_id}",
    )
    return erasure


@transaction.atomic
def erase(
    erasure: ErasureRequest, *, actor: Person, request: HttpRequest | None = None
) -> list[Line]:
    """Erase the person of a pending request: upcoming seats are cancelled
    through the registration services (the waitlist moves up), then every
    declared model deletes, anonymises or keeps the person's rows, the
    person's own row last. Nothing is deleted that a total counts. Returns
    the lines done, which match plan()'s."""
    erasure = _locked_pending(erasure)
    if erasure.person_id == actor.pk:
        raise ErasureError(_("Someone else must confirm your own erasure."))
    person = (
        get_user_model()._base_manager.select_for_update().get(pk=erasure.person_id)
    )
    # The rows are fixed before the hooks run, so that rows the hooks add
    # (the record of a cancelled place) are not counted as the person's.
    scopes = {d.label: _scope(d, person) for d in personal_data.declarations()}
    lines = []
    for declaration in personal_data.declarations():
        if declaration.on_erase is not None:
            count = declaration.on_erase(person, actor=actor, dry_run=False)
            if count:
                title = str(declaration.on_erase_label)
                lines.append(Line(declaration.label, title, "cancel", count, ""))
    deleted = {}
    # The audit trail would write down again, as "before" values and
    # descriptions of deleted rows, what is being erased; the erasure is
    # recorded in the security log and in the request's report instead.
    with disable_auditlog():
        for declaration in _person_last(personal_data.declarations()):
            lines.extend(_erase_rows(declaration, scopes[declaration.label], deleted))
    for index, line in enumerate(lines):
        if line.action == "delete":
            count = deleted.get(line.label, 0)
            lines[index] = dataclasses.replace(line, count=count)
    lines = [line for line in lines if line.count]
    erasure.status = ErasureRequest.Status.ERASED
    erasure.decided_by, erasure.decided_at = actor, timezone.now()
    erasure.report = [line.as_dict() for line in lines]
    erasure.save(update_fields=["status", "decided_by", "decided_at", "report"])
    security.record(
        security.Kind.PERSON_ERASED,
        request=request,
        person=actor,
        detail=f"erasure request {erasure.pk}: person {person.pk}, "
        + ", ".join(f"{k} {v}" for k, v in totals(lines).items()),
    )
    return lines


def _person_last(declarations: Iterable[Declaration]) -> Iterator[Declaration]:
    user_label = None
    for declaration in declarations:
        if declaration.owners == ("pk",):
            user_label = declaration
            continue
        yield declaration
    if user_label is not None:
        yield user_label


def _scope(declaration: Declaration, person: Person) -> tuple[list[int], list[int]]:
    archived, acted = declaration.split(person)
    return list(archived.values_list("pk", flat=True)), list(
        acted.values_list("pk", flat=True)
    )


def _erase_rows(
    declaration: Declaration,
    scope: tuple[list[int], list[int]],
    deleted: dict[str, int],
) -> list[Line]:
    """Act on the rows of one declaration in `scope` (archived pks, acted
    pks); returns the lines done. Deleted rows are counted in `deleted` by
    model, cascades included, and the delete line takes its count from
    there at the end."""
    manager = cast("type[models.Model]", declaration.model)._base_manager
    archived, acted = (manager.filter(pk__in=pks) for pks in scope)
    title = str(declaration.title)
    lines = []
    kept = archived.count()
    if kept:
        reason = str(declaration.keep_reason or _("Kept under the archive law."))
        lines.append(Line(declaration.label, title, "archive", kept, reason))
    erasure = declaration.erasure
    if erasure == personal_data.Erasure.DELETE:
        _total, per_model = acted.delete()
        for label, count in per_model.items():
            deleted[label] = deleted.get(label, 0) + count
        count = 1  # replaced by deleted[label] at the end
    elif erasure == personal_data.Erasure.ANONYMISE and declaration.clear:
        count = acted.update(**declaration.clear)
    else:
        count = acted.count()
    reason = declaration.keep_reason if erasure == "keep" else ""
    lines.append(
        Line(
            declaration.label,
            title,
            str(erasure),
            count,
            str(reason or declaration.retention),
        )
    )
    return lines


# ---------------------------------------------------------------- retention


@dataclasses.dataclass(frozen=True)
class Due:
    rule: RetentionRule
    count: int


def retention_due(*, now: dt.datetime) -> list[Due]:
    """What each retention rule would dispose of now."""
    kinds = personal_data.retention_kinds()
    result = []
    for rule in RetentionRule.objects.select_related("organisation"):
        kind = kinds.get(rule.kind)
        if kind is None:
            continue
        result.append(Due(rule, kind.due(rule.organisation, rule.cutoff(now)).count()))
    return result


@transaction.atomic
def apply_retention(*, now: dt.datetime, dry_run: bool = False) -> list[Due]:
    """Dispose of what every retention rule says is due (or, with dry_run,
    only count it). Returns [Due]."""
    due = retention_due(now=now)
    if dry_run:
        return due
    kinds = personal_data.retention_kinds()
    removed = {}
    for item in due:
        if not item.count:
            continue
        rule = item.rule
        rows = kinds[rule.kind].due(rule.organisation, rule.cutoff(now))
        kinds[rule.kind].dispose(rows)
        removed[f"{rule.organisation_id}:{rule.kind}"] = item.count
    RetentionRun.objects.create(at=now, removed=removed)
    if removed:
        security.record(
            security.Kind.RETENTION_APPLIED,
            detail=", ".join(f"{k} {v}" for k, v in removed.items()),
        )
    return due


def apply_retention_daily(*, now: dt.datetime) -> list[Due] | None:
    """The worker's periodic job: apply the retention rules once a day."""
    if RetentionRun.objects.filter(at__gt=now - dt.timedelta(days=1)).exists():
        return None
    return apply_retention(now=now)
