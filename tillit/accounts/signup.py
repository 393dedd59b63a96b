"""The sign-up form: allauth's, open only to addresses on an organisation's
listed domains. (Apart from forms.py, which allauth's own forms import.)"""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .models import EmailDomain


class SignupForm(AllauthSignupForm):
    def clean_email(self):
        email = super().clean_email()
        allowed = EmailDomain.objects.filter(
            domain=services.domain_of(email), signup_allowed=True
        ).exists()
        if not allowed:
            raise forms.ValidationError(
                _(
                    "Accounts can be created only with a work address of an "
                    "organisation that uses Tillit. Use the invitation you got by "
                    "e-mail, or ask your HR department or the organiser."
                )
            )
        return email
