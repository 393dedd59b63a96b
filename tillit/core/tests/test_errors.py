import pytest
from django.utils.module_loading import import_string

from tillit.core.errors import DomainError, http_status

SERVICE_ERROR_ROOTS = [
    "tillit.accounts.services.ApiKeyError",
    "tillit.evaluations.services.EvaluationError",
    "tillit.events.services.EventError",
    "tillit.groups.services.GroupsError",
    "tillit.learning.services.LearningError",
    "tillit.mentoring.services.MentoringError",
    "tillit.networks.services.NetworkError",
    "tillit.notifications.services.NotificationError",
    "tillit.registrations.services.RegistrationError",
    "tillit.rollouts.importing.ImportFileError",
    "tillit.rollouts.services.RolloutError",
]


@pytest.mark.parametrize("path", SERVICE_ERROR_ROOTS)
def test_every_service_error_is_a_domain_error(path):
    assert issubclass(import_string(path), DomainError)


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_no_domain_error_class_carries_an_http_status():
    carrying = [
        cls.__qualname__
        for cls in _all_subclasses(DomainError)
        if "status_code" in vars(cls)
    ]
    assert carrying == []


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("RegistrationError", 400),
        ("MessageRefused", 400),
        ("RegistrationClosed", 409),
        ("CohortFull", 409),
        ("AlreadyRegistered", 409),
        ("CancelRefused", 409),
        ("NotAllowed", 403),
        ("TryAgain", 503),
    ],
)
def test_one_mapping_gives_each_registration_error_its_status(name, status):
    error = import_string(f"tillit.registrations.services.{name}")("No.")
    assert http_status(error) == status


def test_a_person_outside_the_target_group_is_forbidden_with_the_reasons():
    from tillit.registrations.services import NotEligible

    error = NotEligible(["Not a manager.", "Not in the sector."])

    assert http_status(error) == 403
    assert str(error) == "Not a manager. Not in the sector."


def test_a_plain_refusal_of_another_app_is_the_persons_input():
    from tillit.networks.services import NetworkError

    assert http_status(NetworkError("Already a member.")) == 400


@pytest.mark.django_db
def test_a_domain_error_no_view_caught_is_a_page_with_its_status(rf):
    from django.contrib.auth.models import AnonymousUser

    from tillit.core.middleware import DomainErrorMiddleware
    from tillit.registrations.services import CohortFull

    request = rf.get("/cohorts/1/")
    request.user = AnonymousUser()
    middleware = DomainErrorMiddleware(lambda request: None)

    response = middleware.process_exception(request, CohortFull("The cohort is full."))

    assert response.status_code == 409
    assert "The cohort is full." in response.content.decode()


def test_the_api_answers_domain_errors_itself(rf):
    from tillit.core.middleware import DomainErrorMiddleware
    from tillit.registrations.services import CohortFull

    middleware = DomainErrorMiddleware(lambda request: None)

    assert (
        middleware.process_exception(rf.get("/api/v1/x/"), CohortFull("Full")) is None
    )
