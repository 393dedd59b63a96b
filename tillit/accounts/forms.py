from django import forms
from django.utils.translation import gettext_lazy as _


class SignupDetailsForm(forms.Form):
    """The name fields of sign-up (allauth asks for address and password)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    field_order = ["first_name", "last_name"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DiscoveryForm(forms.Form):
    login = forms.EmailField(label=_("E-mail address"))


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “Booking script, HR”."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=90,
        choices=[
            (30, _("30 days")),
            (90, _("90 days")),
            (365, _("1 year")),
        ],
    )


def tie_errors_to_fields(form, summary_id="login-errors"):
    """Tie the login form's own error (a wrong address or password), shown in
    the error summary, to the address and password fields, so a screen reader
    reads it with each field."""
    if form.non_field_errors():
        for name in ("login", "password"):
            if name in form.fields:
                form.fields[name].widget.attrs.update(
                    {"aria-describedby": summary_id, "aria-invalid": "true"}
                )
    return form
