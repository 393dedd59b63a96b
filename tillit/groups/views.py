"""Peer-group pages. Every view finds its object through a selector gate, so a
person who may not see it gets 404: facilitators their rounds, applicants the
rounds open to them, members and facilitators a group's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tillit.core import timezones
from tillit.core.confirm import ask_first, is_confirmed

from . import selectors, services, wording
from .forms import (
    AgreementForm,
    ApplicationForm,
    ContinueForm,
    FacilitatorForm,
    LogForm,
    MeetingForm,
    MoveForm,
    RoundForm,
    ThemeForm,
)
from .models import Application, GroupMeeting

GroupsError = services.GroupsError
POOL_PER_PAGE = 100


# Everyone -----------------------------------------------------------------------


@login_required
def home(request):
    """A person's peer groups, rounds open to them, and rounds they facilitate."""
    person = request.user
    applied = dict(
        Application.objects.filter(person=person).values_list("round_id", "status")
    )
    context = {
        "groups": selectors.groups_for_member(person),
        "open_rounds": [
            (round_, applied.get(round_.pk)) for round_ in selectors.open_rounds(person)
        ],
        "facilitated": selectors.rounds_overview(person),
        "may_create": selectors.may_create_rounds(person),
    }
    return render(request, "groups/home.html", context)


@login_required
def apply(request, pk):
    round_ = selectors.round_for_applicant(request.user, pk)
    application = selectors.application_of(request.user, round_)
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply(round_, request.user, **form.cleaned_data)
        except GroupsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Thank you. The facilitator will decide on your application."),
            )
            return redirect("groups:apply", pk=round_.pk)
    context = {
        "round": round_,
        "application": application,
        "form": form,
        "Status": Application.Status,
    }
    return render(request, "groups/apply.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request, pk):
    round_ = selectors.round_for_applicant(request.user, pk)
    application = selectors.application_of(request.user, round_)
    if application is None:
        raise Http404
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Withdraw from the round?"),
            consequences=[
                _(
                    "Your application to %(round)s is withdrawn; you are not placed "
                    "in a group."
                )
                % {"round": round_}
            ],
            button=_("Yes, withdraw"),
            back_url=reverse("groups:apply", kwargs={"pk": round_.pk}),
        )
    try:
        services.withdraw(application, actor=request.user)
    except GroupsError as error:
        messages.error(request, error)
    else:
        messages.success(request, _("You have withdrawn from the round."))
    return redirect("groups:apply", pk=round_.pk)


# Facilitators: rounds and their pool --------------------------------------------


@login_required
def round_create(request):
    owners = selectors.owner_choices(request.user)
    if not owners.exists():
        raise Http404
    networks = selectors.network_choices(request.user)
    form = RoundForm(request.POST or None, owners=owners, networks=networks)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.create_round(
                actor=request.user,
                owner=form.cleaned_data["owner"],
                network=form.cleaned_data["network"],
                **form.settings(),
            )
        except GroupsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The round was created."))
            return redirect(round_)
    return render(request, "groups/round_form.html", {"form": form, "round": None})


@login_required
def round_settings(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(round_, actor=request.user, **form.settings())
        except GroupsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The round's settings were saved."))
            return redirect(round_)
    return render(request, "groups/round_form.html", {"form": form, "round": round_})


@login_required
def round_detail(request, pk, facilitator_form=None, theme_form=None, status=200):
    round_ = selectors.round_for_facilitator(request.user, pk)
    shown = request.GET.get("status", "")
    if shown not in Application.Status.values:
        shown = ""
    page = _page(selectors.pool(round_, shown), request.GET.get("page"))
    context = {
        "round": round_,
        "counts": selectors.pool_counts(round_),
        "shown": shown,
        "page": page,
        "statuses": Application.Status.choices,
        "proposal": getattr(round_, "proposal", None),
        "groups": selectors.round_groups(round_) if round_.is_published else [],
        "facilitators": round_.facilitators.all(),
        "themes": round_.themes.all(),
        "facilitator_form": facilitator_form or FacilitatorForm(),
        "theme_form": theme_form or ThemeForm(),
        "continue_form": ContinueForm(
            initial={"title": round_.title, "year": round_.year + 1}
        ),
        "continuations": round_.continuations.all(),
    }
    return render(request, "groups/round_detail.html", context, status=status)


def _page(queryset, number):
    from django.core.paginator import Paginator

    return Paginator(queryset, POOL_PER_PAGE).get_page(number)


@require_POST
@login_required
def application_decide(request, pk):
    application = get_object_or_404(
        Application.objects.select_related("person").filter(
            round__in=selectors.rounds_for_facilitator(request.user)
        ),
        pk=pk,
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "remove"):
        messages.error(request, _("Choose to take the application or remove it."))
    else:
        try:
            services.decide(
                application, actor=request.user, accept=decision == "accept"
            )
        except GroupsError as error:
            messages.error(request, error)
        else:
            text = (
                _("%(person)s is in the pool.")
                if decision == "accept"
                else _("%(person)s is no longer in the pool.")
            )
            messages.success(request, text % {"person": application.person})
    return redirect(_back(request, application.round_id))


def _back(request, round_id):
    url = reverse("groups:round", kwargs={"pk": round_id})
    query = request.POST.get("return_query", "")
    return f"{url}?{query}" if query else url


@require_POST
@login_required
def accept_waiting(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    try:
        count = services.accept_waiting(round_, actor=request.user)
    except GroupsError as error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s application taken into the pool.",
                "%(count)s applications taken into the pool.",
                count,
            )
            % {"count": count},
        )
    return redirect(round_)


@require_POST
@login_required
def add_network(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    try:
        count = services.add_network_members(round_, actor=request.user)
    except GroupsError as error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s network member added to the pool.",
                "%(count)s network members added to the pool.",
                count,
            )
            % {"count": count},
        )
    return redirect(round_)


@require_POST
@login_required
def facilitator_add(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    form = FacilitatorForm(request.POST)
    if not form.is_valid():
        return round_detail(request, pk, facilitator_form=form, status=400)
    services.add_facilitator(round_, form.person, actor=request.user)
    messages.success(
        request, _("%(person)s is a facilitator.") % {"person": form.person}
    )
    return redirect(round_)


@require_POST
@login_required
def theme_add(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.raise_theme(round_, actor=request.user, **form.cleaned_data)
        except GroupsError as error:
            form.add_error("title", str(error))
    if form.errors:
        return round_detail(request, pk, theme_form=form, status=400)
    messages.success(request, _("The theme is shown on every group's page."))
    return redirect(round_)


# Facilitators: the proposal -----------------------------------------------------


@require_POST
@login_required
def propose(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    try:
        proposal = services.request_proposal(round_, actor=request.user)
    except GroupsError as error:
        messages.error(request, error)
        return redirect(round_)
    if proposal.status == proposal.Status.FAILED and proposal.message:
        messages.error(request, proposal.message)
    return redirect("groups:proposal", pk=round_.pk)


@login_required
def proposal(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    context = _proposal_context(round_, request.GET.get("page"))
    return render(request, "groups/proposal.html", context)


def _proposal_context(round_, page, **extra):
    proposal = getattr(round_, "proposal", None)
    view = None
    reasons, ways = [], []
    if proposal is not None and proposal.is_ready and not proposal.is_running:
        view = selectors.proposal_view(proposal, page or 1)
    elif proposal is not None and proposal.status == proposal.Status.FAILED:
        reasons = wording.reason_sentences(proposal)
        if not round_.is_published:
            ways = wording.way_out_cards(proposal)
    return {
        "round": round_,
        "proposal": proposal,
        "view": view,
        "reasons": reasons,
        "ways": ways,
        "move_form": MoveForm(),
        **extra,
    }


@login_required
def proposal_status(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    proposal = getattr(round_, "proposal", None)
    if proposal is None:
        raise Http404
    if request.htmx and not proposal.is_running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("groups:proposal", kwargs={"pk": round_.pk})
        return response
    return render(
        request, "groups/proposal.html#status", {"round": round_, "proposal": proposal}
    )


@require_POST
@login_required
def proposal_move(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    form = MoveForm(request.POST)
    notice = error = ""
    if not form.is_valid():
        error = _("Give the number of a group.")
    else:
        try:
            services.move(
                round_,
                actor=request.user,
                person_id=form.cleaned_data["person"],
                group_number=form.cleaned_data["group"],
            )
        except GroupsError as problem:
            error = str(problem)
        else:
            notice = _("Moved to group %(number)s. The figures are updated.") % {
                "number": form.cleaned_data["group"]
            }
    page = request.POST.get("page") or 1
    if request.htmx:
        context = _proposal_context(round_, page, notice=notice, error=error)
        return render(request, "groups/proposal.html#body", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(
        f"{reverse('groups:proposal', kwargs={'pk': round_.pk})}?page={page}"
    )


@require_http_methods(["GET", "POST"])
@login_required
def proposal_way_out(request, pk):
    """Make the proposal from one of the engine's ways out, after the
    confirmation page that says what it gives."""
    round_ = selectors.round_for_facilitator(request.user, pk)
    proposal = getattr(round_, "proposal", None)
    data = request.POST if request.method == "POST" else request.GET
    try:
        number = int(data.get("way", ""))
    except ValueError:
        number = 0
    cards = (
        {card.number: card for card in wording.way_out_cards(proposal)}
        if (proposal is not None and proposal.status == proposal.Status.FAILED)
        else {}
    )
    if number not in cards:
        messages.error(
            request, _("That way forward is no longer offered; form the groups again.")
        )
        return redirect("groups:proposal", pk=round_.pk)
    card = cards[number]
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Propose the groups this way?"),
            consequences=[
                card.title,
                *card.details,
                _(
                    "The groups are proposed this way; you can still move people by "
                    "hand, and nothing is published or sent yet."
                ),
            ],
            button=_("Yes, propose the groups this way"),
            back_url=reverse("groups:proposal", kwargs={"pk": round_.pk}),
        )
    try:
        services.choose_way_out(round_, actor=request.user, number=number)
    except GroupsError as error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s group is proposed. Check it, then publish.",
                "%(count)s groups are proposed. Check them, then publish.",
                len(card.sizes),
            )
            % {"count": len(card.sizes)},
        )
    return redirect("groups:proposal", pk=round_.pk)


@require_http_methods(["GET", "POST"])
@login_required
def publish(request, pk):
    """Publish the proposal's groups, after the confirmation page."""
    round_ = selectors.round_for_facilitator(request.user, pk)
    if not is_confirmed(request):
        proposal = getattr(round_, "proposal", None)
        assignment = proposal.assignment if proposal is not None else {}
        groups, members = len(set(assignment.values())), len(assignment)
        return ask_first(
            request,
            title=_("Publish the groups?"),
            consequences=[
                ngettext(
                    "%(count)s group is created as proposed.",
                    "%(count)s groups are created as proposed.",
                    groups,
                )
                % {"count": groups},
                ngettext(
                    "%(count)s member is told by e-mail and can open the group's page.",
                    "%(count)s members are told by e-mail and can open their "
                    "group's page.",
                    members,
                )
                % {"count": members},
            ],
            button=_("Yes, publish the groups"),
            back_url=reverse("groups:proposal", kwargs={"pk": round_.pk}),
        )
    try:
        groups = services.publish(round_, actor=request.user)
    except GroupsError as error:
        messages.error(request, error)
        return redirect("groups:proposal", pk=round_.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s group is published and every member is told.",
            "%(count)s groups are published and every member is told.",
            len(groups),
        )
        % {"count": len(groups)},
    )
    return redirect(round_)


@require_POST
@login_required
def continue_round(request, pk):
    round_ = selectors.round_for_facilitator(request.user, pk)
    form = ContinueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give next year's round a title and a year."))
        return redirect(round_)
    try:
        new = services.continue_round(round_, actor=request.user, **form.cleaned_data)
    except GroupsError as error:
        messages.error(request, error)
        return redirect(round_)
    messages.success(
        request,
        _("Next year's round is created with the continuing members in its pool."),
    )
    return redirect(new)


# A group's own page -------------------------------------------------------------


@login_required
def group_detail(request, pk, forms=None, status=200):
    group = selectors.group_for_member(request.user, pk)
    page = selectors.group_page(group)
    agreement = page["agreement"]
    forms = forms or {}
    context = {
        "group": group,
        "round": group.round,
        "is_facilitator": selectors.is_facilitator(request.user, group.round),
        "agreement_form": forms.get("agreement")
        or AgreementForm(
            initial={
                "ways_of_working": agreement.ways_of_working if agreement else "",
                "themes": agreement.themes if agreement else "",
            }
        ),
        "meeting_form": forms.get("meeting")
        or MeetingForm(prefix="meeting", zone=_meeting_zone(group)),
        "log_form": forms.get("log") or LogForm(prefix="log"),
        **page,
    }
    return render(request, "groups/group_detail.html", context, status=status)


@require_POST
@login_required
def agreement_write(request, pk):
    group = selectors.group_for_member(request.user, pk)
    form = AgreementForm(request.POST)
    if not form.is_valid():
        return group_detail(request, pk, forms={"agreement": form}, status=400)
    services.write_agreement(group, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Your ways of working and themes are saved."))
    return redirect(group)


@require_POST
@login_required
def meeting_add(request, pk):
    group = selectors.group_for_member(request.user, pk)
    form = MeetingForm(request.POST, prefix="meeting", zone=_meeting_zone(group))
    if form.is_valid():
        _save_meeting(form, services.plan_meeting, group, request.user)
    if form.errors:
        return group_detail(request, pk, forms={"meeting": form}, status=400)
    messages.success(request, _("The meeting is added."))
    return redirect(f"{group.get_absolute_url()}#meetings-heading")


def _meeting_zone(group):
    """A group meets on the clock of its round's owner organisation."""
    return timezones.zone_of(group.round.owner)


def _save_meeting(form, save, target, actor):
    """Run plan_meeting or update_meeting with the form's data; a refusal
    goes beside the end time. Returns whether it was saved."""
    starts_at, ends_at = form.times()
    try:
        save(
            target,
            actor=actor,
            starts_at=starts_at,
            ends_at=ends_at,
            place=form.cleaned_data["place"],
            note=form.cleaned_data["note"],
        )
    except GroupsError as error:
        form.add_error("ends", str(error))
        return False
    return True


@login_required
def meeting_edit(request, pk):
    meeting = get_object_or_404(
        GroupMeeting.objects.select_related("group__round__owner"),
        pk=pk,
        group__in=selectors.groups_for_person(request.user),
    )
    zone = _meeting_zone(meeting.group)
    initial = MeetingForm.initial_for(meeting, zone)
    form = MeetingForm(request.POST or None, initial=initial, zone=zone)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and _save_meeting(form, services.update_meeting, meeting, request.user)
    )
    if saved:
        messages.success(request, _("The meeting is changed."))
        return redirect(meeting.group)
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "form": form,
        "meeting_zone": zone,
    }
    return render(request, "groups/meeting_form.html", context)


@require_POST
@login_required
def log_add(request, pk):
    group = selectors.group_for_member(request.user, pk)
    form = LogForm(request.POST, prefix="log")
    if form.is_valid():
        try:
            services.log_meeting(group, actor=request.user, **form.cleaned_data)
        except GroupsError as error:
            form.add_error("text", str(error))
    if form.errors:
        return group_detail(request, pk, forms={"log": form}, status=400)
    messages.success(request, _("The meeting is in the log."))
    return redirect(f"{group.get_absolute_url()}#log-heading")
