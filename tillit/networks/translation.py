"""Texts of networks that organisers write per language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Network


@register(Network)
class NetworkTranslationOptions(TranslationOptions):
    fields = ("name", "description")
