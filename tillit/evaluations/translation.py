"""Texts of evaluation forms and their questions, per language.

The options of a choice question are not translated: answers store the chosen option's
text, and the results count them; a bilingual option is written "Ja / Kyllä".
"""

from modeltranslation.translator import TranslationOptions, register

from .models import EvaluationForm, Question


@register(EvaluationForm)
class EvaluationFormTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text", "help_text", "low_label", "high_label")
