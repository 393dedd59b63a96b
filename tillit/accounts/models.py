"""How people get into Tillit: their organisation's e-mail domains and sign-in
service, and the invitations sent to people that someone else created."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from tillit.core.models import Organisation

domain_validator = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$",
    _("Enter a domain such as linkoping.se, without @."),
)


class EmailDomain(models.Model):
    """An e-mail domain of an organisation: sign-in discovery and, when allowed,
    sign-up for its staff."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="email_domains",
        verbose_name=_("organisation"),
    )
    domain = models.CharField(
        _("domain"), max_length=253, unique=True, validators=[domain_validator]
    )
    signup_allowed = models.BooleanField(
        _("staff may create an account"),
        default=False,
        help_text=_(
            "A person with a confirmed address on this domain may create an "
            "account and joins the organisation."
        ),
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class OrganisationSignIn(models.Model):
    """An organisation's own identity provider (single sign-on), set up by
    platform staff. Its people are sent there from the login page."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sign_in",
        verbose_name=_("organisation"),
    )
    slug = models.SlugField(
        _("short name in addresses"),
        max_length=50,
        unique=True,
        help_text=_("Used in the sign-in addresses, e.g. linkoping."),
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices)
    label = models.CharField(
        _("name of the service"),
        max_length=100,
        help_text=_("Shown on the button, e.g. Linköpings kommun (Entra ID)."),
    )
    enabled = models.BooleanField(_("in use"), default=True)
    password_allowed = models.BooleanField(
        _("people may also use a Tillit password"),
        default=False,
        help_text=_(
            "Off: the organisation's people can only sign in through its service "
            "(platform staff keep their own password)."
        ),
    )
    # OpenID Connect
    oidc_issuer = models.URLField(
        _("issuer (OpenID Connect)"),
        blank=True,
        help_text=_(
            "E.g. https://login.microsoftonline.com/<tenant id>/v2.0; its "
            "/.well-known/openid-configuration is read."
        ),
    )
    oidc_client_id = models.CharField(_("client id"), max_length=200, blank=True)
    oidc_client_secret = models.CharField(
        _("client secret"), max_length=500, blank=True
    )
    # SAML 2.0
    saml_entity_id = models.CharField(
        _("identity provider entity id (SAML)"), max_length=500, blank=True
    )
    saml_sso_url = models.URLField(_("single sign-on address (SAML)"), blank=True)
    saml_certificate = models.TextField(
        _("identity provider signing certificate (SAML, PEM)"), blank=True
    )
    email_attribute = models.CharField(
        _("attribute or claim with the e-mail address"),
        max_length=200,
        default="email",
        help_text=_(
            "SAML e.g. urn:oid:0.9.2342.19200300.100.1.3; OpenID Connect: email."
        ),
    )
    employee_id_attribute = models.CharField(
        _("attribute or claim with the employee id"),
        max_length=200,
        blank=True,
        help_text=_("Matches the employee id of the HR import; optional."),
    )

    class Meta:
        verbose_name = _("organisation sign-in service")
        verbose_name_plural = _("organisation sign-in services")

    def __str__(self):
        return self.label

    def clean(self):
        required = {
            self.Protocol.OIDC: ["oidc_issuer", "oidc_client_id", "oidc_client_secret"],
            self.Protocol.SAML: ["saml_entity_id", "saml_sso_url", "saml_certificate"],
        }.get(self.protocol, [])
        missing = {
            name: _("Required for this protocol.")
            for name in required
            if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)

    @property
    def provider_id(self):
        """allauth's provider id: `oidc-<slug>` or `saml-<slug>`."""
        return f"{self.protocol}-{self.slug}"


class Invitation(models.Model):
    """The invitation of a person someone else created: when it was sent and
    whether the person has taken it up. The link itself is signed, not stored."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitation",
        verbose_name=_("person"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    first_sent_at = models.DateTimeField(_("first sent"))
    last_sent_at = models.DateTimeField(_("last sent"))
    times_sent = models.PositiveIntegerField(_("times sent"), default=1)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-last_sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return str(self.person)


class ApiToken(AbstractAuthToken):
    """A person's API key (django-rest-knox: only a hash is stored). Named by
    its owner, it expires, and the owner may revoke it."""

    name = models.CharField(_("name"), max_length=100)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.user})"
