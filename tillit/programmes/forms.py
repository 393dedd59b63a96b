"""Forms of the organiser pages. They parse and validate; the services write.

Times are entered as `datetime-local` in the programme organiser's time zone
(Organisation.time_zone, activated by the view with timezones.activate_for):
Django reads the naive value in the current time zone and shows stored values
converted back to it.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tillit.core import timezones
from tillit.core.content_languages import language_of_organisation
from tillit.core.forms import ContentLanguagesMixin

from .models import Cohort, Programme, Session

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _local_time_help():
    return timezones.local_time_help()


class CohortForm(ContentLanguagesMixin, forms.ModelForm):
    """A cohort's dates, seats and registration window, its name and place in
    each content language (the organiser's first). Save with
    services.create_cohort or services.update_cohort, never form.save()."""

    translated_fields = ("name", "location")

    class Meta:
        model = Cohort
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "waitlist_enabled",
            "registration_opens_at",
            "registration_closes_at",
            "location",
            "online_link",
            "waitlist_rule",
            "offer_hours",
            "approval_hold_hours",
            "naming_deadline",
            "max_seats_per_organisation",
        ]
        widgets = {
            "starts_on": _date_input(),
            "ends_on": _date_input(),
            "registration_opens_at": _datetime_input(),
            "registration_closes_at": _datetime_input(),
            "naming_deadline": _datetime_input(),
            "waitlist_rule": forms.RadioSelect,
        }
        help_texts = {
            "name": _("For example “Spring 2027” or “Autumn round, Stockholm”."),
            "capacity": _(
                "Number of seats. Extra seats go at once to the people on the "
                "waitlist; you cannot go below the seats already confirmed."
            ),
            "waitlist_enabled": _(
                "When the cohort is fully booked, people may join a waitlist and "
                "get a seat in order when one becomes free."
            ),
            "location": _("Address or venue, if the cohort meets on site."),
            "online_link": _("Link to the online meeting room, if any."),
            "offer_hours": _(
                "With offers: how long the person offered a freed seat has to "
                "accept it before it passes to the next."
            ),
            "approval_hold_hours": _(
                "When the programme needs approval: how long a seat is held "
                "while the approver decides."
            ),
            "max_seats_per_organisation": _(
                "Places one organisation may hold or wait for, reserved seats "
                "included. Empty: no limit."
            ),
        }

    # Left out of a submitted form, these keep the cohort's current value (the
    # model's default for a new cohort).
    KEEP_WHEN_EMPTY = ("waitlist_rule", "offer_hours", "approval_hold_hours")

    def __init__(self, *args, programme, **kwargs):
        kwargs.setdefault(
            "first_language", language_of_organisation(programme.organiser)
        )
        super().__init__(*args, **kwargs)
        for name in ("registration_opens_at", "registration_closes_at"):
            self.fields[name].help_text = _local_time_help()
        self.fields["naming_deadline"].help_text = "{} {}".format(
            Cohort._meta.get_field("naming_deadline").help_text, _local_time_help()
        )
        capacity = self.fields["capacity"]
        capacity.validators.append(MinValueValidator(1))
        capacity.widget.attrs["min"] = 1
        for name in ("offer_hours", "approval_hold_hours"):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1
        for name in self.KEEP_WHEN_EMPTY:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.KEEP_WHEN_EMPTY:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def service_fields(self):
        """The cleaned values as keyword arguments for the cohort services;
        the texts as every language version that was posted."""
        return self.cleaned_with_languages()


class SessionForm(ContentLanguagesMixin, forms.ModelForm):
    """A session (sammankomst) of a cohort, its title and place in each content
    language (the organiser's first). Save with services.add_session or
    services.update_session; `teachers` is passed separately."""

    translated_fields = ("title", "location")

    teachers = forms.ModelMultipleChoiceField(
        label=_("Teachers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The programme's teachers who lead this session."),
    )

    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "mode", "location", "link"]
        widgets = {
            "starts_at": _datetime_input(),
            "ends_at": _datetime_input(),
            "mode": forms.RadioSelect,
        }
        help_texts = {
            "location": _("Address or room, for a session on site."),
            "link": _("Link to the online meeting room, for a session online."),
        }

    def __init__(self, *args, programme, **kwargs):
        kwargs.setdefault(
            "first_language", language_of_organisation(programme.organiser)
        )
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(teaches=programme)
        if self.instance.pk:
            people = people | get_user_model().objects.filter(
                sessions_taught=self.instance
            )
            self.initial.setdefault("teachers", list(self.instance.teachers.all()))
        self.fields["teachers"].queryset = people.distinct().order_by(
            "last_name", "first_name"
        )
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _local_time_help()

    def other_languages_open(self):
        """In the cohort form's session rows the languages after the first are
        folded away, unless one of them holds text or an error."""
        return any(
            self[f"{name}_{language}"].value() or self[f"{name}_{language}"].errors
            for name in self.translated_fields
            for language in self.languages[1:]
        )

    def service_fields(self):
        fields = self.cleaned_with_languages()
        teachers = list(fields.pop("teachers"))
        return fields, teachers


class ExceptionDecisionForm(forms.Form):
    """An organiser's answer to a request to take part outside the target group."""

    GRANT, REFUSE = "grant", "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (GRANT, pgettext_lazy("exception request", "Grant")),
            (REFUSE, pgettext_lazy("exception request", "Refuse")),
        ],
    )
    note = forms.CharField(
        label=_("Message to the applicant (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with the decision by e-mail."),
    )

    @property
    def grant(self):
        return self.cleaned_data["decision"] == self.GRANT


class MoveForm(forms.Form):
    """Choose another cohort of the same programme to move a registration to."""

    to_cohort = forms.ModelChoiceField(
        label=_("Move to"), queryset=Cohort.objects.none(), empty_label=None
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = cohorts


class ApprovalForm(forms.Form):
    """Who approves a seat before it is confirmed, for the whole programme."""

    approval = forms.ChoiceField(
        label=_("Approval before a seat is confirmed"),
        choices=Programme.Approval.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "With approval, a seat is held for the participant while the approver "
            "decides; a refusal or no answer in time gives the seat to the waitlist. "
            "Organisers may always decide. Applies to new registrations."
        ),
    )


class TrailFilterForm(forms.Form):
    """The filters of a programme's trail: one cohort, a span of days."""

    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("All cohorts"),
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = programme.cohorts.order_by("starts_on")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The last day cannot be before the first."))
        return cleaned
