"""The organiser's self-service pages (issue 14): edit a programme, copy a
cohort, cancel a session, delete drafts (cancelling a whole cohort releases
its seats: tillit.registrations.views.organiser_programmes). Objects are found through
the organiser gate (selectors.*_for_organiser), so others get 404. Every
destructive action shows its consequence with counts and asks first."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.core import timezones

from .. import selectors, self_service
from ..forms_self_service import (
    CopyCohortForm,
    CopyProgrammeForm,
    ProgrammeForm,
    TargetRuleFormSet,
    rule_initial,
)
from ..models import Session


def _errors_of(error):
    return error.messages if hasattr(error, "messages") else [str(error)]


@login_required
def programme_edit(request, pk):
    programme = selectors.programme_for_organiser(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = ProgrammeForm(
        data, instance=selectors.programme_for_organiser(request.user, pk)
    )
    rules = TargetRuleFormSet(data, initial=rule_initial(programme), prefix="rules")
    if data is not None and form.is_valid() and rules.is_valid():
        target_rules = [r.cleaned_data for r in rules if not r.is_blank()]
        try:
            self_service.update_programme(
                programme,
                actor=request.user,
                target_rules=target_rules,
                **form.programme_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("registrations:organiser-programme", pk=programme.pk)
    context = {"programme": programme, "form": form, "rules": rules}
    return render(request, "programmes/organiser/programme_form.html", context)


@login_required
def programme_delete(request, pk):
    programme = selectors.programme_for_organiser(request.user, pk)
    if request.method == "POST":
        try:
            self_service.delete_programme(programme, actor=request.user)
        except (ValidationError, ProtectedError) as error:
            message = (
                _("The programme is in use elsewhere and cannot be deleted.")
                if isinstance(error, ProtectedError)
                else " ".join(_errors_of(error))
            )
            messages.error(request, message)
            return redirect("registrations:organiser-programme", pk=programme.pk)
        messages.success(request, _("The programme was deleted."))
        return redirect("registrations:organiser-home")
    context = {
        "object": programme,
        "programme": programme,
        "cohorts": programme.cohorts.count(),
        "sessions": Session.objects.filter(cohort__programme=programme).count(),
        "back": programme,
    }
    return render(request, "programmes/organiser/delete_confirm.html", context)


@login_required
def cohort_delete(request, pk):
    cohort = selectors.cohort_for_organiser(request.user, pk)
    if request.method == "POST":
        try:
            self_service.delete_cohort(cohort, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors_of(error)))
            return redirect("registrations:organiser-cohort", pk=cohort.pk)
        messages.success(request, _("The cohort was deleted."))
        return redirect("registrations:organiser-programme", pk=cohort.programme_id)
    context = {
        "object": cohort,
        "programme": cohort.programme,
        "cohort": cohort,
        "sessions": cohort.sessions.count(),
    }
    return render(request, "programmes/organiser/delete_confirm.html", context)


@login_required
def session_cancel(request, pk):
    session = get_object_or_404(Session, pk=pk)
    cohort = selectors.cohort_for_organiser(request.user, session.cohort_id)
    if request.method == "POST":
        try:
            told = self_service.cancel_session(session, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors_of(error)))
        else:
            messages.success(
                request,
                ngettext(
                    "The session was cancelled and %(count)d person was told.",
                    "The session was cancelled and %(count)d people were told.",
                    told,
                )
                % {"count": told},
            )
        return redirect("registrations:organiser-cohort", pk=cohort.pk)
    timezones.activate_for(cohort.programme.organiser)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "session": session,
        "impact": self_service.session_cancellation_impact(session),
        "refusal": self_service.cancellation_refusal(session=session),
    }
    return render(request, "programmes/organiser/cancel_confirm.html", context)


def _preview_or_copy(request, form, *, plan, copy):
    """The two steps of a copy page, as (preview, copy). A valid form gives
    the preview `plan(**fields)`; with "confirm" pressed, `copy(actor=...,
    **fields)` writes and gives the copy instead. A refusal (ValidationError)
    shows above the form, beside the preview."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    fields = dict(form.cleaned_data)
    if "confirm" in request.POST:
        try:
            return None, copy(actor=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
    return plan(**fields), None


@login_required
def cohort_copy(request, pk):
    """Step one asks for a name and an offset; step two (preview) lists what
    will be created with the new dates; only "confirm" writes."""
    cohort = selectors.cohort_for_organiser(request.user, pk)
    timezones.activate_for(cohort.programme.organiser)
    form = CopyCohortForm(request.POST or None, initial={"days": 364})
    plan, copy = _preview_or_copy(
        request,
        form,
        plan=partial(self_service.plan_cohort_copy, cohort),
        copy=partial(self_service.copy_cohort, cohort),
    )
    if copy is not None:
        messages.success(request, _("The cohort was copied."))
        return redirect("registrations:organiser-cohort", pk=copy.pk)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "form": form,
        "plan": plan,
    }
    return render(request, "programmes/organiser/cohort_copy.html", context)


@login_required
def programme_copy(request, pk):
    """Step one asks for a title and an offset; step two (preview) lists every
    cohort and session that will be created with the new dates; only
    "confirm" writes."""
    programme = selectors.programme_for_organiser(request.user, pk)
    timezones.activate_for(programme.organiser)
    form = CopyProgrammeForm(request.POST or None, initial={"days": 364})
    plan, copy = _preview_or_copy(
        request,
        form,
        plan=partial(self_service.plan_programme_copy, programme),
        copy=partial(self_service.copy_programme, programme),
    )
    if copy is not None:
        messages.success(request, _("The programme was copied."))
        return redirect("registrations:organiser-programme", pk=copy.pk)
    context = {"programme": programme, "form": form, "plan": plan}
    return render(request, "programmes/organiser/programme_copy.html", context)


urlpatterns = [
    path(
        "organiser/programmes/<int:pk>/copy/",
        programme_copy,
        name="organiser-programme-copy",
    ),
    path(
        "organiser/programmes/<int:pk>/edit/",
        programme_edit,
        name="organiser-programme-edit",
    ),
    path(
        "organiser/programmes/<int:pk>/delete/",
        programme_delete,
        name="organiser-programme-delete",
    ),
    path(
        "organiser/cohorts/<int:pk>/delete/",
        cohort_delete,
        name="organiser-cohort-delete",
    ),
    path("organiser/cohorts/<int:pk>/copy/", cohort_copy, name="organiser-cohort-copy"),
    path(
        "organiser/sessions/<int:pk>/cancel/",
        session_cancel,
        name="organiser-session-cancel",
    ),
]
