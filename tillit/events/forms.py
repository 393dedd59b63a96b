"""Forms of the organiser pages. They parse and validate; the services write.

Times are entered as `datetime-local` in the site's time zone, as on the
programme pages (tillit.programmes.forms).
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from tillit.core import uploads
from tillit.core.content_languages import (
    CONTENT_LANGUAGES,
    as_read,
    language_of_organisation,
)
from tillit.core.forms import ContentLanguagesMixin, TargetGroupForm
from tillit.core.models import Organisation
from tillit.programmes.forms import _datetime_input, _local_time_help

from . import services
from .models import Event, InvitationRound, Talk


class EventForm(ContentLanguagesMixin, forms.Form):
    """An event with its time, place and seats. Save with services.create_event
    or services.update_event."""

    organisation = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Public-leadership day 2027” or “Morning meeting”."),
    )
    theme = forms.CharField(label=_("Theme"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=Event.Format.choices, widget=forms.RadioSelect
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_datetime_input())
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Venue and address, for an event on site or hybrid."),
    )
    stream_link = forms.URLField(
        label=_("Stream link"),
        required=False,
        assume_scheme="https",
        help_text=_("Link to the stream or online meeting, if any."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        help_text=_(
            "Extra seats go at once to the people on the waitlist; you cannot go "
            "below the seats already taken."
        ),
    )
    waitlist_enabled = forms.BooleanField(
        label=_("Waitlist when fully booked"), required=False, initial=True
    )
    registration_opens_at = forms.DateTimeField(
        label=_("Registration opens"), widget=_datetime_input()
    )
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"), widget=_datetime_input()
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=None,
        required=False,
        empty_label=_("No network"),
        help_text=_("The forum or network whose meeting this is, if any."),
    )
    reminder_days = forms.IntegerField(
        label=_("Reminder, days before"),
        initial=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("People with a seat get a reminder this many days before."),
    )
    is_published = forms.BooleanField(
        label=_("Published on the events page"), required=False, initial=True
    )

    EVENT_ONLY = ("organisation",)
    translated_fields = ("title", "theme", "description", "place")

    def __init__(self, *args, organisations, networks, event=None, **kwargs):
        if event is not None:
            kwargs.setdefault("initial", initial_for(event))
            organiser = event.organiser
        else:
            organiser = organisations.first()
        super().__init__(
            *args,
            translated_instance=event,
            first_language=language_of_organisation(organiser),
            **kwargs,
        )
        self.fields["organisation"].queryset = organisations
        if event is not None:
            del self.fields["organisation"]
        self.fields["network"].queryset = networks
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
        ):
            self.fields[name].help_text = _local_time_help()
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean(self):
        cleaned = super().clean()
        opens = cleaned.get("registration_opens_at")
        closes = cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at", _("Registration must close after it opens.")
            )
        if cleaned.get("format") in (
            Event.Format.ON_SITE,
            Event.Format.HYBRID,
        ) and not any(cleaned.get(f"place_{language}") for language in self.languages):
            self.add_error(
                f"place_{self.languages[0]}", _("Say where the event is held on site.")
            )
        return cleaned

    def service_fields(self):
        names = services.EVENT_FIELDS | services.COHORT_FIELDS | services.TIME_AND_PLACE
        fields = {
            name: self.cleaned_data[name] for name in names if name in self.cleaned_data
        }
        return {**fields, **self.language_data()}


def initial_for(event):
    cohort = event.cohort
    return {
        "title": event.title,
        "theme": event.theme,
        "description": event.description,
        "format": event.format,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        **{
            f"place_{language}": getattr(event.session, f"location_{language}") or ""
            for language in CONTENT_LANGUAGES
        },
        "stream_link": event.stream_link,
        "capacity": cohort.capacity,
        "waitlist_enabled": cohort.waitlist_enabled,
        "registration_opens_at": cohort.registration_opens_at,
        "registration_closes_at": cohort.registration_closes_at,
        "network": event.network_id,
        "reminder_days": event.reminder_days,
        "is_published": event.is_published,
    }


class TalkForm(ContentLanguagesMixin, forms.ModelForm):
    """A programme item of an event; its texts in each content language, the
    event organiser's first."""

    translated_fields = ("title", "description")

    def __init__(self, *args, event=None, **kwargs):
        if event is not None:
            kwargs.setdefault(
                "first_language", language_of_organisation(event.organiser)
            )
        super().__init__(*args, **kwargs)

    class Meta:
        model = Talk
        fields = ["starts_at", "ends_at", "title", "speaker", "description"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def service_fields(self):
        fields = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in self.translated_fields
        }
        return {**fields, **self.language_data()}


class MaterialForm(ContentLanguagesMixin, forms.ModelForm):
    """Links published with the event afterwards, the publication's title in
    each content language (the organiser's first); a file is optional."""

    upload = forms.FileField(label=_("Add a file"), required=False)
    file_title = forms.CharField(
        label=_("Title of the added file"),
        max_length=200,
        required=False,
        help_text=_("Optional: shown instead of the file's name."),
    )
    translated_fields = ("publication_title", "file_title")

    class Meta:
        model = Event
        fields = ["recording_url", "publication_title", "publication_url"]

    def __init__(self, *args, **kwargs):
        event = kwargs.get("instance")
        if event is not None:
            kwargs.setdefault(
                "first_language", language_of_organisation(event.organiser)
            )
        super().__init__(*args, **kwargs)
        # Formatted per form, in the reader's language (a lazy string formatted
        # on the class would be fixed in the language active at import).
        self.fields["upload"].help_text = _(
            "%(types)s, at most %(mb)s MB. The content is checked."
        ) % {
            "types": uploads.describe(services.MATERIAL_TYPES),
            "mb": services.MATERIAL_MAX_MB,
        }

    def service_fields(self):
        fields = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in self.translated_fields
        }
        texts = {
            name: value
            for name, value in self.language_data().items()
            if name.startswith("publication_title_")
        }
        return {**fields, **texts}

    def file_titles(self):
        """The added file's title per language, for services.add_material_file."""
        return {
            name.replace("file_title_", "title_"): value
            for name, value in self.language_data().items()
            if name.startswith("file_title_")
        }


class InviteForm(TargetGroupForm):
    """Whom to invite: a network's members, a target group or the people of
    chosen organisations."""

    audience = forms.ChoiceField(
        label=_("Whom to invite"),
        choices=InvitationRound.Audience.choices,
        widget=forms.RadioSelect,
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=None,
        required=False,
        empty_label=_("Choose a network"),
        help_text=_("All active members of the network are invited."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("All active people of the chosen organisations are invited."),
    )

    field_order = ("audience", "network", *TargetGroupForm.base_fields, "organisations")

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["organisations"].queryset = Organisation.objects.order_by(
            as_read("name"), "pk"
        )

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        Audience = InvitationRound.Audience
        if audience == Audience.NETWORK and not cleaned.get("network"):
            self.add_error("network", _("Choose a network."))
        if audience == Audience.ORGANISATIONS and not cleaned.get("organisations"):
            self.add_error("organisations", _("Choose at least one organisation."))
        if audience == Audience.TARGET_GROUP and not self.has_target_group():
            self.add_error(
                "sectors", _("Choose at least one sector, role or managerial level.")
            )
        return cleaned

    def service_fields(self):
        data = self.cleaned_data
        audience = data["audience"]
        Audience = InvitationRound.Audience
        fields = {"audience": audience}
        if audience == Audience.NETWORK:
            fields["network"] = data["network"]
        elif audience == Audience.ORGANISATIONS:
            fields["organisations"] = list(data["organisations"])
        else:
            fields.update(self.target_group())
        return fields
