"""Every API error as one JSON shape, with the status a client can act on.

    {"message": "...", "code": "...", "errors": {"field": ["..."]}}

`message` is for people and comes in the request's language; `code` is for
programs and never changes; `errors` appears for invalid input, and `reasons` when
someone is outside a programme's target group. Domain errors from the services
(every DomainError, with its status from tillit.core.errors.http_status, and
Django's ValidationError) are mapped here, so views only call services and let
errors rise.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from tillit.accounts.authentication import key_identity
from tillit.core import security
from tillit.core.errors import DomainError, Unavailable, http_status
from tillit.registrations.services import (
    AlreadyRegistered,
    CohortFull,
    NotAllowed,
    NotEligible,
    RegistrationClosed,
    RegistrationError,
    TryAgain,
)

# Seconds a client should wait before repeating a request that met a busy lock.
RETRY_AFTER_SECONDS = 2

REGISTRATION_ERROR_CODES = [
    (RegistrationClosed, "registration_closed"),
    (CohortFull, "cohort_full"),
    (AlreadyRegistered, "already_registered"),
    (NotEligible, "not_eligible"),
    (NotAllowed, "not_allowed"),
    (TryAgain, "try_again"),
    (RegistrationError, "registration_error"),
]


class DomainProblem(exceptions.APIException):
    """A DomainError carried through DRF with its status and code."""

    def __init__(self, error):
        self.status_code = http_status(error)
        self.reasons = getattr(error, "reasons", None)
        self.retry_after = (
            RETRY_AFTER_SECONDS if isinstance(error, Unavailable) else None
        )
        code = next(
            (c for kind, c in REGISTRATION_ERROR_CODES if isinstance(error, kind)),
            error.code,
        )
        super().__init__(detail=str(error), code=code)


def _as_api_exception(exc):
    if isinstance(exc, DomainError):
        return DomainProblem(exc)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(_field_errors(exc))
    if isinstance(exc, (OverflowError, DataError)):
        # A number or text the database cannot hold that no serializer caught:
        # the client's input, so a 400, not a server error.
        return exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("A value is out of range.")]}
        )
    if isinstance(exc, Http404):
        # The default message names the model ("No Cohort matches..."), in English.
        return exceptions.NotFound()
    if isinstance(exc, exceptions.ParseError):
        # DRF's message quotes the JSON parser's English ("JSON parse error -
        # Expecting value: ..."), untranslated.
        return exceptions.ParseError(_("The request body is not valid JSON."))
    return exc


def _field_errors(error):
    detail = serializers.as_serializer_error(error)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return detail


def _code(exc):
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    """DRF's handler, fed domain errors and giving our JSON shape back."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _invalid_body(response.data)
    else:
        response.data = {"message": str(exc.detail), "code": _code(exc)}
    if getattr(exc, "reasons", None):
        response.data["reasons"] = exc.reasons
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    _mark_refusal(exc, response, context)
    return response


#: Statuses that are refusals; a 404 is one only in a gated area.
REFUSALS = {401, 403, 404, 429}


def _mark_refusal(exc, response, context):
    """Hand a refusal to the security log (tillit.core.middleware
    .SecurityLogMiddleware) with its reason and the API key's identity: a
    key refused by ApiTokenAuthentication says itself which key and why;
    otherwise the key the request was signed with, never its secret."""
    if response.status_code not in REFUSALS:
        return
    request = context.get("request")
    # What authentication already found; reading request.auth would
    # authenticate again.
    found = vars(request) if request is not None else {}
    token = found.get("_auth")
    key = getattr(exc, "key", "")
    if not key and hasattr(token, "token_key"):
        key = key_identity(token)
    person = getattr(exc, "person", None) or getattr(token, "user", None)
    security.mark_refusal(
        response,
        getattr(exc, "reason", None) or _code(exc),
        key=key,
        person=person,
        always=response.status_code != 404,
    )


def _invalid_body(errors):
    if not isinstance(errors, dict):
        errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
    general = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
    message = str(general[0]) if general else _("Some fields are not valid.")
    return {"message": message, "code": "invalid", "errors": errors}


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (for the schema)."""

    message = serializers.CharField(
        help_text="Human-readable, in the request's language."
    )
    code = serializers.CharField(help_text="Stable machine-readable code.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field, for invalid input (400).",
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Why the person is outside the target group (403 not_eligible).",
    )
