"""Organiser pages: events, their talks, invitations, attendees and material.

Every view finds its event through selectors.event_for_organiser (the
programmes' gate: staff of the owner organisation), so anyone else gets 404.
Registrations, exports and evaluations of an event are the cohort pages of
tillit.registrations and tillit.evaluations, linked from the event's page.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tillit.core.confirm import ask_first, is_confirmed
from tillit.core.models import Organisation, Person
from tillit.networks.models import Network
from tillit.registrations import selectors as registration_selectors
from tillit.registrations.services import RegistrationError

from .. import selectors, services
from ..forms import EventForm, InviteForm, MaterialForm, TalkForm
from ..models import MaterialFile, Talk


def _save(form, save):
    """Run a service with the form's data; put its errors on the form. Returns
    what the service returned, or None when the form got errors."""
    try:
        return save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except RegistrationError as error:
        form.add_error("capacity" if "capacity" in form.fields else None, str(error))
    except services.EventError as error:
        form.add_error(None, str(error))
    return None


@login_required
def organiser_home(request):
    organisations = selectors.organisations_for_organiser(request.user)
    if not organisations.exists():
        raise Http404
    rows = [
        (event, registration_selectors.availability_of(event.cohort))
        for event in selectors.organiser_overview(request.user)
    ]
    return render(request, "events/organiser/home.html", {"rows": rows})


def _networks(organisations):
    return Network.objects.filter(owner__in=organisations, is_active=True).order_by(
        "name"
    )


@login_required
def event_create(request):
    organisations = selectors.organisations_for_organiser(request.user)
    if not organisations.exists():
        raise Http404
    form = EventForm(
        request.POST or None,
        organisations=organisations,
        networks=_networks(organisations),
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        event = _save(
            form,
            lambda: services.create_event(
                organisation, actor=request.user, **form.service_fields()
            ),
        )
        if event:
            messages.success(request, _("The event was created."))
            return redirect("events:organiser-event", pk=event.pk)
    return render(
        request, "events/organiser/event_form.html", {"form": form, "event": None}
    )


@login_required
def event_edit(request, pk):
    event = selectors.event_for_organiser(request.user, pk)
    form = EventForm(
        request.POST or None,
        organisations=None,
        networks=selectors.invitable_networks(event),
        event=event,
    )
    if request.method == "POST" and form.is_valid():
        # The service works on a copy, so a refused change leaves the page as it was.
        saved = _save(
            form,
            lambda: services.update_event(
                copy.copy(event), actor=request.user, **form.service_fields()
            ),
        )
        if saved:
            messages.success(request, _("The event was saved."))
            return redirect("events:organiser-event", pk=event.pk)
    return render(
        request, "events/organiser/event_form.html", {"form": form, "event": event}
    )


def _event_context(event):
    return {
        "event": event,
        "attendees": selectors.attendees(event),
        "talks": event.talks.all(),
        "rounds": [
            (r, selectors.describe_round(r)) for r in selectors.invitation_rounds(event)
        ],
        "n_invited": event.invitations.count(),
        "material_files": event.material_files.all(),
    }


@login_required
def event_detail(request, pk):
    event = selectors.event_for_organiser(request.user, pk)
    return render(request, "events/organiser/event_detail.html", _event_context(event))


@require_POST
@login_required
def attendance(request, pk, person_pk):
    event = selectors.event_for_organiser(request.user, pk)
    person = get_object_or_404(Person, pk=person_pk)
    present = request.POST.get("present") == "1"
    try:
        services.mark_attended(event, person, actor=request.user, present=present)
    except services.EventError as error:
        messages.error(request, str(error))
    if request.htmx:
        return render(
            request,
            "events/organiser/event_detail.html#attendees",
            _event_context(event),
        )
    return redirect("events:organiser-event", pk=event.pk)


@login_required
def talk_create(request, pk):
    event = selectors.event_for_organiser(request.user, pk)
    return _talk_form(request, event, None)


@login_required
def talk_edit(request, pk):
    talk = get_object_or_404(Talk, pk=pk)
    event = selectors.event_for_organiser(request.user, talk.event_id)
    return _talk_form(request, event, talk)


def _talk_form(request, event, talk):
    form = TalkForm(
        request.POST or None, instance=copy.copy(talk) if talk else None, event=event
    )
    if request.method == "POST" and form.is_valid():
        if talk is None:
            save = lambda: services.add_talk(  # noqa: E731
                event, actor=request.user, **form.service_fields()
            )
        else:
            save = lambda: services.update_talk(  # noqa: E731
                talk, actor=request.user, **form.service_fields()
            )
        if _save(form, save):
            messages.success(request, _("The programme was saved."))
            return redirect("events:organiser-event", pk=event.pk)
    context = {"form": form, "event": event, "talk": talk}
    return render(request, "events/organiser/talk_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def talk_delete(request, pk):
    talk = get_object_or_404(Talk, pk=pk)
    event = selectors.event_for_organiser(request.user, talk.event_id)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Remove “%(title)s”?") % {"title": talk.title},
            consequences=[
                _("The talk is removed from the programme of %(event)s.")
                % {"event": event}
            ],
            button=_("Yes, remove it"),
            back_url=reverse("events:organiser-event", args=[event.pk]),
        )
    services.delete_talk(talk, actor=request.user)
    messages.success(request, _("“%(title)s” was removed.") % {"title": talk.title})
    return redirect("events:organiser-event", pk=event.pk)


@login_required
def invite(request, pk):
    event = selectors.event_for_organiser(request.user, pk)
    form = InviteForm(
        request.POST or None, networks=selectors.invitable_networks(event)
    )
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        preview = _save(
            form,
            lambda: services.invitation_preview(event, **form.service_fields()),
        )
        if preview:
            matched, new = preview
            return ask_first(
                request,
                title=_("Send the invitations?"),
                consequences=[
                    ngettext(
                        "%(count)s person is invited to %(event)s by e-mail.",
                        "%(count)s people are invited to %(event)s by e-mail.",
                        new,
                    )
                    % {"count": new, "event": event},
                    ngettext(
                        "%(count)s person is in the audience; those invited before "
                        "are not invited again.",
                        "%(count)s people are in the audience; those invited "
                        "before are not invited again.",
                        matched,
                    )
                    % {"count": matched},
                    *_reach_lines(
                        _save(
                            form,
                            lambda: services.invitation_reach(
                                event, **form.service_fields()
                            ),
                        )
                        or []
                    ),
                ],
                button=_("Yes, send the invitations"),
                back_url=reverse("events:organiser-invite", args=[event.pk]),
            )
    if request.method == "POST" and form.is_valid() and is_confirmed(request):
        invitation_round = _save(
            form,
            lambda: services.invite(event, actor=request.user, **form.service_fields()),
        )
        if invitation_round:
            messages.success(
                request,
                ngettext(
                    "%(invited)s person was invited. %(matched)s people are in "
                    "the audience; those invited before are not invited again.",
                    "%(invited)s people were invited. %(matched)s people are in "
                    "the audience; those invited before are not invited again.",
                    invitation_round.invited,
                )
                % {
                    "invited": invitation_round.invited,
                    "matched": invitation_round.matched,
                },
            )
            return redirect("events:organiser-event", pk=event.pk)
    context = {"event": event, "form": form, "n_invited": event.invitations.count()}
    return render(request, "events/organiser/invite.html", context)


@login_required
def material(request, pk):
    event = selectors.event_for_organiser(request.user, pk)
    form = MaterialForm(
        request.POST or None, request.FILES or None, instance=copy.copy(event)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("upload")

        def save():
            services.save_material(event, actor=request.user, **form.service_fields())
            if upload:
                try:
                    services.add_material_file(
                        event,
                        actor=request.user,
                        upload=upload,
                        **form.file_titles(),
                    )
                except ValidationError as error:
                    raise ValidationError({"upload": error.messages}) from error
            return True

        if _save(form, save):
            messages.success(request, _("The material was saved."))
            return redirect("events:organiser-material", pk=event.pk)
    context = {
        "event": event,
        "form": form,
        "material_files": event.material_files.all(),
    }
    return render(request, "events/organiser/material_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def material_delete(request, pk):
    stored = get_object_or_404(MaterialFile, pk=pk)
    event = selectors.event_for_organiser(request.user, stored.event_id)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Remove %(name)s?") % {"name": stored.original_name},
            consequences=[
                _("The file is removed from the material of %(event)s.")
                % {"event": event}
            ],
            button=_("Yes, remove the file"),
            back_url=reverse("events:organiser-material", args=[event.pk]),
        )
    services.delete_material_file(stored, actor=request.user)
    messages.success(
        request, _("%(name)s was removed.") % {"name": stored.original_name}
    )
    return redirect("events:organiser-material", pk=event.pk)


urlpatterns = [
    path("organiser/events/", organiser_home, name="organiser-home"),
    path("organiser/events/new/", event_create, name="organiser-event-create"),
    path("organiser/events/<int:pk>/", event_detail, name="organiser-event"),
    path("organiser/events/<int:pk>/edit/", event_edit, name="organiser-event-edit"),
    path(
        "organiser/events/<int:pk>/attendance/<int:person_pk>/",
        attendance,
        name="organiser-attendance",
    ),
    path(
        "organiser/events/<int:pk>/talks/new/",
        talk_create,
        name="organiser-talk-create",
    ),
    path("organiser/event-talks/<int:pk>/", talk_edit, name="organiser-talk-edit"),
    path(
        "organiser/event-talks/<int:pk>/delete/",
        talk_delete,
        name="organiser-talk-delete",
    ),
    path("organiser/events/<int:pk>/invite/", invite, name="organiser-invite"),
    path("organiser/events/<int:pk>/material/", material, name="organiser-material"),
    path(
        "organiser/event-material/<int:pk>/delete/",
        material_delete,
        name="organiser-material-delete",
    ),
]


def _reach_lines(reach):
    """One line per country: how many people in which organisations, so that
    an organiser sees who a target group reaches before anything is sent."""
    lines = []
    for code, names, people in reach:
        country = Organisation.Country(code).label if code else _("no organisation")
        shown = ", ".join(names[: services.REACH_NAMED])
        if len(names) > services.REACH_NAMED:
            more = len(names) - services.REACH_NAMED
            shown += " " + ngettext(
                "and %(count)s more", "and %(count)s more", more
            ) % {"count": more}
        lines.append(
            ngettext(
                "%(country)s: %(count)s person (%(organisations)s)",
                "%(country)s: %(count)s people (%(organisations)s)",
                people,
            )
            % {"country": country, "count": people, "organisations": shown or "–"}
        )
    return lines
