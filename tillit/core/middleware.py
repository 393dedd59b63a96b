from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings
from django.core.cache import cache
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from . import faults, security, spreadsheets, timezones
from .errors import DomainError, http_status

#: Languages a browser's Accept-Language may choose by itself. English is one
#: click away but does not replace Swedish just because a browser asks for it.
BROWSER_LANGUAGES = {"fi"}


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Swedish unless the person chose otherwise: the language cookie
    (set by the language menu) first, then a signed-in person's preferred
    language, then a Finnish browser's Accept-Language, then Swedish. A browser
    asking for English does not switch a Swedish public service to English by
    itself. The API, used by programs, follows `?lang=fi`, else Accept-Language as
    HTTP intends; its texts (titles, descriptions) come in that language with the
    content fallback (tillit.core.content_languages)."""

    def process_request(self, request):
        if request.path.startswith("/api/"):
            asked = request.GET.get("lang", "").split("-")[0].lower()
            if asked in dict(settings.LANGUAGES):
                translation.activate(asked)
                request.LANGUAGE_CODE = asked
                return None
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
EXPORT_TYPES = spreadsheets.TYPES


class SecurityLogMiddleware:
    """Writes to the security log what a signed-in person was refused and what
    personal data they exported.

    Refused: every 403, and a 404 raised by a view of a gated area (organiser,
    employer, HR rollouts, exports, the admin), which is how the access
    selectors refuse another's object. A 404 of an address that matches no URL
    is a typo, not a refusal, and is not logged; nor are 404s of public pages.

    Refused through the API: every 401, 403 and 429 the API answers, and its
    404s as above, marked by tillit.api.errors with the reason and the API
    key's identity (an API key is read by the API view, after this
    middleware's request phase); without a signed-in person too. A request
    that succeeds writes nothing here.

    Exported: CSV and spreadsheet attachments, and any response a view marked
    with security.mark_export (participant lists as PDF, personal API lists).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marked = getattr(response, "refusal", None)
        person = getattr(response, "exported_by", None) or getattr(
            request, "user", None
        )
        signed_in = person is not None and person.is_authenticated
        if marked is not None and (
            marked["always"] or (signed_in and _is_refusal(request, response))
        ):
            _record_refusal(request, response, marked, person if signed_in else None)
            return response
        if not signed_in:
            return response
        if _is_refusal(request, response):
            security.record(
                security.Kind.ACCESS_REFUSED,
                request=request,
                person=person,
                detail=f"{response.status_code} {request.method} {request.path}",
            )
        elif response.status_code == 200 and _is_export(response):
            what = getattr(response, "personal_data_export", "")
            disposition = response.get("Content-Disposition", "")
            security.record(
                security.Kind.DATA_EXPORTED,
                request=request,
                person=person,
                detail=" ".join(filter(None, [request.path, what, disposition])),
            )
        return response


def _record_refusal(request, response, marked, person):
    """A refusal a view or the API marked (security.mark_refusal): who (the
    key's owner, else the signed-in person), which key, and why. A refusal of
    nobody known is written at most once a window per address, status and
    reason (see _unwritten_repeats)."""
    owner = marked["person"] or person
    detail = " ".join(
        [str(response.status_code), request.method, request.path, marked["reason"]]
    )
    if marked["key"]:
        detail += f" ({marked['key']})"
    if owner is None:
        repeats = _unwritten_repeats(request, response.status_code, marked["reason"])
        if repeats is None:
            return
        if repeats:
            detail += f" (+{repeats} like it from this address not written)"
    security.record(
        security.Kind.ACCESS_REFUSED, request=request, person=owner, detail=detail
    )


#: Seconds in which only the first of a flood of refusals of nobody known
#: (no signed-in person, no key's owner) from one address is written.
ANONYMOUS_REFUSAL_WINDOW = 60


def _unwritten_repeats(request, status, reason):
    """None when this refusal is one of a flood already written in this window
    (it is counted instead); otherwise how many like it were counted and not
    written since the last one was, so no flood can grow the log without
    bound and none goes unseen."""
    first = f"security-refusal:{security.client_address(request)}:{status}:{reason}"
    counted = first + ":unwritten"
    if not cache.add(first, 1, timeout=ANONYMOUS_REFUSAL_WINDOW):
        try:
            cache.incr(counted)
        except ValueError:
            cache.set(counted, 1, timeout=None)
        return None
    repeats = cache.get(counted, 0)
    if repeats:
        cache.delete(counted)
    return repeats


#: URL names (or parts of them) and namespaces whose 404 means "not yours".
GATED_NAMES = ("organiser", "employer", "export", "pdf", "xlsx", "approval")
GATED_NAMESPACES = {"rollouts", "admin"}


def _is_refusal(request, response):
    if response.status_code == 403:
        return True
    match = getattr(request, "resolver_match", None)
    if response.status_code != 404 or match is None:
        return False
    name = match.url_name or ""
    return bool(GATED_NAMESPACES & set(match.namespaces)) or any(
        word in name for word in GATED_NAMES
    )


def _is_export(response):
    if getattr(response, "personal_data_export", None):
        return True
    disposition = response.get("Content-Disposition", "")
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return disposition.startswith("attachment") and kind in EXPORT_TYPES


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware with the client's address as the security
    log has it (security.client_address: X-Forwarded-For only behind
    TRUSTED_PROXY_COUNT proxies). auditlog's own takes the header's first
    entry, which any client writes, so a change could be put on someone
    else's address."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return security.client_address(request)

    @staticmethod
    def _get_remote_port(request):
        if not settings.TRUSTED_PROXY_COUNT:
            return None
        return _AuditlogMiddleware._get_remote_port(request)


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


class TryAgainMiddleware:
    """Turn a busy or restarting database (tillit.core.faults.is_retryable)
    into 503 Service Unavailable with Retry-After: a page "try again in a
    moment" in the site's look, or JSON {"detail", "message", "code":
    "try_again"} under /api/. The service's transaction has rolled back, so
    nothing was written half. Other errors pass on untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not faults.is_retryable(exception):
            return None
        faults.logger.warning(
            "Database busy or away during %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        return try_again_response(request)


def try_again_response(request):
    from django.http import HttpResponse, JsonResponse
    from django.shortcuts import render
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    message = _(
        "The service is busy right now. Nothing was saved; try again in a moment."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "message": message, "code": "try_again"}, status=503
        )
    else:
        try:
            response = render(
                request, "core/try_again.html", {"message": message}, status=503
            )
        except Exception:  # the page's own reads failed too: a plain page
            title = _("Try again in a moment")
            response = HttpResponse(
                format_html(
                    '<!doctype html><html lang="{}"><meta charset="utf-8">'
                    '<meta name="viewport" content="width=device-width">'
                    "<title>{}</title><h1>{}</h1><p>{}</p></html>",
                    translation.get_language() or "sv",
                    title,
                    title,
                    message,
                ),
                status=503,
            )
    response["Retry-After"] = str(faults.RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
