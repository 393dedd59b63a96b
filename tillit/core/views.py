from django.conf import settings
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.http import require_POST


def accessibility(request):
    return render(request, "core/accessibility.html")


def cookies(request):
    return render(request, "core/cookies.html")


@require_POST
def set_language(request):
    """Django's set_language (the language cookie), and for a signed-in person
    their profile's preferred_language too, so their e-mail follows the choice."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response
