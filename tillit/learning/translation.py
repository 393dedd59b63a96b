"""Preparation and assignment texts that teachers and organisers write per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Assignment, Milestone, Preparation


@register(Preparation)
class PreparationTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Assignment)
class AssignmentTranslationOptions(TranslationOptions):
    fields = ("title", "instructions")


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ("title",)
