from django.contrib import admin

from .models import ApiToken, EmailDomain, Invitation, OrganisationSignIn


@admin.register(EmailDomain)
class EmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "organisation", "signup_allowed"]
    list_filter = ["signup_allowed"]
    search_fields = ["domain", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(OrganisationSignIn)
class OrganisationSignInAdmin(admin.ModelAdmin):
    list_display = ["label", "organisation", "protocol", "enabled", "password_allowed"]
    list_filter = ["protocol", "enabled"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "label",
                    "slug",
                    "protocol",
                    "enabled",
                    "password_allowed",
                ]
            },
        ),
        (
            "OpenID Connect",
            {"fields": ["oidc_issuer", "oidc_client_id", "oidc_client_secret"]},
        ),
        (
            "SAML 2.0",
            {"fields": ["saml_entity_id", "saml_sso_url", "saml_certificate"]},
        ),
        (None, {"fields": ["email_attribute", "employee_id_attribute"]}),
    ]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "invited_by",
        "first_sent_at",
        "times_sent",
        "accepted_at",
    ]
    search_fields = ["person__email", "person__last_name"]
    raw_id_fields = ["person", "invited_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Platform staff see and revoke keys; the keys themselves are never stored."""

    list_display = ["name", "user", "created", "expiry", "last_used_at"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["digest", "token_key", "user", "created", "last_used_at"]
    fields = ["name", "user", "created", "expiry", "last_used_at", "token_key"]

    def has_add_permission(self, request):
        return False
