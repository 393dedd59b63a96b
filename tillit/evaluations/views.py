"""Pages of course evaluations: the form builder and attaching forms (organisers),
answering (participants), results and exports (organisers and teachers).

Every view finds its object through an access selector that raises Http404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tillit.core import spreadsheets
from tillit.core.confirm import ask_first, is_confirmed
from tillit.programmes.models import Cohort

from . import exports, results, selectors, services
from .forms import AnswerForm, AttachForm, FormDetailsForm, QuestionForm
from .models import Evaluation
from .services import EvaluationError, LockedByAnswers

# Organisers: forms -----------------------------------------------------------


def _organisations(request):
    organisations = selectors.organisations_for(request.user)
    if not organisations.exists():
        raise Http404
    return organisations


@login_required
def overview(request):
    """Where organisers and teachers start: programmes, cohorts and forms."""
    cohorts = Cohort.objects.order_by("-starts_on", "pk")
    programmes = (
        selectors.programmes_for_results(request.user)
        .prefetch_related(Prefetch("cohorts", queryset=cohorts))
        .order_by("title")
    )
    organised = set(
        selectors.programmes_for_organiser(request.user).values_list("pk", flat=True)
    )
    is_builder = selectors.organisations_for(request.user).exists()
    if not programmes and not is_builder:
        raise Http404
    context = {
        "programmes": programmes,
        "organised": organised,
        "is_builder": is_builder,
    }
    return render(request, "evaluations/overview.html", context)


@login_required
def form_list(request):
    organisations = _organisations(request)
    context = {
        "forms": selectors.forms_for_organiser(request.user).order_by(
            "organisation__name", "title", "pk"
        ),
        "organisations": organisations,
    }
    return render(request, "evaluations/form_list.html", context)


@login_required
def form_create(request):
    organisations = _organisations(request)
    details = FormDetailsForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    if request.method == "POST" and details.is_valid():
        data = details.cleaned_data
        form = services.create_form(
            data.get("organisation") or organisations.first(),
            actor=request.user,
            **details.language_data(),
        )
        messages.success(request, _("The form was created. Add its questions."))
        return redirect("evaluations:form-builder", pk=form.pk)
    return render(request, "evaluations/form_create.html", {"details": details})


@require_POST
@login_required
def form_copy_standard(request):
    organisations = _organisations(request)
    organisation = organisations.filter(pk=request.POST.get("organisation")).first()
    form = services.copy_standard_form(
        organisation or organisations.first(), actor=request.user
    )
    messages.success(request, _("The standard course evaluation was copied."))
    return redirect("evaluations:form-builder", pk=form.pk)


@require_POST
@login_required
def form_copy(request, pk):
    original = selectors.form_for_organiser(request.user, pk)
    form = services.copy_form(original, original.organisation, actor=request.user)
    messages.success(request, _("The form was copied."))
    return redirect("evaluations:form-builder", pk=form.pk)


@login_required
def form_builder(request, pk, question_form=None):
    """The form's details, its questions and a form to add one. Posting here
    saves the details."""
    form = selectors.form_for_organiser(request.user, pk)
    # Bound only when this page's own form was posted: a GET, or a question
    # posted to question_add, shows the saved title and introduction.
    posted = request.method == "POST" and question_form is None
    details = FormDetailsForm(request.POST if posted else None, instance=form)
    if posted and details.is_valid():
        services.update_form(
            form,
            actor=request.user,
            **details.language_data(),
        )
        messages.success(request, _("The form was saved."))
        return redirect("evaluations:form-builder", pk=form.pk)
    context = {
        "form_object": form,
        "details": details,
        "question_form": question_form
        or QuestionForm(prefix="new", organisation=form.organisation),
        **_question_list(form),
    }
    return render(request, "evaluations/form_builder.html", context)


def _question_list(form):
    return {
        "form_object": form,
        "questions": list(form.questions.all()),
        "frozen": services.is_frozen(form),
        "evaluations": form.evaluations.select_related("cohort", "session"),
    }


@require_POST
@login_required
def question_add(request, pk):
    form = selectors.form_for_organiser(request.user, pk)
    question_form = QuestionForm(
        request.POST, prefix="new", organisation=form.organisation
    )
    if question_form.is_valid() and _save(
        question_form,
        lambda: services.add_question(
            form, actor=request.user, **question_form.service_fields()
        ),
    ):
        messages.success(request, _("The question was added."))
        return redirect(
            reverse("evaluations:form-builder", args=[form.pk]) + "#questions"
        )
    return form_builder(request, pk, question_form=question_form)


def _save(form, save):
    """Run a service; put its refusal on the form. True when it saved."""
    try:
        save()
    except ValidationError as error:
        if hasattr(error, "error_dict") and "choices" in error.error_dict:
            form.add_error(form.options_field(), error.error_dict.pop("choices"))
        if not hasattr(error, "error_dict") or error.error_dict:
            form.add_error(None, error)
        return False
    except LockedByAnswers as error:
        form.add_error(form.field_for(error.field), str(error))
        return False
    except EvaluationError as error:
        form.add_error(None, str(error))
        return False
    return True


@login_required
def question_edit(request, pk):
    question = selectors.question_for_organiser(request.user, pk)
    locked = services.is_frozen(question.form)
    question_form = QuestionForm(
        request.POST if request.method == "POST" else None,
        instance=question,
        locked=locked,
    )
    if request.method == "POST" and question_form.is_valid():
        saved = _save(
            question_form,
            lambda: services.update_question(
                question, actor=request.user, **question_form.service_fields()
            ),
        )
        if saved:
            messages.success(request, _("The question was saved."))
            return redirect(
                reverse("evaluations:form-builder", args=[question.form_id])
                + "#questions"
            )
        question.refresh_from_db()
    context = {"question": question, "question_form": question_form, "locked": locked}
    return render(request, "evaluations/question_edit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def question_delete(request, pk):
    question = selectors.question_for_organiser(request.user, pk)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Remove the question?"),
            consequences=[
                _("“%(text)s” is removed from %(form)s.")
                % {"text": question.text, "form": question.form.title}
            ],
            button=_("Yes, remove the question"),
            back_url=reverse("evaluations:form-builder", args=[question.form_id])
            + "#questions",
        )
    try:
        services.remove_question(question, actor=request.user)
        messages.success(request, _("The question was removed."))
    except EvaluationError as error:
        messages.error(request, str(error))
    return _back_to_questions(request, question.form)


@require_POST
@login_required
def question_move(request, pk):
    question = selectors.question_for_organiser(request.user, pk)
    try:
        services.move_question(
            question, actor=request.user, up=request.POST.get("direction") == "up"
        )
    except EvaluationError as error:
        messages.error(request, str(error))
    return _back_to_questions(request, question.form)


def _back_to_questions(request, form):
    if request.htmx:
        return render(
            request,
            "evaluations/form_builder.html#question-list",
            _question_list(form),
        )
    return redirect(reverse("evaluations:form-builder", args=[form.pk]) + "#questions")


# Organisers: evaluations of a cohort ---------------------------------------


@login_required
def cohort_evaluations(request, pk):
    cohort = selectors.cohort_for_organiser(request.user, pk)
    forms_queryset = selectors.forms_for_organiser(request.user).filter(
        organisation=cohort.programme.organiser
    )
    attach = AttachForm(
        request.POST if request.method == "POST" else None,
        cohort=cohort,
        forms_queryset=forms_queryset,
    )
    if request.method == "POST" and attach.is_valid():
        data = attach.cleaned_data
        try:
            services.attach(
                data["form"],
                cohort,
                actor=request.user,
                session=data["session"],
                open_days=data["open_days"],
                anonymous=data["anonymous"],
            )
        except (EvaluationError, ValidationError) as error:
            attach.add_error(None, error if isinstance(error, str) else str(error))
        else:
            messages.success(request, _("The evaluation was added."))
            return redirect("evaluations:cohort-evaluations", pk=cohort.pk)
    context = {
        "cohort": cohort,
        "evaluations": selectors.evaluations_of_cohort(cohort),
        "attach": attach,
        "has_forms": forms_queryset.exists(),
        "now": timezone.now(),
    }
    return render(request, "evaluations/cohort_evaluations.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def evaluation_detach(request, pk):
    evaluation = selectors.evaluation_for_organiser(request.user, pk)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Remove the evaluation?"),
            consequences=[
                _("Participants of %(cohort)s are not asked to answer %(form)s.")
                % {"cohort": evaluation.cohort.name, "form": evaluation.form.title}
            ],
            button=_("Yes, remove the evaluation"),
            back_url=reverse(
                "evaluations:cohort-evaluations", args=[evaluation.cohort_id]
            ),
        )
    try:
        services.detach(evaluation, actor=request.user)
        messages.success(request, _("The evaluation was removed."))
    except EvaluationError as error:
        messages.error(request, str(error))
    return redirect("evaluations:cohort-evaluations", pk=evaluation.cohort_id)


# Participants ----------------------------------------------------------------


@login_required
def answer(request, pk):
    evaluation = selectors.evaluation_to_answer(request.user, pk)
    now = timezone.now()
    context = {"evaluation": evaluation, "now": now}
    if selectors.has_answered(request.user, evaluation):
        return render(request, "evaluations/answer_done.html", context)
    if not evaluation.is_open(now):
        return render(request, "evaluations/answer_closed.html", context)
    questions = evaluation.form.questions.all()
    form = AnswerForm(
        request.POST if request.method == "POST" else None, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(evaluation, request.user, form.answers(), now=now)
        except ValidationError as error:
            form.add_error(None, error)
        except EvaluationError as error:
            messages.error(request, str(error))
            return redirect("evaluations:answer", pk=evaluation.pk)
        else:
            messages.success(request, _("Thank you! Your answers were saved."))
            return redirect("evaluations:answer", pk=evaluation.pk)
    context["form"] = form
    return render(request, "evaluations/answer.html", context)


# Results ---------------------------------------------------------------------


@login_required
def evaluation_results(request, pk):
    evaluation = selectors.evaluation_for_results(request.user, pk)
    context = {
        "scope": "evaluation",
        "evaluation": evaluation,
        "cohort": evaluation.cohort,
        "programme": evaluation.cohort.programme,
        "sections": [
            (evaluation.form, results.summarise(evaluation.form, [evaluation]))
        ],
        "export_url": reverse("evaluations:evaluation-export", args=[pk]),
    }
    return render(request, "evaluations/results.html", context)


@login_required
def cohort_results(request, pk):
    cohort = selectors.cohort_for_results(request.user, pk)
    evaluations = list(selectors.evaluations_of_cohort(cohort))
    context = {
        "scope": "cohort",
        "cohort": cohort,
        "programme": cohort.programme,
        "evaluations": evaluations,
        "sections": _sections(evaluations),
        "export_url": reverse("evaluations:cohort-export", args=[pk]),
    }
    return render(request, "evaluations/results.html", context)


def _sections(evaluations):
    """(form, results) for each form among the evaluations."""
    by_form = {}
    for evaluation in evaluations:
        by_form.setdefault(evaluation.form, []).append(evaluation)
    return [(form, results.summarise(form, group)) for form, group in by_form.items()]


#: Cohorts side by side in a programme's comparison: the table and chart of a
#: programme run for ten years stay as wide as those of one run twice a year.
COMPARED_COHORTS = 6


@login_required
def programme_results(request, pk):
    programme = selectors.programme_for_results(request.user, pk)
    cohorts = list(programme.cohorts.order_by("starts_on", "pk"))
    evaluations = list(
        Evaluation.objects.filter(cohort__in=cohorts)
        .select_related("form", "session", "cohort")
        .annotate_answer_count()
    )
    forms = list({e.form: None for e in evaluations})
    chosen = next(
        (f for f in forms if str(f.pk) == request.GET.get("form")),
        forms[0] if forms else None,
    )
    context = {
        "scope": "programme",
        "programme": programme,
        "forms": forms,
        "chosen": chosen,
        "export_url": reverse("evaluations:programme-export", args=[pk]),
    }
    if chosen is not None:
        of_form = [e for e in evaluations if e.form_id == chosen.pk]
        context["sections"] = [(chosen, results.summarise(chosen, of_form))]
        compared = [c for c in cohorts if any(e.cohort_id == c.pk for e in of_form)]
        # The newest cohorts first a page at a time, each page's oldest first.
        page = Paginator(compared[::-1], COMPARED_COHORTS).get_page(
            request.GET.get("cohorts_page")
        )
        shown = page.object_list[::-1]
        shown_ids = {c.pk for c in shown}
        context["columns"], context["comparisons"] = results.compare_cohorts(
            chosen, [e for e in of_form if e.cohort_id in shown_ids], shown
        )
        context["compared_page"] = page
        context["export_url"] += f"?form={chosen.pk}"
    return render(request, "evaluations/results.html", context)


def _xlsx(evaluations, *, title, filename):
    """The workbook, written to a temporary file and sent from it in blocks."""
    return FileResponse(
        exports.xlsx_file(evaluations, title=title),
        as_attachment=True,
        filename=filename,
        content_type=spreadsheets.XLSX_TYPE,
    )


@login_required
def evaluation_export(request, pk):
    evaluation = selectors.evaluation_for_results(request.user, pk)
    return _xlsx(
        [evaluation],
        title=str(evaluation.subject),
        filename=exports.filename(evaluation.cohort.programme, evaluation),
    )


@login_required
def cohort_export(request, pk):
    cohort = selectors.cohort_for_results(request.user, pk)
    evaluations = list(selectors.evaluations_of_cohort(cohort))
    return _xlsx(
        evaluations,
        title=cohort.name,
        filename=exports.filename(cohort.programme, cohort),
    )


@login_required
def programme_export(request, pk):
    programme = selectors.programme_for_results(request.user, pk)
    evaluations = Evaluation.objects.filter(cohort__programme=programme)
    if request.GET.get("form", "").isdigit():
        evaluations = evaluations.filter(form_id=request.GET["form"])
    evaluations = list(
        evaluations.select_related("form", "session", "cohort")
        .annotate_answer_count()
        .order_by("cohort__starts_on", "opens_at", "pk")
    )
    return _xlsx(
        evaluations, title=programme.title, filename=exports.filename(programme)
    )


urlpatterns = [
    path("evaluations/", overview, name="overview"),
    path("evaluations/forms/", form_list, name="form-list"),
    path("evaluations/forms/new/", form_create, name="form-create"),
    path(
        "evaluations/forms/standard/copy/",
        form_copy_standard,
        name="form-copy-standard",
    ),
    path("evaluations/forms/<int:pk>/", form_builder, name="form-builder"),
    path("evaluations/forms/<int:pk>/copy/", form_copy, name="form-copy"),
    path(
        "evaluations/forms/<int:pk>/questions/new/", question_add, name="question-add"
    ),
    path("evaluations/questions/<int:pk>/", question_edit, name="question-edit"),
    path(
        "evaluations/questions/<int:pk>/delete/",
        question_delete,
        name="question-delete",
    ),
    path("evaluations/questions/<int:pk>/move/", question_move, name="question-move"),
    path(
        "evaluations/cohorts/<int:pk>/",
        cohort_evaluations,
        name="cohort-evaluations",
    ),
    path(
        "evaluations/cohorts/<int:pk>/results/",
        cohort_results,
        name="cohort-results",
    ),
    path(
        "evaluations/cohorts/<int:pk>/results.xlsx",
        cohort_export,
        name="cohort-export",
    ),
    path(
        "evaluations/programmes/<int:pk>/results/",
        programme_results,
        name="programme-results",
    ),
    path(
        "evaluations/programmes/<int:pk>/results.xlsx",
        programme_export,
        name="programme-export",
    ),
    path("evaluations/<int:pk>/", answer, name="answer"),
    path("evaluations/<int:pk>/remove/", evaluation_detach, name="evaluation-detach"),
    path(
        "evaluations/<int:pk>/results/",
        evaluation_results,
        name="evaluation-results",
    ),
    path(
        "evaluations/<int:pk>/results.xlsx",
        evaluation_export,
        name="evaluation-export",
    ),
]
