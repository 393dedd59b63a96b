"""The README's languages table says what the catalogues hold."""

from tillit.core import catalogues


def test_the_readme_languages_table_is_up_to_date():
    text = catalogues.README.read_text(encoding="utf-8")
    assert catalogues.START in text and catalogues.END in text
    assert catalogues.readme_with_table(text) == text, (
        "The languages table in README.md is stale: run "
        "`python -m tillit.core.catalogues --write`."
    )


def test_a_fuzzy_or_empty_entry_counts_as_untranslated(tmp_path):
    po = tmp_path / "locale" / "sv" / "LC_MESSAGES"
    po.mkdir(parents=True)
    (po / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n'
        'msgid "One"\nmsgstr "En"\n\n'
        '#, fuzzy\nmsgid "Two"\nmsgstr "Tva"\n\n'
        'msgid "Three"\nmsgstr ""\n\n'
        'msgid "a day"\nmsgid_plural "days"\nmsgstr[0] "en dag"\nmsgstr[1] "dagar"\n',
        encoding="utf-8",
    )
    result = catalogues.completeness("sv", base_dir=tmp_path)
    assert (result.translated, result.total) == (2, 4)
