"""A person's e-mail and reminder settings, their calendar feed, and the
unsubscribe link in reminder mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import ReminderForm
from .models import OPTIONAL_KINDS, Notification


@login_required
def notification_settings(request):
    person = request.user
    form = ReminderForm(request.POST or None, wanted=services.wanted_kinds(person))
    if request.method == "POST" and form.is_valid():
        services.set_wanted_kinds(person, form.wanted_kinds())
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notifications:settings")
    feed_url = selectors.feed_url(request, services.calendar_feed(person))
    context = {
        "form": form,
        "always_sent": [k for k in Notification.Kind if k not in OPTIONAL_KINDS],
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "recent": selectors.recent_notifications(person),
    }
    return render(request, "notifications/settings.html", context)


@require_POST
@login_required
def renew_feed(request):
    services.renew_calendar_feed(request.user)
    messages.success(
        request,
        _(
            "Your calendar has a new address. Subscribe to it again; the old "
            "address no longer works."
        ),
    )
    return redirect(reverse("notifications:settings") + "#calendar-heading")


@csrf_exempt  # the signed token is the credential; mail clients POST (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        _person_pk, kind = signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
        kind = Notification.Kind(kind)
    except (signing.BadSignature, ValueError, TypeError):
        kind = None
    if kind not in OPTIONAL_KINDS:
        return render(request, "notifications/unsubscribe.html", {"invalid": True})
    if request.method == "POST":
        try:
            services.unsubscribe(token)
        except ObjectDoesNotExist:  # the person has been removed
            return render(request, "notifications/unsubscribe.html", {"invalid": True})
        return render(
            request, "notifications/unsubscribe.html", {"kind": kind, "done": True}
        )
    return render(request, "notifications/unsubscribe.html", {"kind": kind})


app_name = "notifications"
urlpatterns = [
    path("settings/notifications/", notification_settings, name="settings"),
    path("settings/notifications/calendar/renew/", renew_feed, name="renew-feed"),
    path("notifications/unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
