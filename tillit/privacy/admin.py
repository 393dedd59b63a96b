from django.contrib import admin

from .models import ErasureRequest, PrivacyContact, RetentionRule, RetentionRun


@admin.register(PrivacyContact)
class PrivacyContactAdmin(admin.ModelAdmin):
    list_display = ["organisation", "person", "public_email"]
    list_filter = ["organisation"]
    autocomplete_fields = ["organisation", "person"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "keep_days", "decision"]
    list_filter = ["kind"]
    autocomplete_fields = ["organisation"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """Written by the retention job only."""

    list_display = ["at", "removed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Read-only: erasures are decided at /privacy/erasures/ (the service
    cancels seats and anonymises; an edit here would bypass it)."""

    list_display = ["pk", "person", "organisation", "status", "requested_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
