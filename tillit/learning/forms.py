"""Forms of the learning pages. They parse and validate; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tillit.core import timezones, uploads
from tillit.core.content_languages import language_of_organisation
from tillit.core.forms import ContentLanguagesMixin
from tillit.registrations.models import CohortMessage

from . import services
from .models import Assignment, Attendance, CompletionRule, Feedback, Preparation

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _first_language(cohort):
    return language_of_organisation(cohort.programme.organiser)


class PreparationForm(ContentLanguagesMixin, forms.ModelForm):
    """What to prepare, in each content language (the organiser's first); the
    links are the same in every language."""

    translated_fields = ("text",)

    class Meta:
        model = Preparation
        fields = ["text", "links"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, cohort, **kwargs):
        kwargs.setdefault("first_language", _first_language(cohort))
        super().__init__(*args, **kwargs)

    def service_fields(self):
        return self.cleaned_with_languages()

    def clean_links(self):
        links = self.cleaned_data["links"]
        check = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(links.splitlines(), 1):
            url = line.rpartition("|")[2].strip()
            if not url:
                continue
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    _("Line %(number)s does not end with a web address (https://…).")
                    % {"number": number}
                ) from None
        return links


class PreparationFileForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        help_text=_("PDF, Office or OpenDocument files, images or text; up to 25 MB."),
    )


class AssignmentForm(ContentLanguagesMixin, forms.ModelForm):
    """An assignment; its title and instructions in each content language."""

    translated_fields = ("title", "instructions")
    allowed_types = forms.MultipleChoiceField(
        label=_("Allowed file types"),
        choices=uploads.TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Checked by the content of each file, not by its name."),
    )

    class Meta:
        model = Assignment
        fields = [
            "kind",
            "session",
            "title",
            "instructions",
            "due_at",
            "allowed_types",
            "max_size_mb",
        ]
        widgets = {
            "due_at": _datetime_input(),
            "kind": forms.RadioSelect,
            "instructions": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "session": _("A pre-session assignment belongs to a session."),
            "max_size_mb": _("Between 1 and 100."),
        }

    def __init__(self, *args, cohort, **kwargs):
        kwargs.setdefault("first_language", _first_language(cohort))
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = cohort.sessions.all()
        self.fields["session"].required = False
        self.fields["due_at"].help_text = timezones.local_time_help()
        self.fields["max_size_mb"].widget.attrs.update(min=1, max=100)
        if not self.instance.pk:
            self.initial.setdefault("allowed_types", services.ASSIGNMENT_DEFAULT_TYPES)

    def service_fields(self):
        return self.cleaned_with_languages()


class MilestoneForm(ContentLanguagesMixin, forms.Form):
    translated_fields = ("title",)

    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due"), widget=_datetime_input(), input_formats=[DATETIME_LOCAL]
    )

    def __init__(self, *args, cohort, **kwargs):
        kwargs.setdefault("first_language", _first_language(cohort))
        super().__init__(*args, **kwargs)

    def service_fields(self):
        return self.cleaned_with_languages()


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    files = MultipleFileField(label=_("Attach files"), required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Allowed: %(types)s. At most %(size)s MB per file."
        ) % {
            "types": uploads.describe(assignment.allowed_types),
            "size": assignment.max_size_mb,
        }
        if not assignment.allowed_types:
            del self.fields["files"]


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["verdict", "text"]
        widgets = {
            "verdict": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 6}),
        }


class AttendanceRowForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[("", _("Not marked")), *Attendance.Status.choices],
        required=False,
    )
    absence_reason = forms.ChoiceField(
        label=_("Reason for absence"),
        choices=Attendance.Reason.choices,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != Attendance.Status.ABSENT:
            cleaned["absence_reason"] = ""
        return cleaned


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=20,
        help_text=_("The code your teacher shows in the meeting."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class CompletionRuleForm(forms.ModelForm):
    class Meta:
        model = CompletionRule
        fields = ["min_sessions", "min_share", "all_assignments"]
        help_texts = {
            "min_sessions": _("For example 5 of 6. Leave empty to use a share."),
            "min_share": _("Used when no number of sessions is given, e.g. 80."),
            "all_assignments": _(
                "Every assignment of the cohort must be marked approved."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_share"].widget.attrs.update(min=1, max=100)
        self.fields["min_sessions"].widget.attrs["min"] = 1

    def clean(self):
        cleaned = super().clean()
        neither = cleaned.get("min_sessions") is None and not cleaned.get("min_share")
        if neither and "min_sessions" not in self.errors:
            self.add_error(
                "min_sessions",
                _("Give a number of sessions or a share of the sessions."),
            )
        share = cleaned.get("min_share")
        if share is not None and not 1 <= share <= 100:
            self.add_error("min_share", _("A share between 1 and 100 per cent."))
        return cleaned


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=30,
        help_text=_("As printed on the certificate, e.g. ABCD-EFGH-JKLM."),
    )


class CohortMessageForm(forms.Form):
    """An organiser's e-mail to a group of a cohort's people. `recipients`
    names the group: a CohortMessage.Audience, or "not_submitted:<pk>" for
    those who have not handed in one of the cohort's assignments. `key`, made
    when the form is first shown, lets a second post of it send nothing."""

    recipients = forms.ChoiceField(label=_("Recipients"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Plain text. Each person gets it by e-mail, with your name and "
            "why they receive it added below."
        ),
    )
    key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        Audience = CohortMessage.Audience
        self.assignments = {a.pk: a for a in cohort.assignments.order_by("due_at")}
        choices = [
            (Audience.CONFIRMED.value, Audience.CONFIRMED.label),
            (Audience.WAITLIST.value, Audience.WAITLIST.label),
        ]
        choices += [
            (
                f"{Audience.NOT_SUBMITTED.value}:{pk}",
                _("Have not handed in “%(assignment)s”") % {"assignment": a.title},
            )
            for pk, a in self.assignments.items()
        ]
        self.fields["recipients"].choices = choices

    def clean(self):
        data = super().clean()
        audience, _sep, pk = data.get("recipients", "").partition(":")
        data["audience"] = audience
        data["assignment"] = self.assignments.get(int(pk)) if pk.isdigit() else None
        return data
