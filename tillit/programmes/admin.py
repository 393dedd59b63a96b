from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from tillit.core.models import ManagerialLevel, RoleCategory, Sector
from tillit.registrations import selectors as registration_selectors
from tillit.registrations import services as registration_services

from . import services
from .models import Cohort, Programme, Session, TargetRule, Theme


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


class CohortAdminForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "programme",
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "location",
            "online_link",
            "waitlist_enabled",
        ]

    def clean_capacity(self):
        """A friendly message before saving; the service checks again under the
        cohort's lock."""
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity is not None:
            taken = registration_selectors.availability(self.instance).taken
            if capacity < taken:
                raise forms.ValidationError(
                    ngettext(
                        "%(taken)s seat of the cohort is taken; it cannot have fewer.",
                        "%(taken)s seats of the cohort are taken; it cannot have "
                        "fewer.",
                        taken,
                    )
                    % {"taken": taken}
                )
        return capacity


@admin.register(Cohort)
class CohortAdmin(SessionChangesMixin, TranslationAdmin):
    """Capacity changes go through the services, under the seat lock, so new
    seats go to the waitlist at once."""

    form = CohortAdminForm
    list_display = [
        "name",
        "programme",
        "starts_on",
        "ends_on",
        "capacity",
        "seats",
        "registration_opens_at",
        "registration_closes_at",
        "waitlist_enabled",
    ]
    list_filter = ["waitlist_enabled", "programme__organiser", "programme"]
    list_select_related = ["programme"]
    search_fields = ["name", "programme__title", "programme__organiser__name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["programme"]
    inlines = [SessionInline]
    actions = ["fill_from_waitlist"]

    def get_queryset(self, request):
        return registration_selectors.with_availability(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # A cohort's registrations belong to its programme: no moving cohorts.
        return ["programme"] if obj else []

    @admin.display(description=_("seats booked"))
    def seats(self, cohort):
        availability = registration_selectors.availability_of(cohort)
        booked = f"{availability.confirmed} / {availability.capacity}"
        if availability.waitlisted:
            waiting = ngettext(
                "%(count)s waiting", "%(count)s waiting", availability.waitlisted
            ) % {"count": availability.waitlisted}
            return f"{booked} ({waiting})"
        return booked

    def save_model(self, request, obj, form, change):
        if not change:
            # A new cohort holds no seats yet; the inlines need this instance.
            super().save_model(request, obj, form, change)
            return
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.COHORT_FIELDS
        }
        try:
            services.update_cohort(obj, actor=request.user, **fields)
        except registration_services.RegistrationError as error:
            self.message_user(request, str(error), messages.ERROR)

    @admin.action(
        description=_("Fill free seats from the waitlist"), permissions=["change"]
    )
    def fill_from_waitlist(self, request, queryset):
        promoted = 0
        for cohort in queryset:
            try:
                promoted += len(
                    registration_services.promote_next(cohort, actor=request.user)
                )
            except registration_services.RegistrationError as error:
                self.message_user(request, f"{cohort}: {error}", messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)s person got a seat from the waitlist.",
                "%(count)s people got a seat from the waitlist.",
                promoted,
            )
            % {"count": promoted},
            messages.SUCCESS,
        )


@admin.register(Session)
class SessionAdmin(SessionChangesMixin, TranslationAdmin):
    list_display = ["title", "cohort", "starts_at", "ends_at", "mode"]
    list_filter = ["mode", "cohort__programme__organiser"]
    list_select_related = ["cohort__programme"]
    search_fields = ["title", "cohort__name", "cohort__programme__title"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["cohort", "teachers"]
