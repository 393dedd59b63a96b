from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.accounts import services as accounts

from . import selectors


@login_required
def start(request):
    """After sign-in: straight to where the person's work is."""
    return redirect(selectors.start_url_name(request.user))


def _require_inviter(person):
    if not selectors.may_invite(person):
        raise Http404


@login_required
def invitations(request):
    """People who have not yet activated their account, and resending."""
    _require_inviter(request.user)
    search = request.GET.get("q", "").strip()[:100]
    people = selectors.not_activated(request.user, search=search)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/invitations.html",
        {"page": page, "search": search, "counts": selectors.invitation_counts(people)},
    )


@require_POST
@login_required
def invitations_send(request):
    """Send the invitation again: to one person, or (after a confirmation that
    names the count) to everyone not yet activated."""
    _require_inviter(request.user)
    people = selectors.not_activated(request.user)
    chosen = request.POST.getlist("person")
    if chosen:
        people = people.filter(pk__in=[pk for pk in chosen if pk.isdigit()])
    elif request.POST.get("confirm") != "yes":
        return render(
            request,
            "portal/invitations_confirm.html",
            {"count": people.count()},
        )
    sent = accounts.invite_all(people, actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s invitation is on its way.",
            "%(count)s invitations are on their way.",
            sent,
        )
        % {"count": sent},
    )
    return redirect("portal:invitations")
