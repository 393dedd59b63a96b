from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from . import security, timezones
from .errors import DomainError, http_status

#: Languages a browser's Accept-Language may choose by itself. English is one
#: click away but does not replace Swedish just because a browser asks for it.
BROWSER_LANGUAGES = {"fi"}


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Swedish unless the person chose otherwise: the language cookie
    (set by the language menu) first, then a signed-in person's preferred
    language, then a Finnish browser's Accept-Language, then Swedish. A browser
    asking for English does not switch a Swedish public service to English by
    itself. The API, used by programs, follows Accept-Language as HTTP intends."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        translation.activate(self._chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def _chosen_language(self, request):
        supported = dict(settings.LANGUAGES)
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in supported:
            return cookie
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferred = getattr(user, "preferred_language", None)
            if preferred in supported:
                return preferred
        return _browser_language(request) or settings.LANGUAGE_CODE


def _browser_language(request):
    """Finnish when the browser's first supported language is Finnish."""
    header = request.headers.get("Accept-Language", "")
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(header):
        language = code.split("-")[0].lower()
        if language in supported:
            return language if language in BROWSER_LANGUAGES else None
    return None


class TimeZoneMiddleware:
    """Each request runs in the reader's own zone (core.timezones.zone_for_person),
    kept in their session when they sign in so that no request pays a query for
    it: forms read and pages show times in it unless a time names its own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            key = request.session.get(timezones.SESSION_KEY)
        with timezone.override(timezones.zone(key)):
            return self.get_response(request)


#: Downloads that count as exports of personal data (lists, not single files).
EXPORT_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


class SecurityLogMiddleware:
    """Writes to the security log what a signed-in person was refused (403, and
    404, which is how access selectors refuse another's object) and every
    spreadsheet or CSV export they downloaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        if response.status_code in (403, 404):
            security.record(
                security.Kind.ACCESS_REFUSED,
                request=request,
                person=user,
                detail=f"{response.status_code} {request.method} {request.path}",
            )
        elif _is_export(response):
            security.record(
                security.Kind.DATA_EXPORTED,
                request=request,
                person=user,
                detail=f"{request.path} {response.get('Content-Disposition', '')}",
            )
        return response


def _is_export(response):
    disposition = response.get("Content-Disposition", "")
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return disposition.startswith("attachment") and kind in EXPORT_TYPES


class DomainErrorMiddleware:
    """A domain error that no view caught is a refusal, not a server error: the
    page says why, with the status of tillit.core.errors.http_status (the same
    mapping the API uses). Views that can answer beside a field still do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "core/domain_error.html",
            {"message": str(exception)},
            status=http_status(exception),
        )
