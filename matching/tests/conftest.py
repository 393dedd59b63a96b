"""Shared fixtures for the grouping engine's tests."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def mdgp_dir() -> Path:
    env = os.environ.get("MDGP_DIR")
    return Path(env) if env else REPO.parent / "shared" / "benchmarks" / "mdgp"


@pytest.fixture
def mdgplib() -> Path:
    root = mdgp_dir()
    if not (root / "instances").is_dir():
        pytest.skip(f"MDGPLIB instances not found in {root} (set MDGP_DIR)")
    return root
