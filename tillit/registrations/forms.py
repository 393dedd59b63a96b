from django import forms
from django.utils.translation import gettext_lazy as _


class ExceptionRequestForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you want to take part?"),
        help_text=_(
            "Tell the organiser about your role and what you hope to gain. "
            "At most 2,000 characters."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
