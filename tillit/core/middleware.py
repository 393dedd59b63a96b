from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages speak Swedish unless the person chose otherwise: the language cookie
    (set by the language menu) first, then a signed-in person's preferred
    language, then Swedish. A browser's Accept-Language does not switch a Swedish
    public service to English by itself. The API, used by programs, follows
    Accept-Language as HTTP intends."""

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
        preferred = getattr(user, "preferred_language", None)
        if preferred in supported:
            return preferred
        return settings.LANGUAGE_CODE
