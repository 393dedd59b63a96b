from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tillit.core import timezones
from tillit.core.content_languages import language_of_organisation
from tillit.core.forms import ContentLanguagesMixin
from tillit.core.models import Organisation

from .models import Announcement, Meeting, Membership, Network

# Paths under networks/ that are pages, not networks.
RESERVED_SLUGS = {"mine", "new", "invitations", "applications"}


class ApplicationForm(forms.Form):
    text = forms.CharField(
        label=_("Why would you like to join?"),
        help_text=_("A few sentences for the network's chair: your role and interest."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class VisibilityForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "show_email",
            "show_title",
            "show_organisation",
            "phone",
            "show_phone",
        ]
        help_texts = {
            "phone": _("Only shown if you tick “show my phone number”."),
        }

    def clean(self):
        data = super().clean()
        if data.get("show_phone") and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Give a phone number to show it."))
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        help_text=_("Only needed for someone who is not yet in Tillit."),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        required=False,
        help_text=_("Only needed for someone who is not yet in Tillit."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class _NetworkTextsMixin(ContentLanguagesMixin):
    """A network's texts, its owner organisation's language first."""

    def __init__(self, *args, network=None, **kwargs):
        if network is not None:
            kwargs.setdefault("first_language", language_of_organisation(network.owner))
        super().__init__(*args, **kwargs)


class AnnouncementForm(_NetworkTextsMixin, forms.ModelForm):
    translated_fields = ("title", "body")

    class Meta:
        model = Announcement
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    @property
    def title_as_read(self):
        """The title in the first language written, for the confirmation."""
        return next(
            (
                self.cleaned_data[f"title_{language}"]
                for language in self.languages
                if self.cleaned_data.get(f"title_{language}")
            ),
            "",
        )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(_NetworkTextsMixin, forms.ModelForm):
    translated_fields = ("title", "place", "description")

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "online_url", "description"]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": timezones.local_time_help_lazy(),
            "place": _("E.g. the address and room, or “online”."),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data

    @property
    def values(self):
        return self.cleaned_with_languages()


class FileForm(forms.Form):
    upload = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False
    )


class NetworkForm(ContentLanguagesMixin, forms.ModelForm):
    """A leader's settings for a network."""

    translated_fields = ("name", "description")

    class Meta:
        model = Network
        fields = ["name", "description", "join_policy", "allows_external", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.owner_id:
            kwargs.setdefault(
                "first_language", language_of_organisation(instance.owner)
            )
        super().__init__(*args, **kwargs)


class NewNetworkForm(ContentLanguagesMixin, forms.ModelForm):
    """A new network, owned by an organisation the organiser staffs."""

    translated_fields = ("name", "description")

    class Meta:
        model = Network
        fields = [
            "name",
            "slug",
            "kind",
            "owner",
            "description",
            "join_policy",
            "allows_external",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "slug": _("The end of the network's web address: letters, digits, -."),
        }

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("first_language", language_of_organisation(owners.first()))
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].empty_label = None
        self.fields["kind"].choices = [
            c for c in Network.Kind.choices if c[0] != Network.Kind.ALUMNI
        ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is taken; choose another."))
        return slug

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if not isinstance(owner, Organisation):
            raise ValidationError(_("Choose an organisation."))
        return owner
