"""Tillit's rules for django-allauth: who may sign up, who may use a password,
and how a person coming from an organisation's identity provider is matched."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tillit.core import security
from tillit.core.models import Person
from tillit.notifications import services as notifications

from . import services
from .models import OrganisationSignIn


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's mails (password reset, address confirmation) go through
        the outbox like every other mail, rendered now in the page's language."""
        person = (
            context.get("user") or Person.objects.filter(email__iexact=email).first()
        )
        if person is None:
            return  # nothing is sent to an address Tillit does not know
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                body
                for body, kind in getattr(message, "alternatives", [])
                if kind == "text/html"
            ),
            "",
        )
        notifications.record_rendered(
            person,
            kind="account",
            key=f"account:{template_prefix}:{uuid.uuid4()}",
            subject=message.subject,
            body=message.body,
            html=html,
            to=email,
        )

    def authenticate(self, request, **credentials):
        person = super().authenticate(request, **credentials)
        if person is not None and services.password_refused(person):
            security.record(
                security.Kind.PASSWORD_REFUSED, request=request, person=person
            )
            service = services.sign_in_for(person)
            raise forms.ValidationError(
                _(
                    "Your organisation signs you in through its own service, "
                    "%(service)s. Choose “Sign in through your organisation”."
                )
                % {"service": service.label}
            )
        return person


def app_for(service: OrganisationSignIn) -> SocialApp:
    """The allauth app of an organisation's sign-in service (never saved)."""
    if service.protocol == OrganisationSignIn.Protocol.OIDC:
        return SocialApp(
            provider="openid_connect",
            provider_id=service.provider_id,
            name=service.label,
            client_id=service.oidc_client_id,
            secret=service.oidc_client_secret,
            settings={"server_url": service.oidc_issuer, "oauth_pkce_enabled": True},
        )
    return SocialApp(
        provider="saml",
        provider_id=service.provider_id,
        name=service.label,
        client_id=service.slug,
        settings={
            "idp": {
                "entity_id": service.saml_entity_id,
                "sso_url": service.saml_sso_url,
                "x509cert": service.saml_certificate,
            },
            "attribute_mapping": {
                "uid": [service.email_attribute],
                "email": [service.email_attribute],
            },
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "want_message_signed": False,
                "reject_idp_initiated_sso": True,
                "reject_deprecated_algorithm": True,
            },
        },
    )


def service_for(provider_id: str) -> OrganisationSignIn | None:
    protocol, _sep, slug = provider_id.partition("-")
    return OrganisationSignIn.objects.filter(
        protocol=protocol, slug=slug, enabled=True
    ).first()


def _claim(extra_data: dict, name: str) -> str:
    """A claim (OpenID Connect) or attribute (SAML, a list) as one string."""
    for source in (extra_data.get("userinfo"), extra_data.get("id_token"), extra_data):
        if isinstance(source, dict) and source.get(name):
            value = source[name]
            value = value[0] if isinstance(value, list | tuple) else value
            return str(value).strip()
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = [
            app_for(service)
            for service in OrganisationSignIn.objects.filter(enabled=True)
        ]
        if provider:
            apps = [a for a in apps if provider in (a.provider, a.provider_id)]
        if client_id:
            apps = [a for a in apps if a.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin):
        return False  # people are matched, never created, by a sign-in service

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        service = service_for(sociallogin.account.provider)
        if service is None:
            self._refuse(request, "", _("This sign-in service is not in use."))
        data = sociallogin.account.extra_data
        email = _claim(data, service.email_attribute).lower()
        person, reason = self._match(service, email, data)
        if person is None:
            self._refuse(request, email, reason, service=service)
        if sociallogin.is_existing:
            if sociallogin.user.pk != person.pk:
                self._refuse(request, email, _("The account does not match."), service)
            return
        sociallogin.connect(request, person)
        if email == person.email.lower():
            services.confirm_address(person)

    def _match(self, service, email, data):
        organisation = service.organisation
        employee_id = (
            _claim(data, service.employee_id_attribute)
            if service.employee_id_attribute
            else ""
        )
        if employee_id:
            found = Person.objects.filter(
                employments__organisation=organisation,
                employments__employee_id=employee_id,
                is_active=True,
            ).first()
            if found is not None:
                return found, ""
        own_domain = organisation.email_domains.filter(
            domain=services.domain_of(email)
        ).exists()
        if not email or not own_domain:
            return None, _(
                "The address %(email)s is not on a domain of %(organisation)s."
            ) % {"email": email or "–", "organisation": organisation.name}
        found = Person.objects.filter(email__iexact=email, is_active=True).first()
        if found is None:
            return None, _(
                "Nobody with the address %(email)s has been invited to Tillit."
            ) % {"email": email}
        if found.organisation_id not in (None, organisation.pk):
            return None, _("The address belongs to another organisation in Tillit.")
        return found, ""

    def _refuse(self, request, email, reason, service=None):
        security.record(
            security.Kind.SSO_REFUSED,
            request=request,
            email=email,
            detail=f"{service.slug if service else '?'}: {reason}",
        )
        response = render(
            request,
            "accounts/sso_refused.html",
            {"reason": reason, "service": service, "login_url": reverse("login")},
            status=403,
        )
        raise ImmediateHttpResponse(response)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        details = (extra_context or {}).get("saml_last_error_reason") or exception
        if exception is not None and exception.__cause__ is not None:
            # allauth wraps the reason ("Invalid id_token" from an expired token).
            details = f"{exception} ({exception.__cause__})"
        security.record(
            security.Kind.SSO_REFUSED,
            request=request,
            detail=f"{getattr(provider, 'sub_id', provider)}: {error} {details or ''}",
        )
        return super().on_authentication_error(
            request,
            provider,
            error=error,
            exception=exception,
            extra_context=extra_context,
        )
