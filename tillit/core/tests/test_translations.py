"""The Swedish catalogue is complete: the UI speaks Swedish first."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[3] / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _entries(text):
    """(flags, msgid, msgstr) of each entry, strings joined, obsolete ones left out."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            strings = [v for k, v in fields.items() if k.startswith("msgstr")]
            yield flags, fields["msgid"], strings


def test_every_swedish_message_is_translated_and_none_is_a_fuzzy_guess():
    missing = [
        msgid
        for flags, msgid, strings in _entries(PO.read_text(encoding="utf-8"))
        if msgid and ("fuzzy" in flags or not all(strings))
    ]

    assert missing == [], f"{len(missing)} untranslated, first: {missing[:10]}"
