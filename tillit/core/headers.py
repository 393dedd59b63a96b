"""Headers every response carries, and the cap on request size (issue 16).

The Content-Security-Policy itself comes from Django's own
ContentSecurityPolicyMiddleware and SECURE_CSP in settings; inline scripts and
style elements carry the request's nonce ({{ csp_nonce }}).
"""

import functools

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

#: Browser features no Tillit page uses, switched off for every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    """Outermost middleware, so it sees every response, static files too.

    - Permissions-Policy on every response.
    - Cache-Control: no-store on every response to a signed-in browser (a
      session cookie) or API client (an Authorization header), and on every
      download (Content-Disposition: attachment): such pages and exports hold
      personal data that no shared or browser cache may keep.
    - No Server header from the application.
    - A request whose Content-Length exceeds REQUEST_MAX_BYTES is refused with
      413 before Django reads the body or handles an upload.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._too_large(request) or self.get_response(request)
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if _personal(request, response):
            patch_cache_control(
                response, no_store=True, no_cache=True, private=True, max_age=0
            )
        if "Server" in response:
            del response["Server"]
        return response

    def _too_large(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.REQUEST_MAX_BYTES:
            return None
        # No middleware has run yet: the language is the cookie's or the
        # browser's.
        language = translation.get_language_from_request(request)
        with translation.override(language):
            megabytes = settings.REQUEST_MAX_BYTES // (1024 * 1024)
            message = _("The request is too large: at most %(size)s MB.") % {
                "size": megabytes
            }
            if request.path.startswith("/api/"):
                response = JsonResponse({"message": message, "code": "too_large"})
                response.status_code = 413
            else:
                response = _too_large_page(request, language, message)
        response["Connection"] = "close"
        return response


def _too_large_page(request, language, message):
    """The refusal as a page, with a way back to the form."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}
    )
    content = render_to_string(
        "core/too_large.html",
        {
            "language": language,
            "message": message,
            "back": referer if referer and same_site else request.path,
        },
    )
    return HttpResponse(content, status=413)


def _personal(request, response):
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or response.get("Content-Disposition", "").startswith("attachment")
    )


def cacheable(max_age, *, shared):
    """Let caches keep a read-only page for `max_age` seconds when it is asked
    for by nobody in particular (no session cookie, no Authorization header;
    SecurityHeadersMiddleware still marks any other answer no-store).

    `shared=True` (public): any cache, a proxy in front of several app
    processes too; only for answers that hold nothing of the visitor, such as
    the API's public catalogue. `shared=False` (private): the visitor's own
    browser only, for HTML pages, which carry the visitor's CSRF token."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            anonymous = (
                settings.SESSION_COOKIE_NAME not in request.COOKIES
                and "HTTP_AUTHORIZATION" not in request.META
            )
            read = request.method in ("GET", "HEAD") and response.status_code == 200
            if read and anonymous:
                directive = {"public": True} if shared else {"private": True}
                patch_cache_control(response, max_age=max_age, **directive)
                # The language cookie chooses the page's language.
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator
