"""Pages of a whole-organisation rollout: import, plan, publish, dashboard and
the follow-up at home. HR pages find their objects through the *_for_hr gates,
so another organisation's HR director gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.core import spreadsheets
from tillit.core.confirm import ask_first, is_confirmed
from tillit.registrations.models import Registration
from tillit.registrations.services import RegistrationError

from . import exports, importing, selectors, services
from .forms import (
    AddCohortForm,
    AdjustForm,
    CohortDaysForm,
    ConfirmImportForm,
    ExcludeForm,
    FollowUpForm,
    ImportForm,
    MarkLeftForm,
    PlanForm,
    RunForm,
)
from .models import (
    Employment,
    Exclusion,
    ImportBatch,
    RolloutCohort,
    own_manager_employment,
)

RolloutError = services.RolloutError


@login_required
def home(request):
    organisations = list(selectors.hr_organisations(request.user))
    if not organisations:
        raise Http404
    if len(organisations) == 1:
        return redirect("rollouts:organisation", pk=organisations[0].pk)
    return render(request, "rollouts/home.html", {"organisations": organisations})


@login_required
def organisation(request, pk):
    org = selectors.organisation_for_hr(request.user, pk)
    return _organisation_page(request, org, MarkLeftForm())


def _organisation_page(request, org, left_form, status=200):
    context = {
        "organisation": org,
        "managers": Employment.objects.filter(
            organisation=org, left_on__isnull=True
        ).count(),
        "plans": org.rollout_plans.select_related("programme"),
        "imports": org.import_batches.select_related("uploaded_by")[:5],
        "left_form": left_form,
    }
    return render(request, "rollouts/organisation.html", context, status=status)


def _mark_left_question(request, org, employment, form):
    left_on = form.cleaned_data["left_on"]
    seats = (
        Registration.objects.active()
        .filter(
            person=employment.person_id,
            cohort__rollout_cohort__plan__organisation=org.pk,
            cohort__starts_on__gt=left_on,
        )
        .count()
    )
    return ask_first(
        request,
        title=_("Mark %(person)s as having left?") % {"person": employment.person},
        consequences=[
            ngettext(
                "%(count)s place in a cohort starting after %(day)s is cancelled "
                "and goes to others.",
                "%(count)s places in cohorts starting after %(day)s are cancelled "
                "and go to others.",
                seats,
            )
            % {"count": seats, "day": left_on},
            _(
                "%(person)s leaves the rollout cohorts that have not started; "
                "the history stays."
            )
            % {"person": employment.person},
        ],
        button=_("Yes, mark as left"),
        back_url=reverse("rollouts:organisation", args=[org.pk]),
    )


@require_POST
@login_required
def mark_left(request, pk):
    org = selectors.organisation_for_hr(request.user, pk)
    form = MarkLeftForm(request.POST)
    if form.is_valid():
        employment = Employment.objects.filter(
            organisation=org,
            employee_id=form.cleaned_data["employee_id"].strip(),
            left_on__isnull=True,
        ).first()
        if employment is None:
            form.add_error("employee_id", _("No current manager has this employee id."))
        elif not is_confirmed(request):
            return _mark_left_question(request, org, employment, form)
        else:
            services.mark_left(
                employment, actor=request.user, on=form.cleaned_data["left_on"]
            )
            messages.success(
                request,
                _("%(person)s is marked as having left.")
                % {"person": employment.person},
            )
            return redirect("rollouts:organisation", pk=org.pk)
    return _organisation_page(request, org, form, status=400)


# Import ----------------------------------------------------------------------


@login_required
def import_upload(request, pk):
    org = selectors.organisation_for_hr(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.preview_import(
                org, actor=request.user, filename=upload.name, content=upload.read()
            )
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect(batch)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rollouts/import_upload.html",
        {"organisation": org, "form": form},
        status=status,
    )


@login_required
def import_detail(request, pk):
    batch = selectors.batch_for_hr(request.user, pk)
    return _import_page(request, batch, ConfirmImportForm())


def _matches(query, *values):
    return not query or any(query in str(value).lower() for value in values)


def _import_page(request, batch, form, status=200):
    query = request.GET.get("q", "").strip().lower()[:100]
    problems = [
        p
        for p in batch.problems
        if _matches(query, p["line"], p["employee_id"], *p["messages"])
    ]
    missing = [
        m
        for m in batch.preview.get("missing", [])
        if _matches(query, m["employee_id"], m["name"])
    ]
    linked = [
        m
        for m in batch.preview.get("linked", [])
        if _matches(query, m["employee_id"], m["name"])
    ]
    context = {
        "batch": batch,
        "organisation": batch.organisation,
        "form": form,
        "can_confirm": not batch.problems and not services.batch_is_stale(batch),
        "is_pending": batch.status == ImportBatch.Status.PENDING,
        "query": query,
        "problems": problems,
        "missing": missing,
        "linked": linked,
        "missing_count": len(batch.preview.get("missing", [])),
    }
    return render(request, "rollouts/import_detail.html", context, status=status)


@require_POST
@login_required
def import_confirm(request, pk):
    batch = selectors.batch_for_hr(request.user, pk)
    if services.batch_is_stale(batch):
        raise Http404
    form = ConfirmImportForm(request.POST)
    form.is_valid()
    try:
        result = services.confirm_import(
            batch,
            actor=request.user,
            mark_missing_left=form.cleaned_data.get("mark_missing_left", False),
        )
    except (RolloutError, RegistrationError) as error:
        messages.error(request, str(error))
        return _import_page(request, batch, form, status=400)
    messages.success(
        request,
        _(
            "Imported: %(created)s new, %(updated)s updated, %(unchanged)s "
            "unchanged; %(missing)s not in the file."
        )
        % result,
    )
    return redirect(batch)


# Plans -----------------------------------------------------------------------


@login_required
def plan_new(request, pk):
    org = selectors.organisation_for_hr(request.user, pk)
    form = PlanForm(request.POST or None, programmes=org.programmes.all())
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(org, actor=request.user, **form.cleaned_data)
        except RolloutError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The plan is created. Check the cohorts' days, then plan.")
            )
            return redirect(plan)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rollouts/plan_form.html",
        {"organisation": org, "form": form},
        status=status,
    )


def _plan_context(request, plan, **forms):
    summary = selectors.plan_summary(plan)
    placements = {
        p.employment_id: p.rollout_cohort
        for p in plan.placements.select_related("rollout_cohort")
    }
    cohorts = [row.cohort for row in summary.cohorts]
    managers = [
        (
            e.pk,
            f"{e.person} ({e.employee_id})"
            + (f" – {placements[e.pk]}" if placements.get(e.pk) else ""),
        )
        for e in selectors.employments(plan.organisation_id).order_by(
            "person__last_name", "person__first_name"
        )
    ]
    to_book, to_cancel = services.pending_changes(plan)
    return {
        "plan": plan,
        "organisation": plan.organisation,
        "summary": summary,
        "run_form": forms.get("run_form") or RunForm(),
        "adjust_form": forms.get("adjust_form")
        or AdjustForm(managers=managers, cohorts=[(c.pk, str(c)) for c in cohorts]),
        "exclude_form": forms.get("exclude_form") or ExcludeForm(managers=managers),
        "exclusions": plan.exclusions.select_related(
            "employment__person", "excluded_by"
        ).order_by("employment__person__last_name", "employment__person__first_name"),
        "managers": managers,
        "to_book": to_book,
        "to_cancel": to_cancel,
        "changes": services.changes_preview(plan)
        if plan.status == plan.Status.PUBLISHED
        else None,
        "today": timezone.localdate(),
    }


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_for_hr(request.user, pk)
    return render(request, "rollouts/plan_detail.html", _plan_context(request, plan))


@login_required
def plan_status(request, pk):
    """The polled progress of planning; a full reload once it has finished."""
    plan = selectors.plan_for_hr(request.user, pk)
    response = render(request, "rollouts/plan_detail.html#status", {"plan": plan})
    if request.htmx and not plan.is_running and request.GET.get("polling"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def plan_run(request, pk):
    plan = selectors.plan_for_hr(request.user, pk)
    form = RunForm(request.POST)
    form.is_valid()
    try:
        services.start_planning(
            plan,
            actor=request.user,
            keep_placed=not form.cleaned_data.get("allow_moves", False),
        )
    except RolloutError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Planning has started."))
    return redirect(plan)


@require_POST
@login_required
def plan_adjust(request, pk):
    plan = selectors.plan_for_hr(request.user, pk)
    context = _plan_context(request, plan)
    form = AdjustForm(
        request.POST,
        managers=context["managers"],
        cohorts=context["adjust_form"].fields["cohort"].choices[1:],
    )
    if form.is_valid():
        data = form.cleaned_data
        employment = selectors.employment_for_plan(plan, data["employment"])
        cohort = (
            RolloutCohort.objects.filter(plan=plan, pk=data["cohort"]).first()
            if data.get("cohort")
            else None
        )
        try:
            _adjust(plan, employment, cohort, data["action"], request.user)
        except RolloutError as error:
            field = "employment" if data["action"] in ("pin", "unpin") else "cohort"
            form.add_error(field, str(error))
        else:
            messages.success(request, _("The plan is changed."))
            return redirect(plan)
    context["adjust_form"] = form
    return render(request, "rollouts/plan_detail.html", context, status=400)


def _adjust(plan, employment, cohort, action, actor):
    if action == "move":
        services.move(plan, employment, cohort, actor=actor)
    elif action in ("pin", "unpin"):
        services.set_pin(plan, employment, actor=actor, pinned=action == "pin")
    else:
        services.set_bar(plan, employment, cohort, actor=actor, barred=action == "bar")


@require_POST
@login_required
def plan_exclude(request, pk):
    plan = selectors.plan_for_hr(request.user, pk)
    context = _plan_context(request, plan)
    form = ExcludeForm(request.POST, managers=context["managers"])
    if form.is_valid():
        employment = selectors.employment_for_plan(
            plan, form.cleaned_data["employment"]
        )
        try:
            services.exclude(
                plan,
                employment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except RolloutError as error:
            form.add_error("employment", str(error))
        else:
            messages.success(
                request,
                _("%(person)s is left out of the rollout.")
                % {"person": employment.person},
            )
            return redirect(plan)
    context["exclude_form"] = form
    return render(request, "rollouts/plan_detail.html", context, status=400)


@require_POST
@login_required
def plan_include(request, pk, exclusion_pk):
    plan = selectors.plan_for_hr(request.user, pk)
    exclusion = Exclusion.objects.filter(plan=plan, pk=exclusion_pk).first()
    if exclusion is None:
        raise Http404
    services.include(plan, exclusion.employment, actor=request.user)
    messages.success(
        request,
        _("%(person)s is back in the rollout. Plan again to give them a cohort.")
        % {"person": exclusion.employment.person},
    )
    return redirect(plan)


@login_required
def plan_add_cohort(request, pk):
    plan = selectors.plan_for_hr(request.user, pk)
    form = AddCohortForm(request.POST or None, initial={"capacity": plan.cohort_size})
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.add_cohort(plan, actor=request.user, **form.cleaned_data)
        except RolloutError as error:
            form.add_error("starts_on", str(error))
        else:
            messages.success(
                request,
                _("%(cohort)s is added. Plan again to place managers in it.")
                % {"cohort": cohort},
            )
            return redirect("rollouts:plan-days", pk=plan.pk)
    return render(
        request,
        "rollouts/plan_add_cohort.html",
        {"plan": plan, "organisation": plan.organisation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _changes_page(request, plan):
    """What publishing will do, with counts, before HR confirms."""
    query = request.GET.get("q", "").strip().lower()[:100]
    changes = services.changes_preview(plan)
    summary = selectors.plan_summary(plan)

    def shown(items):
        return [
            item
            for item in items
            if _matches(query, item[0], item[0].email, item[1] or "", item[2] or "")
        ]

    sections = [
        ("added", _("Get a seat"), changes.added, shown(changes.added)),
        ("moved", _("Move to another cohort"), changes.moved, shown(changes.moved)),
        ("removed", _("Lose their seat"), changes.removed, shown(changes.removed)),
    ]
    return render(
        request,
        "rollouts/plan_publish.html",
        {
            "plan": plan,
            "organisation": plan.organisation,
            "changes": changes,
            "sections": sections,
            "query": query,
            "flags": summary.flags,
            "new_cohorts": sum(
                1
                for row in summary.cohorts
                if row.size and row.cohort.cohort_id is None
            ),
        },
    )


@login_required
def plan_publish(request, pk):
    """Publish the plan (or its changes), after the confirmation page."""
    plan = selectors.plan_for_hr(request.user, pk)
    if request.method != "POST":
        return _changes_page(request, plan)
    try:
        report = services.publish(plan, actor=request.user)
    except (RolloutError, RegistrationError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Published: %(cohorts)s new cohorts, %(booked)s seats given, "
                "%(cancelled)s cancelled."
            )
            % {
                "cohorts": report.cohorts_created,
                "booked": report.booked,
                "cancelled": report.cancelled,
            },
        )
    return redirect(plan)


@login_required
def plan_days(request, pk):
    plan = selectors.plan_for_hr(request.user, pk)
    today = timezone.localdate()
    cohorts = sorted(plan.cohorts.all(), key=lambda c: (c.starts_on, c.number))
    rows = []
    for cohort in cohorts:
        editable = not cohort.has_started(today)
        initial = {"capacity": cohort.capacity}
        initial.update(
            {f"day_{i}": day for i, day in enumerate(cohort.day_list(), start=1)}
        )
        form = CohortDaysForm(
            request.POST if request.method == "POST" and editable else None,
            days=len(cohort.dates),
            organisation=plan.organisation,
            initial=initial,
            prefix=f"c{cohort.pk}",
        )
        rows.append((cohort, form, editable))
    if request.method == "POST":
        failed = False
        for cohort, form, editable in rows:
            if not editable:
                continue
            if not form.is_valid():
                failed = True
                continue
            if (
                form.dates() == cohort.day_list()
                and form.cleaned_data["capacity"] == cohort.capacity
            ):
                continue
            try:
                services.update_cohort_days(
                    cohort,
                    actor=request.user,
                    dates=form.dates(),
                    capacity=form.cleaned_data["capacity"],
                    today=today,
                )
            except RolloutError as error:
                form.add_error(None, str(error))
                failed = True
        if not failed:
            messages.success(request, _("The cohorts' days are saved."))
            return redirect(plan)
    return render(
        request,
        "rollouts/plan_days.html",
        {"plan": plan, "organisation": plan.organisation, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def plan_cohort(request, pk, cohort_pk):
    plan = selectors.plan_for_hr(request.user, pk)
    cohort = get_object_or_404(plan.cohorts, pk=cohort_pk)
    where = {
        p.employment_id: p.rollout_cohort
        for p in plan.placements.select_related("rollout_cohort")
    }
    placements = (
        cohort.placements.select_related(
            "employment__person__unit", "employment__department"
        )
        .annotate(manager_employment_id=own_manager_employment("employment__"))
        .order_by("employment__department__name", "employment__person__last_name")
    )
    members = [(p, where.get(p.manager_employment_id)) for p in placements]
    return render(
        request,
        "rollouts/plan_cohort.html",
        {
            "plan": plan,
            "organisation": plan.organisation,
            "cohort": cohort,
            "members": members,
        },
    )


# Dashboard -------------------------------------------------------------------


@login_required
def dashboard(request, pk):
    org = selectors.organisation_for_hr(request.user, pk)
    rows, total = selectors.dashboard(org)
    return render(
        request,
        "rollouts/dashboard.html",
        {
            "organisation": org,
            "rows": rows,
            "total": total,
            "chart": selectors.dashboard_chart(rows),
        },
    )


@login_required
def dashboard_xlsx(request, pk):
    org = selectors.organisation_for_hr(request.user, pk)
    rows, total = selectors.dashboard(org)
    response = HttpResponse(
        exports.dashboard_xlsx(org, rows, total), content_type=spreadsheets.XLSX_TYPE
    )
    name = slugify(org.short_name or org.name) or "organisation"
    response["Content-Disposition"] = f'attachment; filename="rollout-{name}.xlsx"'
    return response


# Follow-ups ------------------------------------------------------------------


@login_required
def follow_ups(request):
    return _follow_ups_page(request, None, None)


def _follow_ups_page(request, failed, form, status=200):
    today = timezone.localdate()
    items = []
    for follow_up in selectors.follow_ups_for(request.user):
        this_form = (
            form
            if failed == follow_up.pk
            else FollowUpForm(prefix=f"f{follow_up.pk}", initial={"held_on": today})
        )
        items.append((follow_up, this_form))
    due = [
        (f, form) for f, form in items if f.held_on is None and f.cohort.ends_on < today
    ]
    upcoming = [
        (f, form)
        for f, form in items
        if f.held_on is None and f.cohort.ends_on >= today
    ]
    held = [(f, form) for f, form in items if f.held_on is not None]
    return render(
        request,
        "rollouts/follow_ups.html",
        {"due": due, "upcoming": upcoming, "held": held},
        status=status,
    )


@require_POST
@login_required
def follow_up_log(request, pk):
    follow_up = selectors.follow_up_for_person(request.user, pk)
    form = FollowUpForm(request.POST, prefix=f"f{follow_up.pk}")
    if form.is_valid():
        try:
            services.log_follow_up(follow_up, actor=request.user, **form.cleaned_data)
        except RolloutError as error:
            form.add_error("held_on", str(error))
        else:
            messages.success(request, _("The follow-up is logged."))
            return redirect("rollouts:follow-ups")
    return _follow_ups_page(request, follow_up.pk, form, status=400)
