"""Mentoring pages. Each view finds its object through a selector gate, so a
person who may not see it gets 404: mentees their programme's pool and wishes,
pair members their pair, organisers their own programmes (meta only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tillit.core import timezones
from tillit.core.confirm import ask_first, is_confirmed
from tillit.core.models import Person
from tillit.programmes import selectors as programme_selectors

from . import selectors, services
from .forms import (
    AddMentorForm,
    EvaluationForm,
    MeetingForm,
    MentorForm,
    NoteForm,
    PoolFilterForm,
    SettingsForm,
    WishesForm,
)
from .models import Mentor, Note

#: Why the engine (or the organiser) left a mentee without a mentor.
REASONS = {
    "no_allowed_mentor": gettext_lazy(
        "Every mentor is ruled out: same organisation or own line of management."
    ),
    "no_wish_or_fit": gettext_lazy(
        "They ranked no mentor, and no mentor fits what they asked for."
    ),
    "mentors_full_fixed": gettext_lazy(
        "Every mentor they could have is full with published pairs."
    ),
    "mentors_full": gettext_lazy(
        "Every mentor they could have is full, and no other arrangement frees a place."
    ),
    "organiser": gettext_lazy("Left without a mentor by hand."),
}

# Mentees and mentors -------------------------------------------------------------


@login_required
def home(request):
    programmes, mentoring_pairs = selectors.mentoring_of_person(request.user)
    context = {"programmes": programmes, "mentoring_pairs": mentoring_pairs}
    return render(request, "mentoring/home.html", context)


@login_required
def pool(request, pk):
    mentoring = selectors.mentoring_for_mentee(request.user, pk)
    regions = selectors.regions(mentoring)
    form = PoolFilterForm(request.GET or None, regions=regions)
    filters = form.cleaned_data if form.is_valid() else {}
    mentors = selectors.pool(
        mentoring,
        area=filters.get("area", ""),
        region=filters.get("region", ""),
        language=filters.get("language", ""),
    )
    context = {
        "mentoring": mentoring,
        "programme": mentoring.programme,
        "form": form,
        "mentors": mentors,
        "wishlist": selectors.wishlist_of(mentoring, request.user),
    }
    if request.htmx:
        return render(request, "mentoring/pool.html#results", context)
    return render(request, "mentoring/pool.html", context)


@login_required
def wishes(request, pk):
    mentoring = selectors.mentoring_for_mentee(request.user, pk)
    pair = selectors.pair_of_mentee(mentoring, request.user)
    wishlist = selectors.wishlist_of(mentoring, request.user)
    form = WishesForm(
        request.POST if request.method == "POST" and pair is None else None,
        mentoring=mentoring,
        mentors=selectors.pool(mentoring),
        regions=selectors.regions(mentoring),
        initial=WishesForm.initial_from(wishlist, request.user),
    )
    if request.method == "POST" and pair is None and form.is_valid():
        try:
            services.save_wishes(
                mentoring,
                request.user,
                mentors=form.ranked_mentors(),
                areas=form.cleaned_data["areas"],
                region=form.cleaned_data["region"],
                languages=form.cleaned_data["languages"],
                note=form.cleaned_data["note"],
            )
        except services.MentoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your wishes were saved."))
            return redirect("mentoring:wishes", pk=pk)
    context = {
        "mentoring": mentoring,
        "programme": mentoring.programme,
        "form": form,
        "pair": pair,
        "wishlist": wishlist,
    }
    return render(request, "mentoring/wishes.html", context)


def _meeting_zone(pair):
    """A pair's meetings are on the programme organiser's clock."""
    return timezones.zone_of(pair.mentoring.programme.organiser)


def _pair_context(request, pair, *, meeting_form=None, note_form=None):
    return {
        "pair": pair,
        "programme": pair.mentoring.programme,
        "is_mentee": pair.mentee_id == request.user.pk,
        "other": pair.other_member(request.user),
        "meeting_form": meeting_form
        or MeetingForm(prefix="meeting", zone=_meeting_zone(pair)),
        "meeting_zone": _meeting_zone(pair),
        "note_form": note_form
        or NoteForm(prefix="note", initial={"visibility": Note.Visibility.SHARED}),
        "evaluation_open": selectors.evaluation_open(pair),
        "has_evaluated": pair.evaluations.filter(respondent=request.user).exists(),
        **selectors.pair_space(pair, request.user),
    }


@login_required
def pair_detail(request, pk):
    pair = selectors.pair_for_member(request.user, pk)
    return render(request, "mentoring/pair.html", _pair_context(request, pair))


@login_required
def meeting_plan(request, pk):
    pair = selectors.pair_for_member(request.user, pk)
    if request.method != "POST":
        return redirect(pair)
    form = MeetingForm(request.POST, prefix="meeting", zone=_meeting_zone(pair))
    if form.is_valid():
        try:
            services.plan_meeting(pair, actor=request.user, **form.cleaned_data)
        except services.MentoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting was planned."))
            return redirect(f"{pair.get_absolute_url()}#meetings")
    context = _pair_context(request, pair, meeting_form=form)
    return render(request, "mentoring/pair.html", context, status=400)


@require_POST
@login_required
def meeting_held(request, pk):
    return _meeting_action(
        request, pk, services.mark_held, _("The meeting was marked as held.")
    )


def _meeting_action(request, pk, action, done):
    """Run a one-button action on a meeting of the user's pair and go back."""
    meeting = selectors.meeting_for_member(request.user, pk)
    pair = meeting.pair
    try:
        action(meeting, actor=request.user)
    except services.MentoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(f"{pair.get_absolute_url()}#meetings")


@login_required
def meeting_edit(request, pk):
    meeting = selectors.meeting_for_member(request.user, pk)
    pair = meeting.pair
    back = f"{pair.get_absolute_url()}#meeting-{meeting.pk}"
    if meeting.is_held:
        messages.error(
            request,
            _("A held meeting is part of the record and can no longer be changed."),
        )
        return redirect(back)
    initial = {
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "link": meeting.link,
        "topics": meeting.topics,
    }
    form = MeetingForm(request.POST or None, initial=initial, zone=_meeting_zone(pair))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_meeting(meeting, actor=request.user, **form.cleaned_data)
        except services.MentoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting was changed."))
            return redirect(back)
    context = {
        "meeting": meeting,
        "pair": pair,
        "other": pair.other_member(request.user),
        "form": form,
        "meeting_zone": _meeting_zone(pair),
    }
    status = 400 if form.errors else 200
    return render(request, "mentoring/meeting_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_cancel(request, pk):
    """Cancel a planned meeting, after the confirmation page."""
    if not is_confirmed(request):
        meeting = selectors.meeting_for_member(request.user, pk)
        other = meeting.pair.other_member(request.user)
        when = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y H:i")
        return ask_first(
            request,
            title=_("Cancel the meeting?"),
            consequences=[
                _("The meeting on %(when)s is removed for both of you.")
                % {"when": when},
                _("%(name)s is told by e-mail.") % {"name": other},
            ],
            button=_("Yes, cancel the meeting"),
            back_url=f"{meeting.pair.get_absolute_url()}#meeting-{meeting.pk}",
        )
    return _meeting_action(
        request, pk, services.cancel_meeting, _("The meeting was cancelled.")
    )


@login_required
def note_add(request, pk):
    pair = selectors.pair_for_member(request.user, pk)
    if request.method != "POST":
        return redirect(pair)
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        try:
            services.add_note(pair, actor=request.user, **form.cleaned_data)
        except services.MentoringError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, _("The note was saved."))
            return redirect(f"{pair.get_absolute_url()}#notes")
    context = _pair_context(request, pair, note_form=form)
    return render(request, "mentoring/pair.html", context, status=400)


@login_required
def evaluate(request, pk):
    pair = selectors.pair_for_member(request.user, pk)
    if not selectors.evaluation_open(pair):
        raise Http404
    done = pair.evaluations.filter(respondent=request.user).exists()
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.submit_evaluation(
                pair,
                actor=request.user,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
        except services.MentoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect(pair)
    context = {"pair": pair, "form": form, "done": done}
    return render(request, "mentoring/evaluate.html", context)


# Organisers ---------------------------------------------------------------------


@login_required
def organiser_home(request):
    if not programme_selectors.is_organiser(request.user):
        raise Http404
    programmes = (
        programme_selectors.programmes_for_organiser(request.user)
        .programmes()
        .select_related("mentoring")
        .order_by("title")
    )
    return render(request, "mentoring/organiser/home.html", {"programmes": programmes})


@require_POST
@login_required
def organiser_set_up(request, pk):
    programme, _mentoring = selectors.mentoring_for_organiser(request.user, pk)
    services.set_up(programme, actor=request.user)
    messages.success(request, _("Mentoring is switched on for the programme."))
    return redirect("mentoring:organiser-programme", pk=pk)


@login_required
def organiser_programme(request, pk):
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    settings_form = SettingsForm(
        request.POST if request.method == "POST" else None, instance=mentoring
    )
    if request.method == "POST" and settings_form.is_valid():
        services.update_settings(
            mentoring, actor=request.user, **settings_form.cleaned_data
        )
        messages.success(request, _("The settings were saved."))
        return redirect("mentoring:organiser-programme", pk=pk)
    return render(
        request,
        "mentoring/organiser/programme.html",
        _programme_context(mentoring, settings_form=settings_form),
    )


def _programme_context(mentoring, *, settings_form=None, add_form=None):
    loads = selectors.published_loads(mentoring)
    mentors = [
        (m, loads.get(m.pk, 0))
        for m in mentoring.mentors.select_related("person__organisation")
    ]
    mentees = list(selectors.mentees(mentoring))
    wishlists = {w.mentee_id: w for w in mentoring.wishlists.prefetch_related("wishes")}
    paired = set(mentoring.pairs.values_list("mentee_id", flat=True))
    return {
        "mentoring": mentoring,
        "programme": mentoring.programme,
        "settings_form": settings_form or SettingsForm(instance=mentoring),
        "add_form": add_form or AddMentorForm(prefix="add"),
        "mentors": mentors,
        "mentee_rows": [(m, wishlists.get(m.pk), m.pk in paired) for m in mentees],
        "proposal": selectors.open_proposal(mentoring),
    }


@login_required
def organiser_mentor_add(request, pk):
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    if request.method != "POST":
        return redirect("mentoring:organiser-programme", pk=pk)
    form = AddMentorForm(request.POST, prefix="add")
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = form.person or services.create_person(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation=data["organisation"],
                title=data["title"],
                actor=request.user,
            )
            mentor = services.add_mentor(
                mentoring, person, actor=request.user, **form.profile_fields()
            )
        except services.MentoringError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("%(name)s was added to the mentor pool.") % {"name": mentor.person},
            )
            return redirect("mentoring:organiser-programme", pk=pk)
    context = _programme_context(mentoring, add_form=form)
    return render(request, "mentoring/organiser/programme.html", context, status=400)


@login_required
def organiser_mentor_edit(request, pk):
    mentor = selectors.mentor_for_organiser(request.user, pk)
    form = MentorForm.for_mentor(
        mentor, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mentor(mentor, actor=request.user, **form.profile_fields())
        except services.MentoringError as error:
            form.add_error("capacity", str(error))
        else:
            messages.success(request, _("The mentor was saved."))
            return redirect(
                "mentoring:organiser-programme", pk=mentor.mentoring.programme_id
            )
    context = {"mentor": mentor, "form": form, "programme": mentor.mentoring.programme}
    return render(request, "mentoring/organiser/mentor_form.html", context)


def _matching_context(mentoring):
    run = selectors.open_proposal(mentoring)
    context = {
        "mentoring": mentoring,
        "programme": mentoring.programme,
        "run": run,
        "pairs": [],
        "unmatched": [],
        "loads": [],
    }
    if run is None:
        return context
    rows = list(
        run.rows.select_related("mentee__organisation", "mentor__person__organisation")
    )
    wishlists = {w.mentee_id: w for w in mentoring.wishlists.prefetch_related("wishes")}
    mentors = list(mentoring.mentors.select_related("person__organisation"))
    in_run = {}
    for row in rows:
        if row.mentor_id:
            in_run[row.mentor_id] = in_run.get(row.mentor_id, 0) + 1
    mentee_ids = {row.mentee_id for row in rows}
    outside = {}
    for pair in mentoring.pairs.exclude(mentee__in=mentee_ids):
        outside[pair.mentor_id] = outside.get(pair.mentor_id, 0) + 1
    context["mentor_choices"] = mentors
    for row in rows:
        item = {
            "row": row,
            "wishlist": wishlists.get(row.mentee_id),
        }
        if row.mentor_id:
            item["fit"] = selectors.fit(wishlists.get(row.mentee_id), row.mentor)
            context["pairs"].append(item)
        else:
            item["reason"] = REASONS.get(row.reason, row.explanation)
            context["unmatched"].append(item)
    context["loads"] = [
        (m, in_run.get(m.pk, 0) + outside.get(m.pk, 0)) for m in mentors
    ]
    return context


@login_required
def organiser_matching(request, pk):
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    context = _matching_context(mentoring)
    return render(request, "mentoring/organiser/matching.html", context)


@require_POST
@login_required
def organiser_matching_run(request, pk):
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    try:
        services.run_matching(mentoring, actor=request.user)
    except services.MentoringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new proposal is ready. Review and publish it."))
    return redirect("mentoring:organiser-matching", pk=pk)


@require_POST
@login_required
def organiser_matching_assign(request, pk):
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    run = selectors.open_proposal(mentoring)
    if run is None:
        raise Http404
    row = get_object_or_404(run.rows, mentee_id=request.POST.get("mentee"))
    mentor_pk = request.POST.get("mentor") or None
    mentor = (
        get_object_or_404(Mentor, pk=mentor_pk, mentoring=mentoring)
        if mentor_pk and mentor_pk.isdigit()
        else None
    )
    mentee = get_object_or_404(Person, pk=row.mentee_id)
    try:
        services.assign(run, mentee, mentor, actor=request.user)
    except services.MentoringError as error:
        messages.error(request, str(error))
    else:
        if mentor:
            messages.success(
                request,
                _("%(mentee)s now has %(mentor)s as mentor in the proposal.")
                % {"mentee": mentee, "mentor": mentor.person},
            )
        else:
            messages.success(
                request,
                _("%(mentee)s is now without a mentor in the proposal.")
                % {"mentee": mentee},
            )
    url = reverse("mentoring:organiser-matching", kwargs={"pk": pk})
    return redirect(f"{url}#mentee-{mentee.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def organiser_matching_publish(request, pk):
    """Publish the proposed pairs, after the confirmation page."""
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    run = selectors.open_proposal(mentoring)
    if run is None:
        raise Http404
    if not is_confirmed(request):
        pairs = run.rows.filter(fixed=False, mentor__isnull=False).count()
        return ask_first(
            request,
            title=_("Publish the pairs?"),
            consequences=[
                ngettext(
                    "%(count)s new pair is created.",
                    "%(count)s new pairs are created.",
                    pairs,
                )
                % {"count": pairs},
                ngettext(
                    "Its mentee and mentor are told by e-mail.",
                    "%(count)s mentees and their mentors are told by e-mail.",
                    pairs,
                )
                % {"count": pairs},
            ],
            button=_("Yes, publish the pairs"),
            back_url=reverse("mentoring:organiser-matching", kwargs={"pk": pk}),
        )
    try:
        pairs = services.publish(run, actor=request.user)
    except services.MentoringError as error:
        messages.error(request, str(error))
        return redirect("mentoring:organiser-matching", pk=pk)
    messages.success(
        request,
        ngettext(
            "%(count)d pair was published; the mentee and mentor are told by e-mail.",
            "%(count)d pairs were published; mentees and mentors are told by e-mail.",
            len(pairs),
        )
        % {"count": len(pairs)},
    )
    return redirect("mentoring:organiser-pairs", pk=pk)


@login_required
def organiser_pairs(request, pk):
    mentoring = selectors.set_up_mentoring_for_organiser(request.user, pk)
    context = {
        "mentoring": mentoring,
        "programme": mentoring.programme,
        "rows": selectors.pairs_overview(mentoring),
        "results": selectors.evaluation_results(mentoring),
        "min_answers": selectors.MIN_ANSWERS,
    }
    return render(request, "mentoring/organiser/pairs.html", context)
