"""Texts of programmes, rounds and sessions that organisers write per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Cohort, Programme, Session


@register(Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "target_group")


@register(Cohort)
class CohortTranslationOptions(TranslationOptions):
    fields = ("name", "location")


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title", "location")
