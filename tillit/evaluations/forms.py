"""Forms of the evaluation pages. They parse and validate; services.py writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.core.content_languages import language_of_organisation
from tillit.core.forms import ContentLanguagesMixin

from .models import Evaluation, EvaluationForm, Question, keep_option_keys

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
    """A question in each content language; the options one per line, line by
    line the same option in every language written."""

    translated_fields = ("text", "help_text", "choices_text", "low_label", "high_label")

    choices_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For single and multiple choice: one option per line, in the same "
            "order in each language."
        ),
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

    def __init__(self, *args, organisation=None, locked=False, **kwargs):
        """`locked`: participants have answered the form, so only the wording
        may change (services.update_question); the kind and `required` show
        as they are and cannot be changed here."""
        instance = kwargs.get("instance")
        if organisation is None and instance is not None and instance.form_id:
            organisation = instance.form.organisation
        kwargs.setdefault("first_language", language_of_organisation(organisation))
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices  # no empty choice among radios
        if locked:
            for name in ("kind", "required"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Locked: participants have answered, and their answers keep "
                    "this meaning."
                )
            for language in self.languages:
                self.fields[f"choices_text_{language}"].help_text = _(
                    "Participants have answered: change the wording of each "
                    "option, line by line, but keep their number and order."
                )
        if self.instance.pk and not self.is_bound:
            for language in self.languages:
                self.initial[f"choices_text_{language}"] = "\n".join(
                    self.instance.option_texts(language)
                )

    def options_field(self):
        return f"choices_text_{self.languages[0]}"

    def clean(self):
        """The options, line by line across the languages; Question.clean
        checks them, and its complaints about `choices` land beside the first
        language's options."""
        data = super().clean()
        lines = {}
        for language in self.languages:
            name = f"choices_text_{language}"
            if self.add_prefix(name) in self.data:
                text = data.get(name) or ""
            else:  # not posted: keeps what is written
                text = "\n".join(self.instance.option_texts(language))
            lines[language] = [
                line.strip() for line in text.splitlines() if line.strip()
            ]
        counts = {len(rows) for rows in lines.values() if rows}
        if len(counts) > 1:
            self.add_error(
                self.options_field(),
                _(
                    "Write as many options in each language, in the same order: "
                    "line by line they are the same option."
                ),
            )
            return data
        options = [
            {
                language: (rows[i] if i < len(rows) else "")
                for language, rows in lines.items()
            }
            for i in range(max(counts, default=0))
        ]
        self.instance.choices = keep_option_keys(
            list(self.instance.stored_options), options
        )
        return data

    def field_for(self, name):
        """The field of this form where a service's complaint about the
        question's `name` belongs (None: the form as a whole)."""
        if name == "choices":
            return self.options_field()
        return name if name in self.fields else None

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict") and "choices" in errors.error_dict:
            errors.error_dict[self.options_field()] = errors.error_dict.pop("choices")
        super()._update_errors(errors)

    def service_fields(self):
        data = self.cleaned_data
        texts = {
            name: value
            for name, value in self.language_data().items()
            if not name.startswith("choices_text_")
        }
        return {
            "kind": data["kind"],
            "required": data["required"],
            "choices": self.instance.choices,
            **texts,
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
        choices = question.options
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == Kind.MULTIPLE:
        choices = question.options
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common
    )
