"""Reads of the privacy pages, and who may decide an erasure."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify

from tillit.core import personal_data
from tillit.core.content_languages import as_read
from tillit.core.models import Organisation, Person

from .models import ErasureRequest, PrivacyContact


def notice_slug(organisation: Organisation) -> str:
    """The notice's slug: the pk, then the name for people to read."""
    return f"{organisation.pk}-{slugify(organisation.short_name or organisation.name)}"


def controllers() -> QuerySet[Organisation]:
    """Every organisation (each is the controller of its own data)."""
    return Organisation.objects.order_by(as_read("name"), "pk")


def controller_for_slug(slug: str) -> Organisation:
    head = slug.split("-", 1)[0]
    if not head.isdigit():
        raise Http404
    return get_object_or_404(Organisation, pk=int(head))


def notice(organisation: Organisation) -> dict[str, Any]:
    """What the privacy notice of `organisation` says."""
    return {
        "organisation": organisation,
        "declarations": register_rows(),
        "rules": list(organisation.retention_rules.order_by("kind")),
        "contacts": list(
            organisation.privacy_contacts.select_related("person").order_by("pk")
        ),
    }


def register_rows() -> list[dict[str, Any]]:
    """The register for people to read: one row per purpose and period, with
    the kinds of data that share them."""
    rows: dict[tuple[str, str], list[str]] = {}
    for declaration in personal_data.declarations():
        key = (str(declaration.purpose), str(declaration.retention))
        rows.setdefault(key, []).append(str(declaration.title))
    return [
        {"titles": sorted(set(titles)), "purpose": purpose, "retention": retention}
        for (purpose, retention), titles in rows.items()
    ]


def is_privacy_contact(person: Person) -> bool:
    return (
        person.is_authenticated
        and PrivacyContact.objects.filter(person=person).exists()
    )


def may_decide_erasures(person: Person) -> bool:
    return person.is_authenticated and (
        person.is_superuser or is_privacy_contact(person)
    )


def erasures_for(person: Person) -> QuerySet[ErasureRequest]:
    """The erasure requests `person` may decide: all (platform staff) or those
    of the organisations whose privacy contact they are."""
    requests = ErasureRequest.objects.select_related(
        "person", "organisation", "decided_by"
    )
    if person.is_superuser:
        return requests
    organisations = PrivacyContact.objects.filter(person=person).values("organisation")
    return requests.filter(Q(organisation__in=organisations)).exclude(person=person)


def erasure_deciders(erasure: ErasureRequest) -> QuerySet[Person]:
    """Who is told of a new erasure request: the privacy contacts of the
    person's organisation, else (no organisation, or no contact but the
    person themselves) platform staff; never the person who asked."""
    people = (
        get_user_model().objects.filter(is_active=True).exclude(pk=erasure.person_id)
    )
    if erasure.organisation_id is not None:
        contacts = people.filter(
            privacy_contact_for__organisation_id=erasure.organisation_id
        ).distinct()
        if contacts.exists():
            return contacts.order_by("pk")
    return people.filter(is_superuser=True).order_by("pk")


def erasure_for_decider(person: Person, pk: int) -> ErasureRequest:
    """An erasure request `person` may decide, or Http404."""
    if not may_decide_erasures(person):
        raise Http404
    return get_object_or_404(erasures_for(person), pk=pk)


def pending_erasure(person: Person) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        person=person, status=ErasureRequest.Status.PENDING
    ).first()
