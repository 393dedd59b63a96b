from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="E-mail")

    def clean(self):
        if self.data.get("email") == "not-an-address":
            raise forms.ValidationError("Something as a whole is wrong.")
        return super().clean()


def test_error_summary_lists_every_error_and_links_to_its_field():
    form = _Form({"name": "", "email": "not-an-address"})
    form.is_valid()

    html = render_to_string("core/includes/error-summary.html", {"form": form})

    assert 'role="alert" tabindex="-1" id="error-summary"' in html
    assert "<li>Something as a whole is wrong.</li>" in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html
    assert '<a href="#id_email">E-mail: Enter a valid email address.</a>' in html


def test_a_form_without_errors_has_no_summary():
    form = _Form({"name": "Alma", "email": "alma@example.org"})

    html = render_to_string("core/includes/error-summary.html", {"form": form})

    assert html.strip() == ""
