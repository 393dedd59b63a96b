from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from tillit.core.models import ManagerialLevel, RoleCategory, Sector

from . import services
from .models import Programme, Session, TargetRule, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class TargetRuleForm(forms.ModelForm):
    """The rule's lists as checkboxes instead of raw JSON."""

    sectors = forms.MultipleChoiceField(
        label=TargetRule._meta.get_field("sectors").verbose_name,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    role_categories = forms.MultipleChoiceField(
        label=TargetRule._meta.get_field("role_categories").verbose_name,
        choices=RoleCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    managerial_levels = forms.MultipleChoiceField(
        label=TargetRule._meta.get_field("managerial_levels").verbose_name,
        choices=ManagerialLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TargetRule
        fields = ["programme", "sectors", "role_categories", "managerial_levels"]


@admin.register(TargetRule)
class TargetRuleAdmin(admin.ModelAdmin):
    form = TargetRuleForm
    list_display = ["programme", "__str__"]
    list_filter = ["programme__organiser"]
    list_select_related = ["programme"]
    search_fields = ["programme__title"]
    autocomplete_fields = ["programme"]


class TargetRuleInline(admin.StackedInline):
    model = TargetRule
    form = TargetRuleForm
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin):
    list_display = ["title", "organiser", "format", "is_published", "created_at"]
    list_filter = ["format", "is_published", "organiser__country", "organiser"]
    list_select_related = ["organiser"]
    search_fields = ["title", "summary", "organiser__name", "organiser__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organiser", "teachers", "contact_persons"]
    filter_horizontal = ["themes"]
    inlines = [TargetRuleInline]
    fieldsets = [
        (None, {"fields": ["organiser", "title", "slug", "is_published"]}),
        (
            _("Content"),
            {"fields": ["summary", "description", "target_group", "format", "themes"]},
        ),
        (_("People"), {"fields": ["teachers", "contact_persons"]}),
        (_("Fee"), {"fields": ["fee", "fee_currency"]}),
    ]


class SessionInline(TranslationTabularInline):
    model = Session
    fields = ["title", "starts_at", "ends_at", "mode", "location", "link", "teachers"]
    autocomplete_fields = ["teachers"]
    extra = 0


class SessionChangesMixin:
    """Sessions edited in the admin move in calendars like any other edit."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Session):
            services.note_session_change(obj, form.changed_data)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Session:
            for session_form in formset.forms:
                if session_form.has_changed() and session_form.instance.pk:
                    services.note_session_change(
                        session_form.instance, session_form.changed_data
                    )
        super().save_formset(request, form, formset, change)


@admin.register(Session)
class SessionAdmin(SessionChangesMixin, TranslationAdmin):
    list_display = ["title", "cohort", "starts_at", "ends_at", "mode"]
    list_filter = ["mode", "cohort__programme__organiser"]
    list_select_related = ["cohort__programme"]
    search_fields = ["title", "cohort__name", "cohort__programme__title"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["cohort", "teachers"]
