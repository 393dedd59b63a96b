"""Pages for participants: a session's preparation with check-in, and an
assignment with the participant's submission (their home is tillit.portal's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tillit.core.confirm import ask_first, is_confirmed

from .. import selectors, services
from ..forms import CheckInForm, SubmissionForm
from ..models import Attendance, Submission, SubmissionFile


@login_required
def session_detail(request, pk):
    session = selectors.session_for_member(request.user, pk)
    is_participant = selectors.is_participant(request.user, session.cohort)
    now = timezone.now()
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and is_participant and form.is_valid():
        try:
            services.check_in(session, request.user, form.cleaned_data["code"], now=now)
        except services.LearningError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("learning:session", pk=session.pk)
    preparation = getattr(session, "preparation", None)
    context = {
        "session": session,
        "cohort": session.cohort,
        "preparation": preparation,
        "files": list(preparation.files.all()) if preparation else [],
        "assignments": list(session.assignments.all()),
        "is_participant": is_participant,
        "attendance": Attendance.objects.filter(
            session=session, person=request.user
        ).first(),
        "check_in_open": selectors.check_in_is_open(session, now),
        "form": form,
    }
    return render(request, "learning/session_detail.html", context)


@login_required
def assignment_detail(request, pk):
    assignment = selectors.assignment_for_participant(request.user, pk)
    submission = (
        Submission.objects.filter(assignment=assignment, person=request.user)
        .prefetch_related("files", "feedback__author")
        .first()
    )
    form = SubmissionForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        assignment=assignment,
        initial={"text": submission.text if submission else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(
                assignment,
                request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data.get("files", []),
            )
        except ValidationError as error:
            form.add_error("files", error)
        except services.LearningError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, _("Your answer was handed in."))
            return redirect(assignment)
    context = {
        "assignment": assignment,
        "cohort": assignment.cohort,
        "submission": submission,
        "form": form,
        "milestones": list(assignment.milestones.all()),
        "may_edit": submission is None
        or submission.status != Submission.Status.APPROVED,
    }
    return render(request, "learning/assignment_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def submission_file_delete(request, pk):
    """Remove a file from one's own submission, after the confirmation page."""
    stored = get_object_or_404(
        SubmissionFile.objects.select_related("submission__assignment"),
        pk=pk,
        submission__person=request.user,
    )
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Remove %(name)s?") % {"name": stored.original_name},
            consequences=[
                _("The file is removed from your answer to %(assignment)s.")
                % {"assignment": stored.submission.assignment.title}
            ],
            button=_("Yes, remove the file"),
            back_url=stored.submission.assignment.get_absolute_url(),
        )
    try:
        services.delete_submission_file(stored, actor=request.user)
    except services.LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(name)s was removed.") % {"name": stored.original_name}
        )
    return redirect(stored.submission.assignment)


urlpatterns = [
    path("learning/sessions/<int:pk>/", session_detail, name="session"),
    path("learning/assignments/<int:pk>/", assignment_detail, name="assignment"),
    path(
        "learning/files/submissions/<int:pk>/delete/",
        submission_file_delete,
        name="submission-file-delete",
    ),
]
