from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OPTIONAL_KINDS, Notification

Kind = Notification.Kind

HELP = {
    Kind.SESSION_REMINDER: _(
        "A few days before each session: when and where it is, and what to prepare."
    ),
    Kind.ASSIGNMENT_DUE: _("Before an assignment is due, if you have not submitted."),
    Kind.EVALUATION_INVITATION: _(
        "After a session or a cohort, when the organiser asks what you thought."
    ),
}


class ReminderForm(forms.Form):
    """One checkbox per kind of mail a person may turn off."""

    def __init__(self, *args, wanted=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in OPTIONAL_KINDS:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label,
                help_text=HELP.get(kind, ""),
                required=False,
                initial=kind in wanted,
            )

    def wanted_kinds(self):
        return [Kind(name) for name, on in self.cleaned_data.items() if on]
