"""How complete each UI catalogue is, and the README table that says so.

    python -m tillit.core.catalogues           # print the table
    python -m tillit.core.catalogues --write   # rewrite it in README.md

The table sits between the two markers below in README.md; a test
(tillit/core/tests/test_catalogues.py) fails when it is stale, so the README says
what the catalogues hold. English is the language of the code (every msgid), so its
catalogue counts as complete. A fuzzy entry is a guess gettext does not use: it
counts as untranslated.
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
README = BASE_DIR / "README.md"
START = "<!-- languages-table:start (python -m tillit.core.catalogues --write) -->"
END = "<!-- languages-table:end -->"

#: (code, name, what content an organiser may write in it)
LANGUAGES = (
    ("sv", "Swedish (svenska)", "yes, the default"),
    ("fi", "Finnish (suomi)", "yes"),
    ("en", "English", "yes"),
)
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Completeness:
    translated: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.translated * 100 // self.total


def _unquote(lines):
    return "".join(
        re.sub(r"^(msgid|msgid_plural|msgstr(\[\d+\])?)\s*", "", line).strip()[1:-1]
        for line in lines
    )


def entries(text):
    """(msgid, [msgstr...], fuzzy) of each entry of a .po file, header excluded."""
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        if any(line.startswith("#~") for line in lines):
            continue  # obsolete
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(\[\d+\])?)\s", line)
            if match:
                current = match.group(1)
                parts[current] = [line]
            elif current and line.startswith('"'):
                parts[current].append(line)
        if "msgid" not in parts:
            continue
        msgid = _unquote(parts["msgid"])
        if not msgid:
            continue  # the header
        strings = [_unquote(v) for k, v in parts.items() if k.startswith("msgstr")]
        yield msgid, strings, fuzzy


def completeness(language, base_dir=BASE_DIR) -> Completeness:
    po = base_dir / "locale" / language / "LC_MESSAGES" / "django.po"
    rows = list(entries(po.read_text(encoding="utf-8")))
    if language == SOURCE_LANGUAGE:
        return Completeness(len(rows), len(rows))
    done = sum(1 for _id, strings, fuzzy in rows if all(strings) and not fuzzy)
    return Completeness(done, len(rows))


def table(base_dir=BASE_DIR) -> str:
    lines = [
        "| Language | Code | Interface (translated/total messages) | Content |",
        "|---|---|---|---|",
    ]
    for code, name, content in LANGUAGES:
        c = completeness(code, base_dir)
        source = " (language of the code)" if code == SOURCE_LANGUAGE else ""
        lines.append(
            f"| {name} | `{code}` | {c.translated}/{c.total} ({c.percent} %){source} "
            f"| {content} |"
        )
    return "\n".join(lines)


def readme_with_table(readme_text, base_dir=BASE_DIR) -> str:
    start, end = readme_text.index(START), readme_text.index(END)
    return (
        readme_text[: start + len(START)]
        + "\n"
        + table(base_dir)
        + "\n"
        + readme_text[end:]
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--write" in argv:
        text = README.read_text(encoding="utf-8")
        README.write_text(readme_with_table(text), encoding="utf-8")
        print(f"Wrote the languages table to {README}")
    else:
        print(table())


if __name__ == "__main__":
    main()
