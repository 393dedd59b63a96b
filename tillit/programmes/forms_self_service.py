"""Forms of the organiser's self-service pages (issue 14). They parse and
validate; programmes.self_service writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.core.content_languages import language_of_organisation
from tillit.core.forms import (
    TARGET_GROUP_FIELDS,
    ContentLanguagesMixin,
    TargetGroupForm,
)

from .models import Programme


class ProgrammeForm(ContentLanguagesMixin, forms.ModelForm):
    """The programme's texts, in each content language, and who approves.
    Only these fields are written; the organiser's language comes first."""

    translated_fields = ("title", "summary", "description", "target_group")

    def __init__(self, *args, instance, **kwargs):
        super().__init__(
            *args,
            instance=instance,
            first_language=language_of_organisation(instance.organiser),
            **kwargs,
        )

    def programme_fields(self):
        """What update_programme writes: the settings and every language
        version that was posted."""
        settings = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in self.translated_fields
        }
        return {**settings, **self.language_data()}

    class Meta:
        model = Programme
        fields = [
            "title",
            "summary",
            "description",
            "target_group",
            "format",
            "approval",
        ]
        widgets = {
            "format": forms.RadioSelect,
            "approval": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
        }


class TargetRuleForm(TargetGroupForm):
    """One target-group rule; a person matches when every ticked list holds
    their value. Leave all unticked to delete the rule."""

    def is_blank(self):
        return not self.has_target_group()


TargetRuleFormSet = forms.formset_factory(TargetRuleForm, extra=1)


def rule_initial(programme):
    return [
        {name: getattr(rule, name) for name in TARGET_GROUP_FIELDS}
        for rule in programme.target_rules.all()
    ]


class CopyCohortForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new cohort"),
        max_length=120,
        help_text=_("For example “Spring 2028”."),
    )
    days = forms.IntegerField(
        label=_("Move every date by (days)"),
        min_value=-3650,
        max_value=3650,
        help_text=_("364 days keeps the weekdays one year later."),
    )


class CopyProgrammeForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the new programme"),
        max_length=200,
        help_text=_("The texts in other languages are copied as they are."),
    )
    days = CopyCohortForm.base_fields["days"]


class BaseSessionFormSet(forms.BaseFormSet):
    """The sessions typed together with a new cohort; rows left empty are
    skipped. Two sessions starting at the same time are refused beside the
    second one's start field."""

    def clean(self):
        seen = set()
        for form in self.forms:
            starts_at = getattr(form, "cleaned_data", {}).get("starts_at")
            if starts_at is None:
                continue
            if starts_at in seen:
                form.add_error(
                    "starts_at",
                    _("Another session of this cohort starts at the same time."),
                )
            seen.add(starts_at)

    def is_valid_or_absent(self):
        return not self.is_bound or self.is_valid()

    def filled(self):
        if not self.is_bound:
            return []
        return [
            form.service_fields()
            for form in self.forms
            if getattr(form, "cleaned_data", None)
        ]


def session_formset(data=None, *, programme, extra=6):
    from .forms import SessionForm

    if data is not None and "sessions-TOTAL_FORMS" not in data:
        data = None  # a form without the session rows (older clients, the API)
    FormSet = forms.formset_factory(
        SessionForm, formset=BaseSessionFormSet, extra=extra
    )
    return FormSet(data, prefix="sessions", form_kwargs={"programme": programme})
