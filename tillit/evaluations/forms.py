"""Forms of the evaluation pages. They parse and validate; services.py writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.core.content_languages import language_of_organisation
from tillit.core.forms import ContentLanguagesMixin

from .models import Evaluation, EvaluationForm, Question

Kind = Question.Kind


class FormDetailsForm(ContentLanguagesMixin, forms.ModelForm):
    """A form's title and introduction; the organisation when the person
    organises for more than one."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, empty_label=None
    )
    translated_fields = ("title", "description")

    class Meta:
        model = EvaluationForm
        fields = ["organisation", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations=None, **kwargs):
        instance = kwargs.get("instance")
        organisation = instance.organisation if instance else None
        if organisation is None and organisations:
            organisation = organisations[0]
        kwargs.setdefault("first_language", language_of_organisation(organisation))
        super().__init__(*args, **kwargs)
        if organisations is None or len(organisations) < 2:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations


class QuestionForm(ContentLanguagesMixin, forms.ModelForm):
    """A question; the options come one per line."""

    translated_fields = ("text", "help_text", "low_label", "high_label")

    choices_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one option per line."),
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "low_label", "high_label"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "help_text": _("Optional: a hint shown under the question."),
            "low_label": _(
                "For scales: what the lowest value means, e.g. “Not at all”."
            ),
            "high_label": _(
                "For scales: what the highest value means, e.g. “Very much”."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = "\n".join(self.instance.choices)

    def clean(self):
        """The options, one per line; Question.clean checks them, and its
        complaints about `choices` land beside this field."""
        data = super().clean()
        data["choices"] = [
            line.strip()
            for line in data.get("choices_text", "").splitlines()
            if line.strip()
        ]
        self.instance.choices = data["choices"]
        return data

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict") and "choices" in errors.error_dict:
            errors.error_dict["choices_text"] = errors.error_dict.pop("choices")
        super()._update_errors(errors)

    def service_fields(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "required": data["required"],
            "choices": self.instance.choices,
            **self.language_data(),
        }


class AttachForm(forms.ModelForm):
    """Attach one of the organisation's forms to a session or the cohort."""

    open_days = forms.IntegerField(
        label=_("Days open"),
        min_value=1,
        max_value=90,
        initial=14,
        help_text=_("How many days participants have to answer."),
    )

    class Meta:
        model = Evaluation
        fields = ["form", "session", "open_days", "anonymous"]
        labels = {"session": _("What is evaluated")}
        help_texts = {
            "session": _(
                "A session: participants are invited when it ends. The whole "
                "cohort: when its last session ends."
            )
        }

    def __init__(self, *args, cohort, forms_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_queryset
        self.fields["form"].empty_label = None
        self.fields["session"].queryset = cohort.sessions.all()
        self.fields["session"].empty_label = _("The whole cohort")


class AnswerForm(forms.Form):
    """The questions of an evaluation as fields named q<pk>."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _field_for(question)

    def answers(self):
        """{question: value} for services.submit."""
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def rows(self):
        """(question, bound field) pairs in order, for the template."""
        return [(q, self[f"q{q.pk}"]) for q in self.questions]


def _field_for(question):
    common = {
        "label": question.text,
        "required": question.required,
        "help_text": question.help_text,
    }
    if question.kind in Question.NUMBER_KINDS:
        ends = {
            question.scale[0]: question.low_label,
            question.scale[-1]: question.high_label,
        }
        choices = [
            (v, f"{v} – {ends[v]}" if ends.get(v) else str(v)) for v in question.scale
        ]
        return forms.TypedChoiceField(
            choices=choices, coerce=int, widget=forms.RadioSelect, **common
        )
    if question.kind == Kind.SINGLE:
        choices = [(c, c) for c in question.choices]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == Kind.MULTIPLE:
        choices = [(c, c) for c in question.choices]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common
    )
