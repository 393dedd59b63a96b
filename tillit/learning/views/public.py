"""The public verification of certificates: anyone with the code printed on a
certificate may check who completed what, and when."""

from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from .. import selectors
from ..forms import VerifyForm


def certificate_lookup(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = selectors.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("learning:certificate-verify", code=code)
        form.add_error("code", _("Type the letters and digits of the code."))
    return render(request, "learning/certificate_verify.html", {"form": form})


def certificate_verify(request, code):
    certificate = selectors.certificate_by_code(code)
    context = {
        "certificate": certificate,
        "code": code,
        "form": VerifyForm(initial={"code": code}),
    }
    response = render(request, "learning/certificate_verify.html", context)
    if certificate is None:
        response.status_code = 404
    return response


urlpatterns = [
    path("certificates/verify/", certificate_lookup, name="certificate-lookup"),
    path(
        "certificates/verify/<str:code>/",
        certificate_verify,
        name="certificate-verify",
    ),
]
