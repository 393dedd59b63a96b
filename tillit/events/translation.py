"""Texts of events and their programme items that organisers write per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Talk


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "theme", "description")


@register(Talk)
class TalkTranslationOptions(TranslationOptions):
    fields = ("title", "description")
