"""A pytest plugin loaded before Django's settings (`-p` in pyproject.toml): tests
run with DEBUG off, as production does, and need some secret key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
