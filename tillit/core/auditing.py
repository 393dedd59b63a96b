"""The audit trail of changes, kept by django-auditlog.

Each app registers its own models in its `audit.py`, imported from its
AppConfig.ready(), through the two functions here:

- `track(Model, scope=..., **options)` records every create, update and delete
  of the model with who (the signed-in person, set by auditlog's middleware),
  when, and each changed field's value before and after. `scope` returns the
  programme and cohort a row belongs to; it is stored with the entry so that an
  organiser's programme trail finds it, even after the row is deleted.
- `exclude(Model, reason)` says on purpose that a model is not tracked, and why.
- `acting(actor)` names who acts, in a request or outside one (a service
  called from a command, a task or a test), so a deletion, which leaves no
  row to say who did it, still has its actor in the trail.

A test fails for any model of a Tillit app that is in neither list.
"""

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from auditlog.registry import auditlog
from django.db.models.signals import pre_save

#: Model → the written reason it is not tracked.
EXCLUDED: dict[type, str] = {}

#: Fields never written to the trail, whatever the model: secrets.
SECRET_FIELDS = ("password", "token", "token_key", "digest", "oidc_client_secret")


def track(
    model,
    *,
    scope: Callable[[Any], tuple[int | None, int | None]] | None = None,
    exclude_fields: tuple[str, ...] = (),
    m2m_fields: tuple[str, ...] = (),
):
    """Record every change of `model`. `scope(instance)` returns
    (programme id, cohort id) for the organiser's trail; it runs on each save,
    so it must read only what the row holds or has already loaded."""
    fields = model._meta.get_fields()
    hidden = [field.name for field in fields if field.name in SECRET_FIELDS]
    # Other models' keys to this one are their rows' changes, not this row's.
    reverse = [
        field.name for field in fields if field.auto_created and not field.concrete
    ]
    auditlog.register(
        model,
        exclude_fields=[*exclude_fields, *hidden, *reverse],
        m2m_fields=set(m2m_fields),
    )
    if scope is not None:
        model.get_additional_data = _scope_writer(scope)


def exclude(model, reason: str):
    """Keep `model` out of the trail; `reason` says why (anonymity, a log of its
    own, a secret, noise)."""
    if not reason.strip():
        raise ValueError("An excluded model needs a reason.")
    EXCLUDED[model] = reason


def is_tracked(model) -> bool:
    return auditlog.contains(model)


def _scope_writer(scope):
    def get_additional_data(instance):
        programme, cohort = scope(instance)
        return {"programme": programme, "cohort": cohort}

    return get_additional_data


#: Who acting() names, in this thread or task only.
_acting: ContextVar[Any] = ContextVar("tillit_auditing_acting", default=None)


def _name_actor(sender: Any, instance: Any, **kwargs: Any) -> None:
    actor = _acting.get()
    if actor is not None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None)


@contextlib.contextmanager
def acting(actor: Any) -> Iterator[None]:
    """Record the changes made inside as `actor`'s, in a request (where the
    service's actor is normally the signed-in person anyway) or outside one
    (a command, a task, a test). Other threads and the rest of the request
    keep their own actor."""
    from auditlog.models import LogEntry

    pre_save.connect(_name_actor, sender=LogEntry, dispatch_uid=__name__ + ".acting")
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)
