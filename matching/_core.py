"""Which search core runs: the C extension ``matching._mdgp`` or, where it
was not built (no C compiler at install time) or ``MATCHING_PURE_PYTHON=1``
is set, the slower pure-Python ``matching._fallback`` with the same contract.

``solve`` looks at the switch on every call, so tests can force the fallback
with ``monkeypatch.setattr(matching._core, "FORCE_PYTHON", True)``.
"""

from __future__ import annotations

import os
import warnings

from matching import _fallback

try:
    from matching import _mdgp
except ImportError:  # installed without a C compiler
    _mdgp = None
    warnings.warn(
        "matching._mdgp (the C search core) is not built; the group formation "
        "engine uses its slower pure-Python search. Install a C compiler and "
        "reinstall the project for full speed.",
        RuntimeWarning,
        stacklevel=2,
    )

FORCE_PYTHON = os.environ.get("MATCHING_PURE_PYTHON", "") not in ("", "0")


def backend() -> str:
    """``"c"`` or ``"python"``: the core that ``solve`` uses now."""
    return "python" if FORCE_PYTHON or _mdgp is None else "c"


def solve(**kwargs):
    """``matching._mdgp.solve`` (or its pure-Python equivalent), keywords only."""
    if backend() == "python":
        return _fallback.solve(**kwargs)
    return _mdgp.solve(**kwargs)
