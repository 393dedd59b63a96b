"""Pages for everyone: the events page (upcoming and past events with their
material), an event's page with registration, its .ics and material files."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)
from django_htmx.http import HttpResponseClientRedirect

from tillit.core import downloads
from tillit.core.confirm import ask_first, is_confirmed
from tillit.registrations import selectors as registration_selectors
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration

from .. import calendar, selectors, services
from ..models import MaterialFile

DETAIL_SIGNUP = "events/event_detail.html#signup"
LIST_SIGNUP = "events/event_list.html#card-signup"


def event_list(request):
    upcoming = list(selectors.upcoming_events())
    mine = selectors.active_registrations(request.user, upcoming)
    cards = [_card(event, mine.get(event.cohort_id)) for event in upcoming]
    context = {"cards": cards, "past": selectors.past_events()}
    return render(request, "events/event_list.html", context)


def _card(event, registration):
    return {
        "event": event,
        "availability": registration_selectors.availability_of(event.cohort),
        "registration": registration,
        "is_open": event.cohort.registration_is_open(timezone.now()),
    }


def _signup(request, event, **messages_):
    context = registration_selectors.signup_context(
        request.user, event.cohort, **messages_
    )
    context["event"] = event
    return context


def event_detail(request, slug):
    event = selectors.event_for_public(slug)
    signup = _signup(request, event)
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, DETAIL_SIGNUP, signup)
    else:
        context = {
            **signup,
            "talks": event.talks.all(),
            "material_files": event.material_files.all(),
            "is_past": event.ends_at < timezone.now(),
        }
        response = render(request, "events/event_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _answer(request, event, *, error=None, notice=None):
    """The signup block that sent the form (HTMX), else back to the page the
    form was on with a message."""
    from_list = request.POST.get("next") == "list"
    if request.htmx:
        if from_list:
            registration = registration_selectors.active_registration(
                request.user, event.cohort
            )
            card = _card(event, registration)
            card.update(error=error, notice=notice)
            return render(request, LIST_SIGNUP, card)
        return render(
            request, DETAIL_SIGNUP, _signup(request, event, error=error, notice=notice)
        )
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("events:list" if from_list else event)


def _registered_notice(registration):
    if registration.status == Registration.Status.CONFIRMED:
        return _("You are registered and have a seat. A confirmation is on its way.")
    if registration.status == Registration.Status.WAITLISTED:
        return _(
            "The event is fully booked, so you are on the waitlist as number "
            "%(position)s. You will be told by e-mail if a seat becomes free."
        ) % {"position": registration_selectors.waitlist_position(registration)}
    return _("A seat is held for you. You will be told by e-mail.")


@require_POST
def event_register(request, slug):
    event = selectors.event_for_public(slug)
    if not request.user.is_authenticated:
        if request.htmx:
            login = reverse("login")
            return HttpResponseClientRedirect(
                f"{login}?next={event.get_absolute_url()}"
            )
        return redirect_to_login(event.get_absolute_url())
    try:
        registration = services.register(request.user, event)
    except registration_services.RegistrationError as error:
        return _answer(request, event, error=str(error))
    return _answer(request, event, notice=_registered_notice(registration))


@require_http_methods(["GET", "POST"])
def event_cancel(request, slug):
    """Cancel one's place at an event, after the confirmation page."""
    event = selectors.event_for_public(slug)
    if not request.user.is_authenticated:
        raise Http404
    registration = registration_selectors.active_registration(
        request.user, event.cohort
    )
    if registration is None:
        return _answer(request, event, error=_("You are not registered."))
    if not is_confirmed(request):
        waiting = event.cohort.registrations.waitlisted().count()
        consequences = [_("Your place at %(event)s is cancelled.") % {"event": event}]
        if registration.holds_seat and waiting:
            consequences.append(
                ngettext(
                    "The seat goes to the first of the %(count)s person waiting.",
                    "The seat goes to the first of the %(count)s people waiting.",
                    waiting,
                )
                % {"count": waiting}
            )
        return ask_first(
            request,
            title=_("Cancel your place?"),
            consequences=consequences,
            button=_("Yes, cancel my place"),
            back_url=event.get_absolute_url(),
        )
    try:
        services.cancel(registration)
    except registration_services.RegistrationError as error:
        return _answer(request, event, error=str(error))
    return _answer(request, event, notice=_("Your registration is cancelled."))


@require_GET
def event_ics(request, slug):
    event = selectors.event_for_public(slug)
    response = HttpResponse(calendar.event_calendar(event), content_type=calendar.ICS)
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
def material_file(request, pk):
    """Published material of a published event: public, sent as an attachment
    a browser will not run (core.downloads)."""
    stored = get_object_or_404(
        MaterialFile.objects.select_related("event"), pk=pk, event__is_published=True
    )
    return downloads.attachment(stored)


urlpatterns = [
    path("events/", event_list, name="list"),
    path("events/material/<int:pk>/", material_file, name="material-file"),
    path("events/<slug:slug>/", event_detail, name="detail"),
    path("events/<slug:slug>/register/", event_register, name="register"),
    path("events/<slug:slug>/cancel/", event_cancel, name="cancel"),
    path("events/<slug:slug>/calendar.ics", event_ics, name="ics"),
]
