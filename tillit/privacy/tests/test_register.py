"""The register of personal data is complete: every model that holds
personal data (a link to a person, an e-mail or address field, names, free
text) declares how it is exported, erased and kept."""

from django.apps import apps
from django.conf import settings
from django.db import models

from tillit.core import personal_data

NAME_FIELDS = {"first_name", "last_name", "participant_name", "username", "email"}


PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField, models.TextField)


def _links_a_person(field):
    related = getattr(field, "related_model", None)
    return related is not None and related._meta.label == settings.AUTH_USER_MODEL


def _personal_fields(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if _links_a_person(field)
        or isinstance(field, PERSONAL_TYPES)
        or field.name in NAME_FIELDS
    ]


def test_every_model_with_personal_data_is_in_the_register():
    missing = [
        f"{model._meta.label} {_personal_fields(model)}"
        for model in apps.get_models()
        if _personal_fields(model) and not personal_data.is_declared(model)
    ]

    assert not missing, f"declare these in the app's personal_data.py: {missing}"


def test_the_register_includes_third_party_tables_with_personal_data():
    labels = {declaration.label for declaration in personal_data.declarations()}

    assert {
        "account.EmailAddress",
        "axes.AccessAttempt",
        "accounts.ApiToken",
        "core.SecurityEvent",
        "notifications.Notification",
    } <= labels


def test_every_declaration_finds_the_person_by_a_lookup_that_works(db):
    from tillit.core.tests.factories import PersonFactory

    person = PersonFactory()

    for declaration in personal_data.declarations():
        declaration.rows_of(person).count()  # raises on a wrong lookup


def test_no_declaration_exports_a_secret():
    for declaration in personal_data.declarations():
        names = {field.name for field in declaration.export_fields()}
        assert not names & personal_data.SECRET_FIELDS, declaration.label
