"""Forms of the rollout pages. They parse and validate; the services write."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.core import formatting

MAX_UPLOAD = 5 * 1024 * 1024


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Export from the HR system"),
        help_text=_(
            "An .xlsx workbook or a CSV file (; or , between fields, UTF-8 or "
            "Windows text), at most 20,000 rows. Columns: employee id, name, "
            "e-mail, unit, own manager's employee id; title and department "
            "(förvaltning) are optional. Swedish, Finnish and English headers "
            "are recognised."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Upload an .xlsx or a .csv file."))
        return upload


class ConfirmImportForm(forms.Form):
    mark_missing_left = forms.BooleanField(
        label=_("Mark the people missing from this file as having left"),
        help_text=_(
            "Their places in cohorts that have not started are cancelled. Leave "
            "unticked if the file holds only part of the organisation."
        ),
        required=False,
    )


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name of the rollout"), max_length=120)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    starts_on = forms.DateField(label=_("Period starts"), widget=_date_input())
    ends_on = forms.DateField(label=_("Period ends"), widget=_date_input())
    cohort_size = forms.IntegerField(
        label=_("Managers per cohort"), min_value=2, max_value=200, initial=25
    )
    cohort_count = forms.IntegerField(
        label=_("Number of cohorts"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("Leave empty to fit every manager, with a few places to spare."),
    )
    days_per_cohort = forms.IntegerField(
        label=_("Programme days per cohort"), min_value=1, max_value=20, initial=5
    )
    weeks_between_days = forms.IntegerField(
        label=_("Weeks between programme days"), min_value=1, max_value=12, initial=3
    )
    max_unit_share = forms.IntegerField(
        label=_("Largest share of a unit in one cohort (%)"),
        min_value=1,
        max_value=100,
        initial=25,
        help_text=_("So that no unit loses too many of its managers at once."),
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The period must end after it starts."))
        if "max_unit_share" in data:
            data["max_unit_share"] = Decimal(data["max_unit_share"]) / 100
        return data


class CohortDaysForm(forms.Form):
    capacity = forms.IntegerField(label=_("Managers"), min_value=1, max_value=500)

    def __init__(self, *args, days, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, days + 1):
            self.fields[f"day_{number}"] = forms.DateField(
                label=_("Programme day %(number)s") % {"number": number},
                widget=_date_input(),
            )
        self._name_holidays(organisation)

    def _name_holidays(self, organisation):
        """A day on a public holiday of the organisation's country is allowed
        (the planner may mean it) and named in the day's hint, which describes
        the field to a screen reader too."""
        shown = {}
        for name, field in self.fields.items():
            if not name.startswith("day_"):
                continue
            # Read as the bound field will show it; not through self[name],
            # which would keep the help text it had before this sets it.
            value = (
                field.widget.value_from_datadict(
                    self.data, self.files, self.add_prefix(name)
                )
                if self.is_bound
                else self.get_initial_for_field(field, name)
            )
            try:
                shown[name] = field.clean(value)
            except forms.ValidationError:
                continue
        holidays = dict(formatting.holidays_among(shown.values(), organisation))
        for name, day in shown.items():
            if day in holidays:
                self.fields[name].help_text = _("Public holiday: %(name)s") % {
                    "name": holidays[day]
                }

    def dates(self):
        return [
            value
            for name, value in self.cleaned_data.items()
            if name.startswith("day_")
        ]


class RunForm(forms.Form):
    allow_moves = forms.BooleanField(
        label=_("Allow moving managers who already have a cohort"),
        help_text=_(
            "Unticked, only managers without a cohort are placed (newcomers, "
            "people from cancelled cohorts, people brought back) and everyone "
            "else stays, except anyone whose place now breaks a rule. Cohorts "
            "that have started never change."
        ),
        required=False,
    )


class ExcludeForm(forms.Form):
    employment = forms.TypedChoiceField(label=_("Manager"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example: the chief executive; long leave until June."),
    )

    def __init__(self, *args, managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employment"].choices = [("", _("Choose a manager")), *managers]


class AddCohortForm(forms.Form):
    starts_on = forms.DateField(label=_("First programme day"), widget=_date_input())
    capacity = forms.IntegerField(label=_("Managers"), min_value=1, max_value=500)


class AdjustForm(forms.Form):
    ACTIONS = [
        ("move", _("Move to the cohort")),
        ("pin", _("Pin to their cohort (a new plan keeps them there)")),
        ("unpin", _("Remove the pin")),
        ("bar", _("Bar from the cohort")),
        ("unbar", _("Remove the bar")),
    ]
    employment = forms.TypedChoiceField(label=_("Manager"), coerce=int)
    action = forms.ChoiceField(
        label=_("What to change"),
        choices=ACTIONS,
        widget=forms.RadioSelect,
        initial="move",
    )
    cohort = forms.TypedChoiceField(
        label=_("Cohort"),
        coerce=int,
        required=False,
        help_text=_("Needed to move, bar or remove a bar."),
    )

    def __init__(self, *args, managers, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employment"].choices = [("", _("Choose a manager")), *managers]
        self.fields["cohort"].choices = [("", "–"), *cohorts]

    def clean(self):
        data = super().clean()
        if data.get("action") in ("move", "bar", "unbar") and not data.get("cohort"):
            self.add_error("cohort", _("Choose a cohort."))
        return data


class MarkLeftForm(forms.Form):
    employee_id = forms.CharField(label=_("Employee id"), max_length=50)
    left_on = forms.DateField(
        label=_("Left on"), widget=_date_input(), initial=dt.date.today
    )


class FollowUpForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=_date_input())
    note = forms.CharField(
        label=_("Short note (both of you see it)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
