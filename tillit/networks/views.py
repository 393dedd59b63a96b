"""Network pages. The public list and each network's public face are open to
all; every inner page (directory, announcements, meetings, files, .ics) goes
through selectors.network_for_member and every leader page through
selectors.network_for_leader, which raise Http404 for everyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from tillit.core import downloads, timezones
from tillit.core.confirm import ask_first, is_confirmed

from . import calendar, selectors, services
from .forms import (
    AnnouncementForm,
    ApplicationForm,
    FileForm,
    InviteForm,
    MeetingForm,
    NetworkForm,
    NewNetworkForm,
    RoleForm,
    VisibilityForm,
)
from .models import Membership, Network
from .services import NetworkError

ICS = "text/calendar; charset=utf-8"


# Public ---------------------------------------------------------------------------


@require_GET
def network_list(request):
    return render(
        request,
        "networks/network_list.html",
        {"networks": selectors.public_networks()},
    )


@require_GET
def network_public(request, slug):
    network = selectors.public_network(slug)
    membership = selectors.membership_of(request.user, network)
    can_enter = (
        request.user.is_authenticated
        and selectors.networks_for_member(request.user).filter(pk=network.pk).exists()
    )
    return render(
        request,
        "networks/network_public.html",
        {
            "network": network,
            "membership": membership,
            "can_enter": can_enter,
            "form": ApplicationForm(),
        },
    )


@require_POST
@login_required
def network_apply(request, slug):
    network = selectors.public_network(slug)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            services.apply(request.user, network, text=form.cleaned_data["text"])
        except NetworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Your application has been sent. The chair will decide on it."),
            )
            return redirect(network)
    return render(
        request,
        "networks/network_public.html",
        {
            "network": network,
            "membership": selectors.membership_of(request.user, network),
            "can_enter": False,
            "form": form,
        },
        status=400,
    )


# A person's own page ----------------------------------------------------------------


@login_required
def my_networks(request):
    memberships = list(selectors.my_networks(request.user))
    led = selectors.networks_for_leader(request.user).filter(is_active=True)
    active_ids = {m.network_id for m in memberships if m.is_active}
    return render(
        request,
        "networks/my_networks.html",
        {
            "active": [m for m in memberships if m.status == Membership.Status.ACTIVE],
            "invitations": [
                m for m in memberships if m.status == Membership.Status.INVITED
            ],
            "applications": [
                m for m in memberships if m.status == Membership.Status.APPLIED
            ],
            "led_only": [
                n for n in led.select_related("owner") if n.pk not in active_ids
            ],
            "can_create": _owners_for(request.user).exists(),
            "groups": _groups_for(request.user),
        },
    )


#: The source of a person's peer groups, `source(person) -> queryset`, that
#: tillit.groups (a floor above) registers from AppConfig.ready() with
#: `set_peer_groups_source`; None when that app is not installed.
PEER_GROUPS_SOURCE = None


def set_peer_groups_source(source):
    global PEER_GROUPS_SOURCE
    PEER_GROUPS_SOURCE = source
    return source


def _groups_for(person):
    """The person's peer groups, when an app provides them."""
    if PEER_GROUPS_SOURCE is None:
        return None
    return PEER_GROUPS_SOURCE(person)


@require_POST
@login_required
def invitation_accept(request, pk):
    membership = selectors.own_membership(request.user, pk)
    try:
        services.accept_invitation(request.user, membership)
    except NetworkError as error:
        messages.error(request, str(error))
        return redirect("networks:my-networks")
    messages.success(
        request, _("Welcome to %(network)s.") % {"network": membership.network.name}
    )
    return redirect("networks:network-home", slug=membership.network.slug)


@require_POST
@login_required
def invitation_decline(request, pk):
    membership = selectors.own_membership(request.user, pk)
    try:
        services.decline_invitation(request.user, membership)
    except NetworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You declined the invitation."))
    return redirect("networks:my-networks")


@require_http_methods(["GET", "POST"])
@login_required
def application_withdraw(request, pk):
    membership = selectors.own_membership(request.user, pk)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Withdraw your application?"),
            consequences=[
                _("Your application to %(network)s is withdrawn.")
                % {"network": membership.network.name}
            ],
            button=_("Yes, withdraw it"),
            back_url=reverse("networks:my-networks"),
        )
    try:
        services.withdraw_application(request.user, membership)
    except NetworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("networks:my-networks")


# Inner pages ------------------------------------------------------------------------


def _inner(request, slug, section, **extra):
    network = selectors.network_for_member(request.user, slug)
    return network, {
        "network": network,
        "membership": selectors.membership_of(request.user, network),
        "is_leader": selectors.is_leader(request.user, network),
        "section": section,
        **extra,
    }


@login_required
def network_home(request, slug):
    network, context = _inner(request, slug, "home")
    context.update(
        meetings=selectors.upcoming_meetings(network)[:3],
        announcements=selectors.announcements(network, limit=3),
        member_count=network.memberships.active().count(),
    )
    return render(request, "networks/network_home.html", context)


@login_required
def network_members(request, slug):
    network, context = _inner(request, slug, "members")
    membership = context["membership"]
    form = None
    if membership is not None and membership.is_active:
        form = VisibilityForm(request.POST or None, instance=membership)
        if request.method == "POST" and form.is_valid():
            services.update_visibility(request.user, network, **form.cleaned_data)
            messages.success(request, _("Your choices have been saved."))
            if not request.htmx:
                return redirect("networks:network-members", slug=network.slug)
            form = VisibilityForm(instance=membership)
    elif request.method == "POST":
        return redirect("networks:network-members", slug=network.slug)
    context.update(form=form, entries=selectors.directory(network))
    template = "networks/network_members.html"
    if request.htmx:
        template += "#members"
    # htmx swaps only 2xx answers: the form with its errors must come back.
    invalid = form is not None and form.errors and not request.htmx
    return render(request, template, context, status=400 if invalid else 200)


@login_required
def network_announcements(request, slug):
    network, context = _inner(request, slug, "announcements")
    form = None
    if context["is_leader"]:
        form = AnnouncementForm(request.POST or None, network=network)
        if request.method == "POST" and form.is_valid() and not is_confirmed(request):
            others = network.memberships.active().exclude(person=request.user).count()
            return ask_first(
                request,
                title=_("Publish the announcement?"),
                consequences=[
                    _("“%(title)s” is published on the network's page.")
                    % {"title": form.title_as_read},
                    ngettext(
                        "It is mailed to %(count)s member.",
                        "It is mailed to %(count)s members.",
                        others,
                    )
                    % {"count": others},
                ],
                button=_("Yes, publish and mail it"),
                back_url=reverse(
                    "networks:network-announcements", kwargs={"slug": network.slug}
                ),
            )
        if request.method == "POST" and form.is_valid():
            services.post_announcement(
                network, actor=request.user, **form.cleaned_with_languages()
            )
            messages.success(
                request, _("The announcement is published and mailed to the members.")
            )
            return redirect("networks:network-announcements", slug=network.slug)
    elif request.method == "POST":
        return redirect("networks:network-announcements", slug=network.slug)
    context.update(form=form, announcements=selectors.announcements(network))
    status = 400 if form is not None and form.errors else 200
    return render(
        request, "networks/network_announcements.html", context, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def announcement_delete(request, slug, pk):
    network = selectors.network_for_leader(request.user, slug)
    announcement = selectors.announcement_for_leader(network, pk)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Remove the announcement?"),
            consequences=[
                _("“%(title)s” is removed from the network's page for all its members.")
                % {"title": announcement.title},
                _("Mail already sent about it is not taken back."),
            ],
            button=_("Yes, remove it"),
            back_url=reverse(
                "networks:network-announcements", kwargs={"slug": network.slug}
            ),
        )
    services.delete_announcement(announcement, actor=request.user)
    messages.success(request, _("The announcement has been removed."))
    return redirect("networks:network-announcements", slug=network.slug)


@login_required
def network_meetings(request, slug):
    network, context = _inner(request, slug, "meetings")
    form = None
    if context["is_leader"]:
        timezones.activate_for(network.owner)
        form = MeetingForm(request.POST or None, network=network)
        if request.method == "POST" and form.is_valid():
            services.add_meeting(network, actor=request.user, **form.values)
            messages.success(request, _("The meeting has been added."))
            return redirect("networks:network-meetings", slug=network.slug)
    elif request.method == "POST":
        return redirect("networks:network-meetings", slug=network.slug)
    context.update(
        form=form,
        upcoming=selectors.upcoming_meetings(network),
        past=selectors.past_meetings(network)[:20],
    )
    status = 400 if form is not None and form.errors else 200
    return render(request, "networks/network_meetings.html", context, status=status)


@login_required
def meeting_edit(request, slug, pk):
    network = selectors.network_for_leader(request.user, slug)
    meeting = selectors.meeting_for_leader(request.user, network, pk)
    timezones.activate_for(network.owner)
    form = MeetingForm(request.POST or None, instance=meeting, network=network)
    if request.method == "POST" and form.is_valid():
        services.update_meeting(meeting, actor=request.user, **form.values)
        messages.success(request, _("The meeting has been changed."))
        return redirect("networks:network-meetings", slug=network.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "networks/meeting_edit.html",
        {"network": network, "meeting": meeting, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_delete(request, slug, pk):
    network = selectors.network_for_leader(request.user, slug)
    meeting = selectors.meeting_for_leader(request.user, network, pk)
    if not is_confirmed(request):
        members = network.memberships.active().count()
        when = formats.date_format(timezone.localtime(meeting.starts_at), "j F Y H:i")
        return ask_first(
            request,
            title=_("Remove the meeting?"),
            consequences=[
                ngettext(
                    "“%(title)s” on %(when)s is removed from the network's calendar "
                    "for its %(count)s member.",
                    "“%(title)s” on %(when)s is removed from the network's calendar "
                    "for its %(count)s members.",
                    members,
                )
                % {"title": meeting.title, "when": when, "count": members},
            ],
            button=_("Yes, remove the meeting"),
            back_url=reverse(
                "networks:meeting-edit", kwargs={"slug": network.slug, "pk": meeting.pk}
            ),
        )
    services.delete_meeting(meeting, actor=request.user)
    messages.success(request, _("The meeting has been removed."))
    return redirect("networks:network-meetings", slug=network.slug)


@require_GET
@login_required
def network_ics(request, slug):
    network = selectors.network_for_member(request.user, slug)
    body = calendar.network_calendar(network, network.meetings.all())
    response = HttpResponse(body, content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="{network.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def network_files(request, slug):
    network, context = _inner(request, slug, "files")
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.share_file(
                network,
                actor=request.user,
                upload=form.cleaned_data["upload"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error("upload", error)
        except NetworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The file has been shared."))
            return redirect("networks:network-files", slug=network.slug)
    context.update(
        form=form,
        files=selectors.shared_files(network),
        file_types=services.describe_file_types(),
        max_mb=services.SHARED_FILE_MAX_MB,
    )
    status = 400 if form.errors else 200
    return render(request, "networks/network_files.html", context, status=status)


@require_GET
@login_required
def file_download(request, slug, pk):
    shared = selectors.file_for_member(request.user, pk)
    if shared.network.slug != slug:
        return redirect("networks:network-file", slug=shared.network.slug, pk=pk)
    return downloads.attachment(shared)


@require_http_methods(["GET", "POST"])
@login_required
def file_delete(request, slug, pk):
    shared = selectors.file_for_member(request.user, pk)
    if not is_confirmed(request):
        members = shared.network.memberships.active().count()
        return ask_first(
            request,
            title=_("Remove %(name)s?") % {"name": shared.original_name},
            consequences=[
                ngettext(
                    "The network's %(count)s member can no longer open it.",
                    "The network's %(count)s members can no longer open it.",
                    members,
                )
                % {"count": members}
            ],
            button=_("Yes, remove the file"),
            back_url=reverse("networks:network-files", kwargs={"slug": slug}),
        )
    try:
        services.remove_file(shared, actor=request.user)
    except NetworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The file has been removed."))
    return redirect("networks:network-files", slug=shared.network.slug)


@require_http_methods(["GET", "POST"])
@login_required
def network_leave(request, slug):
    network = selectors.network_for_member(request.user, slug)
    if not is_confirmed(request):
        return ask_first(
            request,
            title=_("Leave %(network)s?") % {"network": network.name},
            consequences=[
                _(
                    "You no longer reach the network's pages, meetings, "
                    "announcements and files, and get no more mail from it."
                )
            ],
            button=_("Yes, leave the network"),
            back_url=reverse("networks:network-home", kwargs={"slug": network.slug}),
        )
    try:
        services.leave(request.user, network)
    except NetworkError as error:
        messages.error(request, str(error))
        return redirect("networks:network-home", slug=network.slug)
    messages.success(
        request, _("You have left %(network)s.") % {"network": network.name}
    )
    return redirect("networks:my-networks")


# Leaders ----------------------------------------------------------------------------


def _manage_context(request, network, **forms):
    return {
        "network": network,
        "section": "manage",
        "is_leader": True,
        "membership": selectors.membership_of(request.user, network),
        "pending": selectors.pending(network),
        "members": selectors.active_members(network),
        "role_choices": Membership.Role.choices,
        "invite_form": forms.get("invite_form") or InviteForm(),
        "settings_form": forms.get("settings_form") or NetworkForm(instance=network),
    }


@login_required
def network_manage(request, slug):
    network = selectors.network_for_leader(request.user, slug)
    return render(
        request, "networks/network_manage.html", _manage_context(request, network)
    )


@require_POST
@login_required
def network_invite(request, slug):
    network = selectors.network_for_leader(request.user, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            membership = services.invite_by_email(
                network, actor=request.user, **form.cleaned_data
            )
        except NetworkError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("%(name)s has been invited.")
                % {"name": membership.person.get_full_name()},
            )
            return redirect("networks:network-manage", slug=network.slug)
    context = _manage_context(request, network, invite_form=form)
    return render(request, "networks/network_manage.html", context, status=400)


@require_POST
@login_required
def network_settings(request, slug):
    network = selectors.network_for_leader(request.user, slug)
    form = NetworkForm(request.POST, instance=Network.objects.get(pk=network.pk))
    if form.is_valid():
        services.update_network(
            network, actor=request.user, **form.cleaned_with_languages()
        )
        messages.success(request, _("The network's settings have been saved."))
        return redirect("networks:network-manage", slug=network.slug)
    context = _manage_context(request, network, settings_form=form)
    return render(request, "networks/network_manage.html", context, status=400)


def _member_action(request, slug, pk, action, success):
    network = selectors.network_for_leader(request.user, slug)
    membership = selectors.membership_for_leader(request.user, network, pk)
    try:
        action(membership)
    except NetworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success % {"name": membership.person.get_full_name()})
    return redirect(reverse("networks:network-manage", kwargs={"slug": network.slug}))


@require_POST
@login_required
def member_approve(request, slug, pk):
    return _member_action(
        request,
        slug,
        pk,
        lambda m: services.approve(m, actor=request.user),
        _("%(name)s is now a member."),
    )


@require_POST
@login_required
def member_refuse(request, slug, pk):
    return _member_action(
        request,
        slug,
        pk,
        lambda m: services.refuse(m, actor=request.user),
        _("The application of %(name)s has been refused."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_remove(request, slug, pk):
    if not is_confirmed(request):
        network = selectors.network_for_leader(request.user, slug)
        membership = selectors.membership_for_leader(request.user, network, pk)
        name = membership.person.get_full_name()
        return ask_first(
            request,
            title=_("Remove %(name)s from the network?") % {"name": name},
            consequences=[
                _(
                    "%(name)s no longer reaches the network's pages, meetings, "
                    "announcements and files."
                )
                % {"name": name},
            ],
            button=_("Yes, remove %(name)s") % {"name": name},
            back_url=reverse("networks:network-manage", kwargs={"slug": network.slug}),
        )
    return _member_action(
        request,
        slug,
        pk,
        lambda m: services.remove(m, actor=request.user),
        _("%(name)s is no longer a member."),
    )


@require_POST
@login_required
def member_role(request, slug, pk):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("networks:network-manage", slug=slug)
    return _member_action(
        request,
        slug,
        pk,
        lambda m: services.set_role(m, form.cleaned_data["role"], actor=request.user),
        _("The role of %(name)s has been changed."),
    )


def _owners_for(person):
    from tillit.core.models import Organisation

    if person.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(staff=person)


@login_required
def network_create(request):
    owners = _owners_for(request.user)
    if not owners.exists():
        raise Http404
    form = NewNetworkForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        network = services.create_network(
            actor=request.user, **form.cleaned_with_languages()
        )
        messages.success(request, _("The network has been created."))
        return redirect("networks:network-manage", slug=network.slug)
    status = 400 if form.errors else 200
    return render(
        request, "networks/network_create.html", {"form": form}, status=status
    )
