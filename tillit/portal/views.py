from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tillit.accounts import services as accounts
from tillit.evaluations import selectors as evaluation_selectors
from tillit.learning import selectors as learning_selectors
from tillit.rollouts import selectors as rollout_selectors

from . import selectors


@login_required
def start(request):
    """After sign-in: straight to where the person's work is."""
    return redirect(selectors.start_url_name(request.user))


@login_required
def home(request):
    """The participant's home ("My learning"): their cohorts with what comes
    next, feedback, certificates, alumni groups, open evaluations and
    follow-ups, gathered from the apps that own them."""
    person = request.user
    context = {
        "cohorts": learning_selectors.home(person),
        "feedback": learning_selectors.feedback_received(person),
        "certificates": learning_selectors.certificates_of(person),
        "alumni": learning_selectors.alumni_of(person),
        "open_evaluations": evaluation_selectors.open_evaluations_for(person),
        "has_follow_ups": rollout_selectors.follow_ups_for(person).exists(),
        "now": timezone.now(),
    }
    return render(request, "portal/home.html", context)


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
