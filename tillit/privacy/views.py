from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import selectors, services
from .models import ErasureRequest


@require_GET
def index(request):
    organisations = [
        (organisation, selectors.notice_slug(organisation))
        for organisation in selectors.controllers()
    ]
    return render(request, "privacy/index.html", {"organisations": organisations})


@require_GET
def notice(request, slug):
    organisation = selectors.controller_for_slug(slug)
    if slug != selectors.notice_slug(organisation):
        return redirect("privacy:notice", slug=selectors.notice_slug(organisation))
    return render(request, "privacy/notice.html", selectors.notice(organisation))


@require_GET
@login_required
def my_data(request):
    sections = services.collect(request.user)
    return render(
        request,
        "privacy/my_data.html",
        {
            "sections": [(s["title"], len(s["rows"])) for s in sections],
            "pending": selectors.pending_erasure(request.user),
        },
    )


@require_GET
@login_required
def my_data_download(request):
    archive = services.export(request.user, request=request)
    name = f"tillit-my-data-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(
        archive, as_attachment=True, filename=name, content_type="application/zip"
    )


@require_http_methods(["GET", "POST"])
@login_required
def erasure_request(request):
    pending = selectors.pending_erasure(request.user)
    error = ""
    if request.method == "POST" and pending is None:
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm that you ask for erasure.")
        else:
            try:
                services.request_erasure(request.user, request=request)
            except services.ErasureError as refusal:
                error = refusal.message
            else:
                messages.success(
                    request,
                    _("Your request has been sent. You will hear when it is decided."),
                )
                return redirect("privacy:erasure-request")
    lines = services.plan(request.user)
    return render(
        request,
        "privacy/erasure_request.html",
        {
            "lines": lines,
            "totals": services.totals(lines),
            "pending": pending,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@login_required
def erasures(request):
    if not selectors.may_decide_erasures(request.user):
        raise Http404
    requests = selectors.erasures_for(request.user)
    return render(
        request,
        "privacy/erasures.html",
        {
            "pending": requests.filter(status=ErasureRequest.Status.PENDING),
            "decided": requests.exclude(status=ErasureRequest.Status.PENDING)[:50],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def erasure_decide(request, pk):
    erasure = selectors.erasure_for_decider(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            error = _decide(request, erasure)
        except services.ErasureError as refusal:
            error = refusal.message
        if not error:
            return redirect("privacy:erasures")
    pending = erasure.status == ErasureRequest.Status.PENDING
    lines = services.plan(erasure.person) if pending else []
    return render(
        request,
        "privacy/erasure_decide.html",
        {
            "erasure": erasure,
            "lines": lines,
            "totals": services.totals(lines),
            "error": error,
            "reason": request.POST.get("reason", ""),
        },
        status=400 if error else 200,
    )


def _decide(request, erasure):
    """Act on the posted decision; returns an error to show, or ''."""
    decision = request.POST.get("decision")
    if decision == "decline":
        services.decline(
            erasure,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        messages.success(request, _("The request was declined."))
        return ""
    if decision != "erase" or request.POST.get("confirm") != "yes":
        return _("Tick the box to confirm the erasure, or decline with a reason.")
    services.erase(erasure, actor=request.user, request=request)
    messages.success(request, _("The person's data was erased."))
    return ""
