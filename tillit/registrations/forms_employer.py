"""Forms of the employer contact and approver pages. They parse and validate;
the services in tillit.registrations.services write.

People are offered as choices from lists the view has already loaded (one query
for a whole page), so `PersonChoiceField` takes people, not a queryset.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def person_label(person):
    details = [detail for detail in (person.title, str(person.unit or "")) if detail]
    name = person.get_full_name() or person.email
    return f"{name} ({', '.join(details)})" if details else name


class PersonChoiceField(forms.TypedChoiceField):
    """One person out of a list already loaded; cleans to the Person."""

    def __init__(self, *, people=(), **kwargs):
        self.people = {person.pk: person for person in people}
        choices = [("", _("Choose a person")), *self._choices_of(people)]
        super().__init__(choices=choices, coerce=int, empty_value=None, **kwargs)

    @staticmethod
    def _choices_of(people):
        return [(person.pk, person_label(person)) for person in people]

    def clean(self, value):
        pk = super().clean(value)
        return self.people.get(pk) if pk is not None else None


class OrganisationMixin:
    """An `organisation` field over the organisations the person is an employer
    contact of; hidden when there is only one."""

    def add_organisation_field(self, organisations):
        organisations = list(organisations)
        self.fields["organisation"] = forms.TypedChoiceField(
            label=_("Organisation"),
            choices=[(org.pk, org.name) for org in organisations],
            coerce=int,
            initial=organisations[0].pk if organisations else None,
            widget=forms.HiddenInput if len(organisations) == 1 else forms.Select,
        )
        self._organisations = {org.pk: org for org in organisations}

    def clean_organisation(self):
        return self._organisations[self.cleaned_data["organisation"]]


class UnitFilterForm(forms.Form):
    """Narrow the list of managers to one unit (förvaltning or unit)."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label=_("All units"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = organisation.units.order_by("name")

    def chosen_unit(self):
        return self.cleaned_data.get("unit") if self.is_valid() else None


class BookForm(forms.Form):
    """Several managers of one organisation into one cohort."""

    TOGETHER, SPLIT = "together", "split"

    people = forms.TypedMultipleChoiceField(
        label=_("Managers to book"),
        coerce=int,
        error_messages={"required": _("Choose at least one manager.")},
    )
    mode = forms.ChoiceField(
        label=_("If there are not enough seats for everyone"),
        choices=[
            (
                SPLIT,
                _("Split: give the free seats in order, the others join the waitlist"),
            ),
            (
                TOGETHER,
                _(
                    "Wait together: seats for everyone or for no one; otherwise "
                    "all of them wait as one group"
                ),
            ),
        ],
        initial=SPLIT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["people"].choices = [
            (person.pk, person_label(person)) for person in people
        ]

    def clean_people(self):
        return [self.people[pk] for pk in self.cleaned_data["people"]]

    @property
    def wait_together(self):
        return self.cleaned_data["mode"] == self.TOGETHER


class ReserveForm(OrganisationMixin, forms.Form):
    seats = forms.IntegerField(
        label=_("Number of seats"),
        min_value=1,
        help_text=_(
            "The seats are held for your organisation. Name the people before "
            "the deadline; seats still unnamed then go to the waitlist."
        ),
    )

    def __init__(self, *args, organisations, max_seats=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_organisation_field(organisations)
        if max_seats:
            self.fields["seats"].widget.attrs["max"] = max_seats


class NameSeatForm(forms.Form):
    """A manager into one of a reservation's unnamed seats."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            label=_("Give a seat to"),
            people=people,
            error_messages={"required": _("Choose the person to give the seat to.")},
        )


class SwapForm(forms.Form):
    """A colleague to take over a booked seat (or place on the waitlist)."""

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_person"] = PersonChoiceField(
            label=_("Colleague who takes over"),
            people=people,
            error_messages={"required": _("Choose the colleague who takes over.")},
        )


class ApprovalDecisionForm(forms.Form):
    """Approve or refuse a held seat. The decision comes from the pressed button."""

    APPROVE, REFUSE = "approve", "refuse"

    decision = forms.ChoiceField(
        choices=[
            (APPROVE, pgettext_lazy("held seat", "Approve")),
            (REFUSE, pgettext_lazy("held seat", "Refuse")),
        ],
        error_messages={"required": _("Choose whether to approve or refuse.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=300,
        required=False,
        help_text=_("Kept with the decision in the registration's history."),
    )

    @property
    def approve(self):
        return self.cleaned_data["decision"] == self.APPROVE
