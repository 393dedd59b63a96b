"""The register of personal data (GDPR art. 30, issue 16).

Every model that holds personal data declares here, from its own app's
`personal_data.py` (found by CoreConfig.ready with autodiscover, so core imports
no app above it), how a person's rows are found, exported, erased and kept:

    declare(
        Registration,
        owners=("person",),
        purpose=_("Your place in a cohort and on its waitlist."),
        retention=_("Kept as a record of the organiser; ..."),
        erasure=Erasure.KEEP,
        archived=PUBLIC_ORGANISER("cohort__programme__organiser"),
        keep_reason=_("A public body's record of who took part (archive law)."),
    )

Erasure never deletes the person: the person's own row is anonymised (name,
e-mail, password), so every count and total stays right, and each declared
model then deletes, blanks (`clear`) or keeps its rows. Rows matching
`archived` are records of a public body that the archive law (arkivlagen,
arkivlaki) obliges it to keep: they are kept whatever the erasure says.

Models without personal data but with free text or names are listed with
`declare_free()`, so the completeness test can tell "checked" from "forgotten".

Retention rules (gallringsbeslut) name a kind declared with
`declare_retention()`: which rows of an organisation are due after a number of
days and what disposing of them means.
"""

import dataclasses
from collections.abc import Callable
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Erasure(StrEnum):
    ANONYMISE = "anonymise"  # the row stays; the `clear` fields are overwritten
    DELETE = "delete"  # the row goes
    KEEP = "keep"  # the row stays as it is (it points to the anonymised person)


#: Field names never exported (secrets, hashes) whatever the model.
SECRET_FIELDS = frozenset(
    {"password", "digest", "token_key", "salt", "secret", "session_data", "key"}
)
#: Organisation kinds that are public bodies bound by archive law.
PUBLIC_KINDS = ("agency", "ministry", "municipality", "region", "university")


#: Wordings shared by many declarations.
WHILE_ACCOUNT = _(
    "As long as you use Tillit; erased or anonymised when you ask for erasure."
)
ARCHIVED = _(
    "A public organiser keeps it as an official record under the archive law; "
    "for other organisers it is anonymised when you ask for erasure."
)
AS_RECORD = _(
    "Kept as the organisation's record; on erasure it points to an anonymised person."
)
WHO_DID_IT = _("Who made, sent or decided something: the record names the person.")
ARCHIVE_REASON = _("A public body's official record (archive law).")


def public_organiser(path):
    """Q for rows whose organisation at `path` is a public body."""
    return Q(**{f"{path}__kind__in": PUBLIC_KINDS})


@dataclasses.dataclass(frozen=True)
class Declaration:
    model: type
    owners: tuple  # lookups from the model to the person, e.g. ("person",)
    purpose: str
    retention: str
    erasure: Erasure
    clear: dict = dataclasses.field(default_factory=dict)
    archived: Q | None = None
    keep_reason: str = ""
    # hook(person, *, actor, dry_run) -> number of rows it acts on; runs
    # before the rows are erased (e.g. cancelling upcoming seats).
    on_erase: Callable | None = None
    on_erase_label: str = ""
    exclude: tuple = ()
    # match(person) -> Q, instead of owners, when rows name the person by
    # a value rather than a foreign key (e.g. a sign-in name).
    match: Callable | None = None
    # What a person reads for these rows, when the model's own plural name
    # (a library's, untranslated) would not do.
    name: str = ""
    # {field name: shown(row) -> value}: what the export gives for a field
    # whose stored value a person could not read (e.g. an option's key).
    shown: dict = dataclasses.field(default_factory=dict)

    @property
    def label(self):
        return self.model._meta.label

    @property
    def title(self):
        return self.name or self.model._meta.verbose_name_plural

    def rows_of(self, person):
        """The person's rows; a plain queryset (no distinct), so it may be
        updated or deleted."""
        if self.match is not None:
            match = self.match(person)
        else:
            match = Q()
            for owner in self.owners:
                match |= Q(**{owner: person.pk})
        manager = self.model._base_manager
        if len(self.owners) == 1 or self.match is not None:
            return manager.filter(match)
        return manager.filter(pk__in=manager.filter(match).values("pk"))

    def split(self, person):
        """(rows kept under archive law, rows the erasure acts on)."""
        rows = self.rows_of(person)
        if self.archived is None:
            return rows.none(), rows
        return rows.filter(self.archived), rows.exclude(self.archived)

    def export_fields(self):
        return [
            field
            for field in self.model._meta.concrete_fields
            if field.name not in SECRET_FIELDS and field.name not in self.exclude
        ]


@dataclasses.dataclass(frozen=True)
class RetentionKind:
    code: str
    label: str
    description: str
    # due(organisation, cutoff) -> queryset of what the rule disposes of
    due: Callable
    # dispose(queryset) -> number of rows changed or removed
    dispose: Callable


_register: dict = {}
_free: dict = {}
_retention: dict = {}


def declare(model, **options):
    """Declare that `model` holds personal data (see the module docstring)."""
    options.setdefault("owners", ("person",))
    options["owners"] = tuple(options["owners"])
    _register[model._meta.label] = Declaration(model=model, **options)


def declare_free(*models, reason):
    """Declare that `models` hold no personal data (their names and free text
    describe programmes, organisations or settings, not people)."""
    for model in models:
        _free[model._meta.label] = reason


def declare_retention(code, *, label, description, due, dispose):
    _retention[code] = RetentionKind(code, label, description, due, dispose)


def declarations():
    """Every declaration, in app and model order."""
    return sorted(_register.values(), key=lambda d: d.label)


def declaration_for(model):
    return _register.get(model._meta.label)


def is_declared(model):
    return model._meta.label in _register or model._meta.label in _free


def retention_kinds():
    return dict(sorted(_retention.items()))


def retention_choices():
    """Choices for RetentionRule.kind (callable, so that apps declare them)."""
    return [(kind.code, kind.label) for kind in retention_kinds().values()]
