"""The JSON error shape for errors that are hard to provoke through a view."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from tillit.api.errors import exception_handler
from tillit.core.tests.factories import PersonFactory
from tillit.registrations.services import CohortFull, RegistrationError, TryAgain


def handle(error):
    with translation.override("en"):
        return exception_handler(error, {})


def test_try_again_gives_503_with_retry_after():
    response = handle(TryAgain("Many people are registering right now."))

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.data == {
        "message": "Many people are registering right now.",
        "code": "try_again",
    }


def test_registration_error_keeps_its_status_code():
    response = handle(CohortFull("The cohort is fully booked."))

    assert response.status_code == 409
    assert response.data["code"] == "cohort_full"


def test_plain_registration_error_is_400():
    response = handle(RegistrationError("No."))

    assert response.status_code == 400
    assert response.data == {"message": "No.", "code": "registration_error"}


def test_django_validation_error_gives_field_errors():
    error = ValidationError({"ends_on": ["The cohort cannot end before it starts."]})

    response = handle(error)

    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["message"] == "Some fields are not valid."
    assert response.data["errors"] == {
        "ends_on": ["The cohort cannot end before it starts."]
    }


def test_validation_error_without_a_field_becomes_the_message():
    response = handle(ValidationError("Unknown fields: colour"))

    assert response.status_code == 400
    assert response.data["message"] == "Unknown fields: colour"
    assert response.data["errors"] == {"non_field_errors": ["Unknown fields: colour"]}


def test_model_wide_errors_are_non_field_errors():
    response = handle(ValidationError({"__all__": ["Registration must close later."]}))

    assert response.data["errors"] == {
        "non_field_errors": ["Registration must close later."]
    }


def test_http404_names_no_model():
    response = handle(Http404("No Cohort matches the given query."))

    assert response.status_code == 404
    assert response.data == {"message": "Not found.", "code": "not_found"}


def test_other_exceptions_are_left_to_django():
    assert handle(ZeroDivisionError()) is None


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/programmes/?organiser=99999999999999999999",
        "/api/v1/cohorts/?programme=99999999999999999999",
        "/api/v1/employer/registrations/?organisation=99999999999999999999",
    ],
)
@pytest.mark.django_db
def test_an_id_too_large_for_the_database_gives_400_with_a_message(api, url):
    api.force_authenticate(PersonFactory())

    response = api.get(url)

    assert response.status_code == 400
    assert response.json()["message"]


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_refused_in_finnish_to_a_finnish_client(api):
    response = api.post(
        "/api/v1/auth/token/",
        "{bad",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fi",
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "Pyynnön sisältö ei ole kelvollista JSONia.",
        "code": "parse_error",
    }
