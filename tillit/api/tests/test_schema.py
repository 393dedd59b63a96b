import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/programmes/",
    "/api/v1/programmes/{id}/",
    "/api/v1/cohorts/",
    "/api/v1/cohorts/{id}/",
    "/api/v1/cohorts/{id}/register/",
    "/api/v1/registrations/{id}/cancel/",
    "/api/v1/me/registrations/",
    "/api/v1/organiser/programmes/{id}/cohorts/",
    "/api/v1/organiser/cohorts/{id}/registrations/",
    "/api/v1/employer/cohorts/{id}/bookings/",
    "/api/v1/employer/cohorts/{id}/reservations/",
    "/api/v1/employer/reservations/{id}/name/",
    "/api/v1/employer/registrations/",
    "/api/v1/employer/registrations/{id}/swap/",
    "/api/v1/approvals/",
    "/api/v1/approvals/{id}/",
    "/api/v1/registrations/{id}/accept-offer/",
    "/api/v1/registrations/{id}/decline-offer/",
]


@pytest.fixture
def schema(api):
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)

    assert schema["openapi"].startswith("3.")


def test_schema_documents_every_endpoint(schema):
    assert sorted(schema["paths"]) == sorted(PATHS)


def test_schema_documents_token_authentication(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]

    assert token == {"type": "apiKey", "in": "header", "name": "Authorization"} | {
        k: v for k, v in token.items() if k == "description"
    }
    register = schema["paths"]["/api/v1/cohorts/{id}/register/"]["post"]
    assert {"tokenAuth": []} in register["security"]


def test_schema_documents_the_error_shape_and_statuses(schema):
    register = schema["paths"]["/api/v1/cohorts/{id}/register/"]["post"]

    assert {"201", "400", "401", "403", "404", "409", "503"} <= set(
        register["responses"]
    )
    error = schema["components"]["schemas"]["Error"]
    assert {"message", "code", "errors"} <= set(error["properties"])


def test_docs_page_serves_swagger_ui_from_local_static_files(api, settings):
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
    }

    response = api.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    )
    assert "cdn" not in html.lower()


def test_swagger_ui_assets_are_installed_as_static_files():
    """Needs "drf_spectacular_sidecar" in INSTALLED_APPS."""
    asset = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"

    assert finders.find(asset)


def test_schema_documents_the_employer_booking_outcomes_and_errors(schema):
    booking = schema["paths"]["/api/v1/employer/cohorts/{id}/bookings/"]["post"]

    assert {"200", "400", "401", "403", "404", "409", "503"} <= set(
        booking["responses"]
    )
    outcome = schema["components"]["schemas"]["BookingOutcome"]
    assert {"person", "outcome", "reason", "registration"} <= set(outcome["properties"])
