from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import Organisation, Person, SecurityEvent, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    fk_name = "organisation"
    fields = ["name", "parent"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A unit's parent is a unit of the same organisation.
        parent = formset.form.base_fields["parent"]
        parent.queryset = (
            Unit.objects.filter(organisation=obj) if obj else Unit.objects.none()
        )
        return formset


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ["name", "short_name", "kind", "sector", "country", "time_zone"]
    list_filter = ["country", "kind", "sector"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["staff"]
    inlines = [UnitInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "short_name",
                    "kind",
                    "sector",
                    "country",
                    "time_zone",
                ]
            },
        ),
        (_("Reference"), {"fields": ["code", "website"]}),
        (_("Organiser"), {"fields": ["staff"]}),
    ]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "parent"]
    list_filter = ["organisation__kind", "organisation__country"]
    list_select_related = ["organisation", "parent"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "parent"]


class PersonCreationForm(AdminUserCreationForm):
    class Meta:
        model = Person
        fields = ["email", "first_name", "last_name"]

    def clean_email(self):
        """E-mail addresses are stored in lower case and are unique in any case."""
        email = self.cleaned_data["email"].strip().lower()
        if Person.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("A person with this e-mail address already exists.")
            )
        return email


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = Person
        fields = "__all__"


@admin.register(Person)
class PersonAdmin(UserAdmin):
    """Django's user admin, for people who sign in with their e-mail address."""

    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["last_name", "first_name", "email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "title",
        "organisation",
        "role_category",
        "managerial_level",
        "is_staff",
    ]
    list_filter = [
        "role_category",
        "managerial_level",
        "organisation__sector",
        "organisation__country",
        "is_staff",
        "is_superuser",
        "is_active",
    ]
    list_select_related = ["organisation"]
    search_fields = ["email", "first_name", "last_name", "title", "organisation__name"]
    autocomplete_fields = ["organisation", "unit", "manager"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Person"),
            {"fields": ["first_name", "last_name", "title", "preferred_language"]},
        ),
        (
            _("Work"),
            {
                "fields": [
                    "organisation",
                    "unit",
                    "manager",
                    "role_category",
                    "managerial_level",
                ]
            },
        ),
        (
            _("Permissions"),
            {
                "classes": ["collapse"],
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ],
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "email", "person", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["email", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
