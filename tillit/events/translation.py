"""Texts of events, their programme items and their material that organisers
write per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, MaterialFile, Talk


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "theme", "description", "publication_title")


@register(MaterialFile)
class MaterialFileTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Talk)
class TalkTranslationOptions(TranslationOptions):
    fields = ("title", "description")
