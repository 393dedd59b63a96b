"""Names that a bilingual public body has in each language (Finland's bodies
have an official Finnish and Swedish name: Valtiovarainministeriö and
Finansministeriet). Each visitor sees the name in their language, falling
back to the default language's name."""

from modeltranslation.translator import TranslationOptions, register

from .models import Organisation


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name",)
