"""The Swedish and Finnish catalogues are complete and consistent: the UI speaks
Swedish first, then Finnish."""

import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[3] / "locale"
PO = LOCALE / "sv" / "LC_MESSAGES" / "django.po"
FINNISH_PO = LOCALE / "fi" / "LC_MESSAGES" / "django.po"


def _entries(text):
    """(flags, msgid, msgstrs, msgctxt) of each entry, strings joined, obsolete
    ones left out."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(
                r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line
            )
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            strings = [v for k, v in fields.items() if k.startswith("msgstr")]
            yield flags, fields["msgid"], strings, fields.get("msgctxt")


def test_every_swedish_message_is_translated_and_none_is_a_fuzzy_guess():
    missing = [
        msgid
        for flags, msgid, strings, _ in _entries(PO.read_text(encoding="utf-8"))
        if msgid and ("fuzzy" in flags or not all(strings))
    ]

    assert missing == [], f"{len(missing)} untranslated, first: {missing[:10]}"


def test_fragments_never_give_one_message_two_swedish_wordings():
    # The merge keeps the first fragment's wording, so a disagreement would
    # silently change wording elsewhere; a word that truly differs by use
    # gets a context (pgettext) instead.
    seen, conflicts = {}, []
    for fragment in sorted((LOCALE / "fragments").glob("*.po")):
        for flags, msgid, strings, context in _entries(fragment.read_text("utf-8")):
            if not msgid or "fuzzy" in flags or not all(strings):
                continue
            key = (context, msgid)
            earlier = seen.setdefault(key, (fragment.name, strings))
            if earlier[1] != strings:
                conflicts.append((msgid, earlier, (fragment.name, strings)))

    assert conflicts == [], f"{len(conflicts)} conflicts, first: {conflicts[:5]}"


def test_every_finnish_message_is_translated_and_none_is_a_fuzzy_guess():
    missing = [
        msgid
        for flags, msgid, strings, _ in _entries(FINNISH_PO.read_text(encoding="utf-8"))
        if msgid and ("fuzzy" in flags or not all(strings))
    ]

    assert missing == [], f"{len(missing)} untranslated, first: {missing[:10]}"


def test_finnish_keeps_every_placeholder_of_the_english():
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|\{\{ ?[a-z_.]+ ?\}\}|%[sd]")
    broken = [
        msgid
        for _flags, msgid, strings, _ in _entries(FINNISH_PO.read_text("utf-8"))
        if msgid
        and all(strings)
        and any(
            sorted(placeholder.findall(s)) != sorted(placeholder.findall(msgid))
            for s in strings[:1]
        )
    ]

    assert broken == [], f"{len(broken)} with other placeholders: {broken[:5]}"
