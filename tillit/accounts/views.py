from urllib.parse import urlsplit

from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml import views as saml_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from onelogin.saml2.errors import OneLogin_Saml2_Error
from requests import RequestException

from tillit.core import security

from . import services
from .forms import ApiKeyForm, DiscoveryForm, NewLinkForm, tie_errors_to_fields
from .models import ApiToken, OrganisationSignIn
from .tokens import person_pk_from

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def redirect_to_service(request, service):
    """Send the browser to the organisation's identity provider. A provider
    that cannot be reached (OpenID Connect reads its discovery document first)
    or a SAML set-up python3-saml rejects gets the refusal page, not a 500."""
    provider = get_social_adapter().get_provider(request, service.provider_id)
    try:
        return provider.redirect_from_request(request)
    except (RequestException, KeyError, OneLogin_Saml2_Error) as error:
        return render_authentication_error(request, provider, exception=error)


@method_decorator(login_not_required, name="dispatch")
class SamlFinishView(saml_views.FinishACSView):
    """allauth's last step of SAML sign-in. A response that answers no sign-in
    started in this browser (replayed, or stolen and posted elsewhere) makes
    allauth raise PermissionDenied, a bare 403; it is refused like every other
    failure instead: the calm page and a security event."""

    def dispatch(self, request, organization_slug):
        try:
            return super().dispatch(request, organization_slug)
        except PermissionDenied as error:
            return render_authentication_error(
                request,
                self.get_provider(organization_slug),
                exception=error,
                extra_context={
                    "saml_last_error_reason": "the response answers no sign-in "
                    "started in this browser (replayed?)"
                },
            )


def allow_sign_in_services(response):
    """Let the page's forms lead to the organisations' sign-in services: the
    Content-Security-Policy's form-action also covers the redirect that
    follows a form, so their origins join 'self' on the pages that send
    people there."""
    origins = set()
    for urls in OrganisationSignIn.objects.filter(enabled=True).values_list(
        "oidc_issuer", "saml_sso_url"
    ):
        for url in filter(None, urls):
            parts = urlsplit(url)
            origins.add(f"{parts.scheme}://{parts.netloc}")
    response._csp_config = {  # what django.views.decorators.csp sets
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *sorted(origins)],
    }
    return response


class LoginView(AllauthLoginView):
    """allauth's login, plus "home realm discovery": with the second button the
    address decides which organisation's sign-in service the person is sent to."""

    template_name = "account/login.html"

    def dispatch(self, request, *args, **kwargs):
        return allow_sign_in_services(super().dispatch(request, *args, **kwargs))

    def form_invalid(self, form):
        return super().form_invalid(tie_errors_to_fields(form))

    def post(self, request, *args, **kwargs):
        if "sso" not in request.POST:
            return super().post(request, *args, **kwargs)
        discovery = DiscoveryForm(request.POST)
        if discovery.is_valid():
            service = services.sign_in_for_email(discovery.cleaned_data["login"])
            if service is not None:
                return redirect_to_service(request, service)
            discovery.add_error(
                "login",
                _(
                    "Your organisation has no sign-in service of its own in "
                    "Tillit. Sign in with your password."
                ),
            )
        form = self.get_form()
        form.errors.clear()
        for error in discovery.errors.get("login", []):
            form.add_error("login", error)
        return self.render_to_response(self.get_context_data(form=form))


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def activate(request, uidb64, token):
    """The invitation link: choose a password, or continue with the
    organisation's sign-in service. A used or expired link leads to a page that
    sends a new one."""
    person = services.person_for_link(person_pk_from(uidb64), token)
    if person is None:
        return render(request, "accounts/link_expired.html", {"form": NewLinkForm()})
    service = services.sign_in_for(person)
    password_allowed = service is None or service.password_allowed
    form = SetPasswordForm(person)
    if request.method == "POST" and "sso" in request.POST and service:
        return redirect_to_service(request, service)
    if request.method == "POST" and password_allowed:
        form = SetPasswordForm(person, request.POST)
        if form.is_valid():
            services.accept(person, password=form.cleaned_data["new_password1"])
            security.record(
                security.Kind.INVITATION_ACCEPTED, request=request, person=person
            )
            login(request, person, backend=BACKEND)
            messages.success(request, _("Welcome to Tillit. Your account is ready."))
            return redirect("portal:start")
    response = render(
        request,
        "accounts/activate.html",
        {
            "person": person,
            "form": form,
            "service": service,
            "password_allowed": password_allowed,
        },
    )
    return allow_sign_in_services(response)


@never_cache
def new_link(request):
    """Asks for a new invitation without telling whether the address is known."""
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.invitable_by_email(form.cleaned_data["email"])
        if person is not None:
            services.invite(person)
        return render(
            request, "accounts/link_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "accounts/link_expired.html", {"form": form})


@login_required
def api_keys(request):
    """A person's own API keys: list, make one (shown once), revoke."""
    form = ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _record, new_key = services.create_api_key(
                request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
            form = ApiKeyForm()
        except services.ApiKeyError as error:
            form.add_error(None, str(error))
    keys = ApiToken.objects.filter(user=request.user).order_by("-created")
    return render(
        request,
        "accounts/api_keys.html",
        {"form": form, "keys": keys, "new_key": new_key, "now": timezone.now()},
    )


@require_POST
@login_required
def api_key_revoke(request, digest):
    key = get_object_or_404(ApiToken, user=request.user, digest=digest)
    if request.POST.get("confirm") != "yes":
        return render(request, "accounts/api_key_revoke.html", {"key": key})
    services.revoke_api_key(request.user, digest)
    messages.success(request, _("The key “%(name)s” is revoked.") % {"name": key.name})
    return redirect("accounts:api-keys")
