"""Forms parse and validate; the services do the work."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core import timezones
from tillit.core.models import Person

from .models import Application, GroupRound

WEIGHTS = [
    "weight_branch",
    "weight_organisation",
    "weight_sector",
    "weight_region",
    "weight_role",
    "weight_years",
]
RULES = ["max_per_organisation", "keep_continuing", "keep_managers_apart"]


class RoundForm(forms.ModelForm):
    """A round's title, group sizes, what to mix and the hard rules."""

    class Meta:
        model = GroupRound
        fields = [
            "title",
            "year",
            "description",
            "applications_open",
            "min_size",
            "max_size",
            *WEIGHTS,
            *RULES,
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {name: _("0 (ignore) to 10 (mix most).") for name in WEIGHTS}

    def __init__(self, *args, owners=None, networks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"] = forms.ModelChoiceField(
                label=_("Owner organisation"),
                queryset=owners,
                initial=owners.first() if owners.count() == 1 else None,
            )
            self.fields["network"] = forms.ModelChoiceField(
                label=_("Peer network"),
                queryset=networks,
                required=False,
                help_text=_("Optional: its members can apply and be added at once."),
            )
        for name in ("min_size", "max_size", *WEIGHTS, "max_per_organisation"):
            self.fields[name].widget.attrs.update(min=0, max=60)
        for name in WEIGHTS:
            self.fields[name].widget.attrs["max"] = 10
            self.fields[name].validators.append(MaxValueValidator(10))

    def clean(self):
        data = super().clean()
        low, high = data.get("min_size"), data.get("max_size")
        if low is not None and low < 2:
            self.add_error("min_size", _("A group has at least 2 people."))
        elif low is not None and high is not None and high < low:
            self.add_error(
                "max_size", _("The largest group cannot be smaller than the smallest.")
            )
        owner, network = data.get("owner"), data.get("network")
        if owner and network and network.owner_id != owner.pk:
            self.add_error("network", _("The network belongs to another organisation."))
        return data

    def settings(self):
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields}

    @property
    def weight_fields(self):
        return [self[name] for name in WEIGHTS]

    @property
    def rule_fields(self):
        return [self[name] for name in RULES]


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["years_as_manager", "motivation", "region"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}
        labels = {"motivation": _("What you hope for from a peer group")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["years_as_manager"].widget.attrs.update(min=0, max=60)
        self.fields["years_as_manager"].validators.append(MaxValueValidator(60))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Take into the pool")), ("remove", _("Remove"))],
    )


class FacilitatorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the facilitator"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.person = Person.objects.filter(email__iexact=email, is_active=True).first()
        if self.person is None:
            raise forms.ValidationError(_("Nobody in Tillit has this e-mail address."))
        return email


class ThemeForm(forms.Form):
    title = forms.CharField(label=_("Theme"), max_length=200)
    text = forms.CharField(
        label=_("A few words about it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(forms.Form):
    """Move one person of the proposal to another group."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    group = forms.IntegerField(label=_("Move to group"), min_value=1)


class ContinueForm(forms.Form):
    title = forms.CharField(label=_("Title of next year's round"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class AgreementForm(forms.Form):
    ways_of_working = forms.CharField(
        label=_("How we work"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    themes = forms.CharField(
        label=_("Our themes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class MeetingForm(forms.Form):
    """A group's meeting, typed on the clock of the round's owner organisation
    (`zone`), as every member's page, mail and calendar gives it."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    starts = forms.TimeField(
        label=_("Starts"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    ends = forms.TimeField(
        label=_("Ends"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(label=_("Place or link"), required=False, max_length=300)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["starts"].help_text = timezones.local_time_help(zone)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The meeting must end after it starts."))
        return data

    def times(self):
        data = self.cleaned_data
        return (
            dt.datetime.combine(data["date"], data["starts"], self.zone),
            dt.datetime.combine(data["date"], data["ends"], self.zone),
        )

    @staticmethod
    def initial_for(meeting, zone):
        starts = timezone.localtime(meeting.starts_at, zone)
        ends = timezone.localtime(meeting.ends_at, zone)
        return {
            "date": starts.date(),
            "starts": starts.time(),
            "ends": ends.time(),
            "place": meeting.place,
            "note": meeting.note,
        }


class LogForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=_("A few lines about it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Log a meeting after it has been held."))
        return held_on
