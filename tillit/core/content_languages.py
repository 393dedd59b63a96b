"""Content written per language (django-modeltranslation) and the rules around it.

Organisers write a programme's, round's, session's, event's, network's and evaluation
form's texts in Swedish, Finnish and English (`title_sv`, `title_fi`, `title_en`; the
`title` attribute reads the visitor's language). A visitor reads:

1. their own language, if the organiser wrote it;
2. else the other national language (a Finnish reader of a Swedish-only programme reads
   Swedish, and the other way round), which is the organiser's own language whenever the
   organiser did not write the visitor's one;
3. else English, else whatever is filled.

English readers get Swedish, then Finnish, then whatever is filled (settings
MODELTRANSLATION_FALLBACK_LANGUAGES).
"""

from django.conf import settings
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import pgettext_lazy

CONTENT_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


def language_of_country(country: str) -> str:
    """The language an organisation of this country writes in first."""
    return "fi" if country == "FI" else "sv"


def language_of_organisation(organisation) -> str:
    return language_of_country(getattr(organisation, "country", "SE"))


def person_language(person) -> str:
    """The language a person reads their mail, calendar files and certificates in."""
    language = getattr(person, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in CONTENT_LANGUAGES else settings.LANGUAGE_CODE


def override_for(person):
    """`with override_for(person):` renders content and UI text in their language."""
    return translation.override(person_language(person))


def copy_into_language(model, fields, country_path):
    """For a data migration: copy each row's existing text into its language's column.

    The language is the organiser organisation's (`country_path` leads from the row
    to its country, e.g. "programme__organiser__country"): Finnish organisations'
    rows go to `*_fi`, the others' to `*_sv`. The original columns keep their text;
    the other language columns stay empty and read it through the fallback. A
    language column that already holds text keeps it.
    """
    countries = dict(model.objects.values_list("pk", country_path))
    changed = []
    for row in model.objects.all().iterator():
        language = language_of_country(countries.get(row.pk))
        dirty = False
        for field in fields:
            target = f"{field}_{language}"
            value = getattr(row, field)
            if value and not getattr(row, target):
                setattr(row, target, value)
                dirty = True
        if dirty:
            changed.append(row)
    if changed:
        model.objects.bulk_update(
            changed,
            [f"{f}_{lang}" for f in fields for lang in CONTENT_LANGUAGES],
            batch_size=500,
        )


def language_names():
    """(legend, in a label) for each content language, in the UI language:
    {"fi": ("På finska", "på finska")} in Swedish."""
    return {
        "sv": (
            pgettext_lazy("content language, legend", "In Swedish"),
            pgettext_lazy("content language, in a label", "in Swedish"),
        ),
        "fi": (
            pgettext_lazy("content language, legend", "In Finnish"),
            pgettext_lazy("content language, in a label", "in Finnish"),
        ),
        "en": (
            pgettext_lazy("content language, legend", "In English"),
            pgettext_lazy("content language, in a label", "in English"),
        ),
    }


def localized_names(names):
    """{"title"} -> {"title_sv", "title_fi", "title_en"}."""
    return {f"{name}_{language}" for name in names for language in CONTENT_LANGUAGES}


def language_order(first=None):
    """The content languages with `first` (the organiser's language) leading."""
    if first not in CONTENT_LANGUAGES:
        return CONTENT_LANGUAGES
    return (first, *(code for code in CONTENT_LANGUAGES if code != first))


def reading_languages(language=None):
    """The content languages in the order a reader of `language` (default: the
    active one) reads them: their own first, then settings' fallbacks, then
    any left."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    language = language.split("-")[0]
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    order = [language, *fallbacks.get(language, fallbacks["default"])]
    order += CONTENT_LANGUAGES
    return tuple(code for code in dict.fromkeys(order) if code in CONTENT_LANGUAGES)


def as_read(path, language=None):
    """The text a reader sees, as a database expression (for ordering).

    django-modeltranslation rewrites `order_by("name")` to the reader's own
    column only, so rows not written in their language would sort as empty
    and in no set order; this takes the first column that is filled, in the
    reader's order, as the page shows it."""
    columns = [
        NullIf(F(f"{path}_{code}"), Value("")) for code in reading_languages(language)
    ]
    return Coalesce(*columns, Value(""))


def in_any_language(path, lookup, value):
    """Q for a search that finds a row by its text in any content language
    (modeltranslation would look in the reader's column only)."""
    q = Q()
    for code in CONTENT_LANGUAGES:
        q |= Q(**{f"{path}_{code}__{lookup}": value})
    return q
