"""Pages for teachers and organisers of a cohort: preparation, assignments and
feedback, attendance with the check-in code, completion and certificates.

Every view finds its object through an access selector (selectors.*_for_staff,
cohort_for_organiser), so anyone who neither teaches nor organises the cohort
gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tillit.core import timezones
from tillit.core.confirm import ask_first, is_confirmed
from tillit.core.models import Person
from tillit.programmes.selectors import programme_for_organiser

from .. import selectors, services
from ..forms import (
    AssignmentForm,
    AttendanceRowForm,
    CompletionRuleForm,
    FeedbackForm,
    MilestoneForm,
    PreparationFileForm,
    PreparationForm,
)
from ..models import Attendance, CompletionRule, Milestone, PreparationFile


@login_required
def teaching_home(request):
    taught, organised = selectors.teaching_overview(request.user)
    context = {"taught": taught, "organised": organised}
    return render(request, "learning/teaching/home.html", context)


@login_required
def cohort_overview(request, pk):
    cohort = selectors.cohort_for_staff(request.user, pk)
    sessions, assignments = selectors.cohort_overview(cohort)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "sessions": sessions,
        "assignments": assignments,
        "is_organiser": selectors.is_organiser_of(request.user, cohort),
    }
    return render(request, "learning/teaching/cohort.html", context)


@login_required
def preparation_edit(request, pk):
    session = selectors.session_for_staff(request.user, pk)
    preparation = getattr(session, "preparation", None)
    form = PreparationForm(
        request.POST if request.method == "POST" else None,
        instance=preparation,
        cohort=session.cohort,
    )
    file_form = PreparationFileForm()
    if request.method == "POST" and "upload" in request.POST:
        form = PreparationForm(instance=preparation, cohort=session.cohort)
        file_form = PreparationFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            try:
                stored = services.add_preparation_file(
                    session, actor=request.user, upload=file_form.cleaned_data["file"]
                )
            except ValidationError as error:
                file_form.add_error("file", error)
            else:
                messages.success(
                    request, _("%(name)s was added.") % {"name": stored.original_name}
                )
                return redirect("learning:preparation-edit", pk=session.pk)
    elif request.method == "POST" and form.is_valid():
        services.save_preparation(session, actor=request.user, **form.service_fields())
        messages.success(request, _("The preparation was saved."))
        return redirect("learning:preparation-edit", pk=session.pk)
    context = {
        "session": session,
        "cohort": session.cohort,
        "form": form,
        "file_form": file_form,
        "files": list(preparation.files.all()) if preparation else [],
    }
    return render(request, "learning/teaching/preparation_form.html", context)


def _participants(cohort_id):
    return Person.objects.filter(
        registrations__cohort=cohort_id, registrations__status="confirmed"
    ).count()


@require_http_methods(["GET", "POST"])
@login_required
def preparation_file_delete(request, pk):
    """Remove a preparation file, after the confirmation page."""
    stored = get_object_or_404(
        PreparationFile.objects.select_related("preparation"), pk=pk
    )
    session = selectors.session_for_staff(request.user, stored.preparation.session_id)
    if not is_confirmed(request):
        count = _participants(session.cohort_id)
        return ask_first(
            request,
            title=_("Remove %(name)s?") % {"name": stored.original_name},
            consequences=[
                ngettext(
                    "The %(count)s participant of the cohort can no longer open it.",
                    "The %(count)s participants of the cohort can no longer open it.",
                    count,
                )
                % {"count": count}
            ],
            button=_("Yes, remove the file"),
            back_url=reverse("learning:preparation-edit", args=[session.pk]),
        )
    services.delete_preparation_file(stored, actor=request.user)
    messages.success(
        request, _("%(name)s was removed.") % {"name": stored.original_name}
    )
    return redirect("learning:preparation-edit", pk=session.pk)


def _attendance_rows(session, data=None):
    people = Person.objects.filter(
        registrations__cohort=session.cohort_id,
        registrations__status="confirmed",
    ).order_by("last_name", "first_name", "pk")
    marked = {a.person_id: a for a in Attendance.objects.filter(session=session)}
    rows = []
    for person in people:
        attendance = marked.get(person.pk)
        initial = (
            {
                "status": attendance.status,
                "absence_reason": attendance.absence_reason,
                "note": attendance.note,
            }
            if attendance
            else {}
        )
        form = AttendanceRowForm(data, prefix=f"p{person.pk}", initial=initial)
        rows.append((person, attendance, form))
    return rows


@login_required
def attendance(request, pk):
    session = selectors.session_for_staff(request.user, pk)
    rows = _attendance_rows(session, request.POST if request.method == "POST" else None)
    if request.method == "POST" and all(form.is_valid() for _p, _a, form in rows):
        for person, _attendance, form in rows:
            status = form.cleaned_data["status"]
            if not status:
                services.clear_attendance(session, person, actor=request.user)
                continue
            services.mark_attendance(
                session,
                person,
                actor=request.user,
                status=status,
                absence_reason=form.cleaned_data["absence_reason"],
                note=form.cleaned_data["note"],
            )
        messages.success(request, _("Attendance was saved."))
        return redirect("learning:attendance", pk=session.pk)
    now = timezone.now()
    check_in_open = selectors.check_in_is_open(session, now)
    opens, closes = selectors.check_in_window(session)
    context = {
        "session": session,
        "cohort": session.cohort,
        "rows": rows,
        "code": services.ensure_session_code(session) if now <= closes else None,
        "check_in_open": check_in_open,
        "check_in_opens": opens,
        "check_in_closes": closes,
        "present": sum(1 for _p, a, _f in rows if a and a.status == "present"),
    }
    return render(request, "learning/teaching/attendance.html", context)


@login_required
def assignment_create(request, pk):
    cohort = selectors.cohort_for_staff(request.user, pk)
    timezones.activate_for(cohort.programme.organiser)
    initial = {}
    if request.GET.get("session", "").isdigit():
        initial["session"] = request.GET["session"]
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        cohort=cohort,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.create_assignment(
                cohort, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assignment was created."))
            return redirect("learning:assignment-edit", pk=assignment.pk)
    context = {"cohort": cohort, "form": form, "assignment": None}
    return render(request, "learning/teaching/assignment_form.html", context)


@login_required
def assignment_edit(request, pk):
    assignment = selectors.assignment_for_staff(request.user, pk)
    cohort = assignment.cohort
    timezones.activate_for(cohort.programme.organiser)
    form = AssignmentForm(
        request.POST if "save" in request.POST else None,
        cohort=cohort,
        instance=assignment,
    )
    milestone_form = MilestoneForm(
        request.POST if "milestone" in request.POST else None,
        prefix="milestone",
        cohort=cohort,
    )
    if "save" in request.POST and form.is_valid():
        try:
            services.update_assignment(
                assignment, actor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assignment was saved."))
            return redirect("learning:assignment-edit", pk=assignment.pk)
    if "milestone" in request.POST and milestone_form.is_valid():
        try:
            services.add_milestone(
                assignment, actor=request.user, **milestone_form.service_fields()
            )
        except services.LearningError as error:
            milestone_form.add_error("title", str(error))
        else:
            messages.success(request, _("The milestone was added."))
            return redirect("learning:assignment-edit", pk=assignment.pk)
    context = {
        "cohort": cohort,
        "form": form,
        "assignment": assignment,
        "milestone_form": milestone_form,
        "milestones": list(assignment.milestones.all()),
    }
    return render(request, "learning/teaching/assignment_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def milestone_delete(request, pk):
    """Remove a milestone of an assignment, after the confirmation page."""
    milestone = get_object_or_404(Milestone, pk=pk)
    assignment = selectors.assignment_for_staff(request.user, milestone.assignment_id)
    if not is_confirmed(request):
        count = _participants(assignment.cohort_id)
        return ask_first(
            request,
            title=_("Remove the milestone %(title)s?") % {"title": milestone.title},
            consequences=[
                ngettext(
                    "It is removed from the assignment for the cohort's %(count)s "
                    "participant.",
                    "It is removed from the assignment for the cohort's %(count)s "
                    "participants.",
                    count,
                )
                % {"count": count}
            ],
            button=_("Yes, remove the milestone"),
            back_url=reverse("learning:assignment-edit", args=[assignment.pk]),
        )
    milestone.delete()
    messages.success(request, _("The milestone was removed."))
    return redirect("learning:assignment-edit", pk=assignment.pk)


@login_required
def assignment_review(request, pk):
    assignment = selectors.assignment_for_staff(request.user, pk)
    context = {
        "assignment": assignment,
        "cohort": assignment.cohort,
        "rows": selectors.submissions_for_review(assignment),
    }
    return render(request, "learning/teaching/assignment_review.html", context)


@login_required
def submission_review(request, pk):
    submission = selectors.submission_for_staff(request.user, pk)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(
                submission,
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                text=form.cleaned_data["text"],
            )
        except services.LearningError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, _("Your feedback was sent."))
            return redirect("learning:assignment-review", pk=submission.assignment_id)
    context = {
        "submission": submission,
        "assignment": submission.assignment,
        "cohort": submission.assignment.cohort,
        "files": list(submission.files.all()),
        "feedback": list(submission.feedback.select_related("author")),
        "form": form,
    }
    return render(request, "learning/teaching/submission_review.html", context)


@login_required
def completion(request, pk):
    cohort = selectors.cohort_for_staff(request.user, pk)
    rows = selectors.completion(cohort)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "rows": rows,
        "rule": selectors.completion_rule(cohort.programme),
        "is_organiser": selectors.is_organiser_of(request.user, cohort),
        "to_issue": sum(
            1
            for row in rows
            if row.status == selectors.CompletionStatus.COMPLETED
            and not row.has_certificate
        ),
    }
    return render(request, "learning/teaching/completion.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def certificates_issue(request, pk):
    """Issue the certificates due, after the confirmation page."""
    cohort = selectors.cohort_for_organiser(request.user, pk)
    if not is_confirmed(request):
        due = sum(
            1
            for row in selectors.completion(cohort)
            if row.status == selectors.CompletionStatus.COMPLETED
            and not row.has_certificate
        )
        return ask_first(
            request,
            title=_("Issue the certificates?"),
            consequences=[
                ngettext(
                    "%(count)s participant who has completed gets a certificate, "
                    "alumni membership and an e-mail.",
                    "%(count)s participants who have completed get a certificate, "
                    "alumni membership and an e-mail.",
                    due,
                )
                % {"count": due}
            ],
            button=_("Yes, issue the certificates"),
            back_url=reverse("learning:completion", args=[cohort.pk]),
        )
    issued = services.issue_certificates(cohort, actor=request.user)
    if issued:
        messages.success(
            request,
            ngettext(
                "%(count)s certificate was issued.",
                "%(count)s certificates were issued.",
                len(issued),
            )
            % {"count": len(issued)},
        )
    else:
        messages.info(request, _("Everyone who has completed has a certificate."))
    return redirect("learning:completion", pk=cohort.pk)


@login_required
def completion_rule_edit(request, pk):
    programme = programme_for_organiser(request.user, pk)
    rule = CompletionRule.objects.filter(programme=programme).first()
    form = CompletionRuleForm(
        request.POST if request.method == "POST" else None, instance=rule
    )
    if request.method == "POST" and form.is_valid():
        services.save_completion_rule(
            programme, actor=request.user, **form.cleaned_data
        )
        messages.success(request, _("The completion rule was saved."))
        back = request.GET.get("cohort", "")
        if back.isdigit() and programme.cohorts.filter(pk=back).exists():
            return redirect("learning:completion", pk=back)
        return redirect("learning:completion-rule", pk=programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "cohorts": list(programme.cohorts.all()),
    }
    return render(request, "learning/teaching/completion_rule.html", context)


urlpatterns = [
    path("teaching/", teaching_home, name="teaching"),
    path("teaching/cohorts/<int:pk>/", cohort_overview, name="teaching-cohort"),
    path(
        "teaching/sessions/<int:pk>/preparation/",
        preparation_edit,
        name="preparation-edit",
    ),
    path(
        "teaching/preparation-files/<int:pk>/delete/",
        preparation_file_delete,
        name="preparation-file-delete",
    ),
    path("teaching/sessions/<int:pk>/attendance/", attendance, name="attendance"),
    path(
        "teaching/cohorts/<int:pk>/assignments/new/",
        assignment_create,
        name="assignment-create",
    ),
    path(
        "teaching/assignments/<int:pk>/edit/",
        assignment_edit,
        name="assignment-edit",
    ),
    path(
        "teaching/milestones/<int:pk>/delete/",
        milestone_delete,
        name="milestone-delete",
    ),
    path(
        "teaching/assignments/<int:pk>/",
        assignment_review,
        name="assignment-review",
    ),
    path(
        "teaching/submissions/<int:pk>/",
        submission_review,
        name="submission-review",
    ),
    path("teaching/cohorts/<int:pk>/completion/", completion, name="completion"),
    path(
        "teaching/cohorts/<int:pk>/certificates/",
        certificates_issue,
        name="certificates-issue",
    ),
    path(
        "teaching/programmes/<int:pk>/completion-rule/",
        completion_rule_edit,
        name="completion-rule",
    ),
]
