"""A participant registers, cancels and asks for an exception to the target group.

The signup block of the cohort page (`programmes/cohort_detail.html#signup`) is
rendered from `selectors.signup_context()`, here and on the cohort page, so both answer
with the same words.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from tillit.core.confirm import ask_first, is_confirmed
from tillit.programmes.models import Cohort, Programme
from tillit.programmes.selectors import eligibility

from .. import selectors, services
from ..forms import ExceptionRequestForm
from ..models import Registration

SIGNUP_TEMPLATE = "programmes/cohort_detail.html#signup"


def _answer(request, cohort, *, error=None, notice=None):
    """The signup block for HTMX, else the cohort page with a message."""
    if request.htmx:
        context = selectors.signup_context(
            request.user, cohort, error=error, notice=notice
        )
        return render(request, SIGNUP_TEMPLATE, context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(cohort)


def _login_first(request, cohort):
    if request.htmx:
        login = reverse("login")
        return HttpResponseClientRedirect(f"{login}?next={cohort.get_absolute_url()}")
    return redirect_to_login(cohort.get_absolute_url())


def _registered_notice(registration):
    Status = Registration.Status
    if registration.status == Status.CONFIRMED:
        return _("You are registered and have a seat. A confirmation is on its way.")
    if registration.status == Status.HELD:
        until = formats.date_format(
            timezone.localtime(registration.expires_at), "j F Y H:i"
        )
        return _(
            "A seat is held for you until %(until)s while your approval is asked "
            "for. You will get an e-mail when it is decided."
        ) % {"until": until}
    position = getattr(registration, "waitlist_position", None)
    return _(
        "The cohort is fully booked, so you are on the waitlist as number "
        "%(position)s. You will be told by e-mail if a seat becomes free."
    ) % {"position": position or selectors.waitlist_position(registration)}


@require_POST
def cohort_register(request, pk):
    if not request.user.is_authenticated:
        return _login_first(request, _visible_cohort(request, pk))
    # The service reads the cohort once, with its lock (Cohort.DoesNotExist
    # unless published for the person): no read before it on the rush.
    try:
        registration = services.register(
            request.user, Cohort(pk=pk), published_for=request.user
        )
    except Cohort.DoesNotExist as missing:
        raise Http404 from missing
    except services.RegistrationError as error:
        return _answer(request, _visible_cohort(request, pk), error=str(error))
    return _answer(
        request, registration.cohort, notice=_registered_notice(registration)
    )


def _visible_cohort(request, pk):
    return get_object_or_404(
        Cohort.objects.published(request.user).select_related("programme__organiser"),
        pk=pk,
    )


def _cancel_question(request, registration):
    """The confirmation page for cancelling one's own place: what is lost and
    who gets it, or why the person cannot cancel it themself."""
    cohort = registration.cohort
    waiting = cohort.registrations.waitlisted().count()
    sessions = cohort.sessions.filter(starts_at__gte=timezone.now()).count()
    back = (
        reverse("registrations:my-programmes")
        if request.GET.get("next", request.POST.get("next")) == "my-programmes"
        else cohort.get_absolute_url()
    )
    where = {"programme": cohort.programme.title, "cohort": cohort.name}
    if registration.status == Registration.Status.WAITLISTED:
        title = _("Leave the waitlist?")
        consequences = [
            _("You leave the waitlist of %(programme)s, %(cohort)s.") % where,
            _("You lose your place in the queue; joining again puts you last."),
        ]
        button = _("Yes, leave the waitlist")
    else:
        title = _("Cancel your seat?")
        consequences = [
            _("Your seat in %(programme)s, %(cohort)s, is cancelled.") % where,
            ngettext(
                "You will not take part in the %(count)s session still to come.",
                "You will not take part in the %(count)s sessions still to come.",
                sessions,
            )
            % {"count": sessions},
            ngettext(
                "The seat goes to the first of the %(count)s person waiting.",
                "The seat goes to the first of the %(count)s people waiting.",
                waiting,
            )
            % {"count": waiting}
            if waiting
            else _("The seat becomes free for others to take."),
            _("To take part later, you register again if seats are left."),
        ]
        button = _("Yes, cancel my seat")
    return ask_first(
        request,
        title=title,
        consequences=consequences,
        button=button,
        back_url=back,
        refusal=(
            _("The registration is already cancelled.")
            if not registration.is_active
            else services.own_cancel_refusal(registration, timezone.localdate())
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def registration_cancel(request, pk):
    """Cancel one's own place, after the confirmation page (core.confirm)."""
    registration = get_object_or_404(
        Registration.objects.select_related("cohort__programme__organiser"),
        pk=pk,
        person=request.user,
    )
    if not is_confirmed(request):
        return _cancel_question(request, registration)
    try:
        services.cancel(registration)
    except services.RegistrationError as error:
        return _answer(request, registration.cohort, error=str(error))
    notice = _("Your registration is cancelled.")
    if request.POST.get("next") == "my-programmes":
        messages.success(request, notice)
        return redirect("registrations:my-programmes")
    return _answer(request, registration.cohort, notice=notice)


@login_required
def exception_request(request, slug):
    programme = get_object_or_404(
        Programme.objects.published(request.user).select_related("organiser"), slug=slug
    )
    verdict = eligibility(request.user, programme)
    latest = request.user.exception_requests.filter(programme=programme).first()
    form = ExceptionRequestForm(request.POST or None)
    may_ask = not verdict.is_eligible and (
        latest is None or latest.status == latest.Status.REFUSED
    )
    if request.method == "POST" and may_ask and form.is_valid():
        try:
            services.request_exception(
                request.user, programme, form.cleaned_data["motivation"]
            )
        except services.RegistrationError as error:
            form.add_error("motivation", str(error))
        else:
            messages.success(
                request,
                _("Your request has been sent. The organiser will answer by e-mail."),
            )
            return redirect("registrations:exception-request", slug=programme.slug)
    context = {
        "programme": programme,
        "eligibility": verdict,
        "exception_request": latest,
        "may_ask": may_ask,
        "form": form,
        "cohorts": programme.cohorts.upcoming(),
    }
    return render(request, "registrations/exception_request.html", context)


urlpatterns = [
    path("cohorts/<int:pk>/register/", cohort_register, name="cohort-register"),
    path(
        "registrations/<int:pk>/cancel/",
        registration_cancel,
        name="registration-cancel",
    ),
    path(
        "programmes/<slug:slug>/exception/",
        exception_request,
        name="exception-request",
    ),
]
