"""Texts of evaluation forms and their questions, per language.

The options of a choice question are written per language inside Question.choices
({"key": "o1", "sv": "Ja", "fi": "Kyllä", "en": "Yes"}): an answer stores the option's
key, so the results count one option whichever language it was read in.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import EvaluationForm, Question


@register(EvaluationForm)
class EvaluationFormTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text", "help_text", "low_label", "high_label")
