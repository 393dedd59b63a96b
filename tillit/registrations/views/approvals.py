"""Approving held seats (from the inbox or from the e-mail link) and answering
an offered seat.

The inbox lists `selectors.approvals_for(person)`; a decision is allowed when
`services.can_approve` says so (404 otherwise) and is made by
`services.decide_approval`, which logs who and when. The e-mail link carries a
signed token (tokens.py) valid for the cohort's hold time, so an approver can
answer without signing in; a used, expired or broken link says so plainly.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tillit.core.models import Person

from .. import selectors, services, tokens
from ..forms_employer import ApprovalDecisionForm
from ..models import Registration

Status = Registration.Status
INBOX_TEMPLATE = "registrations/approvals/inbox.html"
LINK_TEMPLATE = "registrations/approvals/link.html"


def _decision_form(registration, data=None):
    return ApprovalDecisionForm(data, prefix=f"approval-{registration.pk}")


def _decided_notice(registration, approve):
    values = {"person": registration.person, "cohort": registration.cohort}
    if approve:
        return _("Approved: %(person)s has a confirmed seat in %(cohort)s.") % values
    return _("Refused: the seat of %(person)s in %(cohort)s was freed.") % values


def _decide(request, registration, form, actor):
    """Run the decision; a message says what happened. True when it was made."""
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or refuse."))
        return False
    try:
        services.decide_approval(
            registration,
            approve=form.approve,
            actor=actor,
            note=form.cleaned_data["note"],
        )
    except services.RegistrationError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, _decided_notice(registration, form.approve))
    return True


# The inbox


def _inbox_context(person):
    rows = [
        {
            "registration": registration,
            "form": _decision_form(registration),
            "heading_id": f"approval-{registration.pk}-heading",
        }
        for registration in selectors.approvals_for(person)
    ]
    return {"rows": rows}


@login_required
def approvals(request):
    return render(request, INBOX_TEMPLATE, _inbox_context(request.user))


@require_POST
@login_required
def approval_decide(request, pk):
    registration = get_object_or_404(
        Registration.objects.select_related(
            "person__organisation", "cohort__programme__organiser"
        ),
        pk=pk,
    )
    if not services.can_approve(request.user, registration):
        raise Http404
    _decide(
        request, registration, _decision_form(registration, request.POST), request.user
    )
    if request.htmx:
        context = _inbox_context(request.user)
        return render(request, f"{INBOX_TEMPLATE}#approval-list", context)
    return redirect("registrations:approvals")


# The e-mail link


def _link_problem(request, problem, status, registration=None):
    context = {"problem": problem, "registration": registration}
    return render(request, LINK_TEMPLATE, context, status=status)


@never_cache
def approval_link(request, token):
    """GET shows the request, POST decides it, as the approver named in the
    token; no sign-in needed. The token is valid for the cohort's hold time."""
    found = tokens.read_approval_token(token, max_age=None)
    if found is None:
        return _link_problem(request, "invalid", 404)
    registration, approver_pk = found
    hold = dt.timedelta(hours=registration.cohort.approval_hold_hours)
    approver = Person.objects.filter(pk=approver_pk, is_active=True).first()
    if approver is None:
        return _link_problem(request, "invalid", 404)
    if registration.status != Status.HELD:
        return _link_problem(request, "answered", 200, registration)
    if (
        tokens.read_approval_token(token, max_age=hold) is None
        or registration.expires_at <= timezone.now()
    ):
        return _link_problem(request, "expired", 410, registration)
    if not services.can_approve(approver, registration):
        return _link_problem(request, "not-allowed", 403, registration)
    form = _decision_form(registration, request.POST or None)
    if request.method == "POST":
        _decide(request, registration, form, approver)
        return redirect("registrations:approval-link", token)
    context = {"registration": registration, "approver": approver, "form": form}
    return render(request, LINK_TEMPLATE, context)


# Offers from the waitlist


def _offered_registration(request, pk):
    """A registration the person may answer an offer for: their own, one they
    booked, or one in an organisation they are an employer contact of."""
    user = request.user
    return get_object_or_404(
        Registration.objects.select_related("cohort__programme", "person"),
        Q(person=user)
        | Q(booked_by=user)
        | Q(person__organisation__in=user.employer_contact_for.all()),
        pk=pk,
    )


def _after_offer(request):
    if request.POST.get("next") == "employer":
        return redirect("registrations:employer-home")
    return redirect("registrations:my-programmes")


@require_POST
@login_required
def offer_accept(request, pk):
    registration = _offered_registration(request, pk)
    try:
        registration = services.accept_offer(registration, actor=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        values = {"cohort": registration.cohort}
        if registration.status == Status.HELD:
            notice = _(
                "You accepted the seat in %(cohort)s. It is held until it is approved."
            )
        else:
            notice = _("You accepted the seat in %(cohort)s. Welcome!")
        messages.success(request, notice % values)
    return _after_offer(request)


@require_POST
@login_required
def offer_decline(request, pk):
    registration = _offered_registration(request, pk)
    try:
        services.decline_offer(registration, actor=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You declined the seat in %(cohort)s. It goes to the next person.")
            % {"cohort": registration.cohort},
        )
    return _after_offer(request)


urlpatterns = [
    path("approvals/", approvals, name="approvals"),
    path("approvals/<int:pk>/decide/", approval_decide, name="approval-decide"),
    path("approvals/link/<str:token>/", approval_link, name="approval-link"),
    path("registrations/<int:pk>/offer/accept/", offer_accept, name="offer-accept"),
    path("registrations/<int:pk>/offer/decline/", offer_decline, name="offer-decline"),
]
