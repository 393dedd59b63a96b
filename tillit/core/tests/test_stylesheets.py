from pathlib import Path

import pytest

TILLIT = Path(__file__).resolve().parents[2]
STYLESHEETS = sorted(TILLIT.glob("*/static/**/*.css"))


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_every_stylesheet_closes_each_block_it_opens(path):
    # An unclosed block nests every later rule inside it (CSS nesting), so the
    # rest of the file silently stops applying.
    depth = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if "{" in line and not line.startswith((" ", "\t", "}")):
            assert depth == 0, f"{path.name}:{number} starts a rule inside a block"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}:{number} closes a block never opened"
    assert depth == 0, f"{path.name} ends with {depth} block(s) open"
