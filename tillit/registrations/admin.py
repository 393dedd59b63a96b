"""Registrations in the admin: read and act, never edit a status by hand.

Seats change only through the services (cancel, promote, decide), so the waitlist
is promoted and every change is logged; the forms here are read-only. The cohort
admin lives here too: it shows a cohort's seats, and its capacity changes under
the seat lock (services.update_cohort).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from tillit.programmes import services as programme_services
from tillit.programmes.admin import SessionChangesMixin, SessionInline
from tillit.programmes.models import Cohort

from . import selectors, services
from .models import (
    Booking,
    CohortMessage,
    ExceptionRequest,
    Registration,
    RegistrationEvent,
    Reservation,
)


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegistrationEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RegistrationEvent
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0


def _report(modeladmin, request, done, failures, success):
    """Tell what failed, one message per object, and what was done."""
    for obj, error in failures:
        modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
    if done:
        modeladmin.message_user(request, success, messages.SUCCESS)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["person", "cohort", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "cohort__programme__organiser", "cohort__programme"]
    list_select_related = ["person", "cohort__programme"]
    search_fields = [
        "person__email",
        "person__first_name",
        "person__last_name",
        "cohort__name",
        "cohort__programme__title",
    ]
    date_hierarchy = "created_at"
    fields = [
        "person",
        "cohort",
        "status",
        "created_at",
        "confirmed_at",
        "cancelled_at",
    ]
    readonly_fields = fields
    inlines = [RegistrationEventInline]
    actions = ["cancel_registrations"]

    def has_add_permission(self, request):
        # People register through the site or the API, where the rules apply.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a seat would skip the waitlist; cancel it instead.
        return False

    @admin.action(
        description=_("Cancel selected registrations"), permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        done, failures = 0, []
        for registration in queryset.select_related("person", "cohort__programme"):
            if registration.status == Registration.Status.CANCELLED:
                continue
            try:
                services.cancel(registration, actor=request.user)
                done += 1
            except services.RegistrationError as error:
                failures.append((registration, error))
        success = ngettext(
            "%(count)s registration was cancelled; a freed seat goes to the first "
            "person on the waitlist.",
            "%(count)s registrations were cancelled; freed seats go to the first "
            "people on the waitlist.",
            done,
        ) % {"count": done}
        _report(self, request, done, failures, success)


@admin.register(ExceptionRequest)
class ExceptionRequestAdmin(admin.ModelAdmin):
    list_display = ["person", "programme", "status", "created_at", "decided_by"]
    list_filter = ["status", "programme__organiser", "programme"]
    list_select_related = ["person", "programme", "decided_by"]
    search_fields = [
        "person__email",
        "person__first_name",
        "person__last_name",
        "programme__title",
    ]
    fields = [
        "person",
        "programme",
        "motivation",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields
    actions = ["grant", "refuse"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, *, grant):
        done, failures = 0, []
        for exception_request in queryset:
            try:
                services.decide_exception(
                    exception_request, grant=grant, actor=request.user
                )
                done += 1
            except services.RegistrationError as error:
                failures.append((exception_request, error))
        return done, failures

    @admin.action(description=_("Grant the selected requests"), permissions=["change"])
    def grant(self, request, queryset):
        done, failures = self._decide(request, queryset, grant=True)
        success = ngettext(
            "%(count)s request was granted.", "%(count)s requests were granted.", done
        ) % {"count": done}
        _report(self, request, done, failures, success)

    @admin.action(description=_("Refuse the selected requests"), permissions=["change"])
    def refuse(self, request, queryset):
        done, failures = self._decide(request, queryset, grant=False)
        success = ngettext(
            "%(count)s request was refused.", "%(count)s requests were refused.", done
        ) % {"count": done}
        _report(self, request, done, failures, success)


@admin.register(RegistrationEvent)
class RegistrationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "action", "registration", "actor"]
    list_filter = ["action"]
    list_select_related = [
        "registration__person",
        "registration__cohort__programme",
        "actor",
    ]
    search_fields = [
        "registration__person__email",
        "registration__person__last_name",
        "note",
    ]
    date_hierarchy = "at"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "organisation",
        "cohort",
        "booked_by",
        "wait_together",
    ]
    list_filter = ["wait_together", "cohort__programme"]
    list_select_related = ["organisation", "cohort__programme", "booked_by"]
    search_fields = ["organisation__name", "booked_by__email"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "organisation",
        "cohort",
        "seats",
        "unnamed_seats",
        "released_at",
    ]
    list_filter = ["cohort__programme"]
    list_select_related = ["organisation", "cohort__programme"]
    search_fields = ["organisation__name"]


@admin.register(CohortMessage)
class CohortMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What organisers sent to a cohort, as it was sent: a record, not a draft."""

    list_display = ["subject", "cohort", "audience", "recipients_count", "sent_at"]
    list_filter = ["audience", "cohort__programme__organiser"]
    list_select_related = ["cohort__programme"]
    search_fields = ["subject", "cohort__name", "cohort__programme__title"]
    date_hierarchy = "sent_at"
    fields = [
        "cohort",
        "sender",
        "audience",
        "assignment_title",
        "subject",
        "body",
        "recipients_count",
        "sent_at",
    ]
    readonly_fields = fields


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
            taken = selectors.availability(self.instance).taken
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
    """A programme's cohorts with their seats, registered here because it shows
    and changes seats: edits go through services.update_cohort, under the seat
    lock, so new seats go to the waitlist at once."""

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
        return selectors.with_availability(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # A cohort's registrations belong to its programme: no moving cohorts.
        return ["programme"] if obj else []

    @admin.display(description=_("seats booked"))
    def seats(self, cohort):
        availability = selectors.availability_of(cohort)
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
            if name in programme_services.COHORT_FIELDS
        }
        try:
            services.update_cohort(obj, actor=request.user, **fields)
        except services.RegistrationError as error:
            self.message_user(request, str(error), messages.ERROR)

    @admin.action(
        description=_("Fill free seats from the waitlist"), permissions=["change"]
    )
    def fill_from_waitlist(self, request, queryset):
        promoted = 0
        for cohort in queryset:
            try:
                promoted += len(services.promote_next(cohort, actor=request.user))
            except services.RegistrationError as error:
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
