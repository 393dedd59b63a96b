"""Public holidays of an organiser's country, named in the reader's language,
from the maintained `holidays` library (python-holidays).

Sweden's calendar in that library counts every Sunday as a holiday; planners
want the named days (Annandag jul, Annandag påsk), so Sundays are left out.
"""

import datetime as dt
import functools

import holidays
from django.utils import translation

#: The library's language codes for each page language, per country.
LANGUAGES = {
    "SE": {"sv": "sv", "en": "en_US"},
    "FI": {"fi": "fi", "sv": "sv_FI", "en": "en_US"},
}


@functools.lru_cache(maxsize=64)
def _calendar(country: str, year: int, language: str | None):
    options = {"years": year, "language": language}
    if country == "SE":
        return holidays.Sweden(include_sundays=False, **options)
    return holidays.country_holidays(country, **options)  # type: ignore[arg-type]


def holiday_on(day: dt.date, country: str) -> str | None:
    """The name of the public holiday on `day` in `country` (e.g. "SE", "FI"), in
    the active language, or None. A Swedish holiday on a Finnish page takes the
    Finnish name of the same day when Finland keeps it too (Annandag jul is
    Tapaninpäivä); otherwise the country's own language names it."""
    if country not in LANGUAGES:
        return None
    language = (translation.get_language() or "sv").split("-")[0]
    native = _calendar(country, day.year, None).get(day)
    if native is None:
        return None
    code = LANGUAGES[country].get(language)
    if code is not None:
        return _calendar(country, day.year, code).get(day)
    for other, codes in LANGUAGES.items():
        if language in codes and other != country:
            shared = _calendar(other, day.year, codes[language]).get(day)
            if shared:
                return shared
    return native
