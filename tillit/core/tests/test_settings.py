import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args, **env):
    # The browser suite sets DJANGO_ALLOW_ASYNC_UNSAFE for its own process; a
    # production-like subprocess must not inherit it.
    harness_only = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in harness_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x7#production-like-secret-key-of-fifty-or-more-characters-0123456789",
        ALLOWED_HOSTS="tillit.example.org",
        EMAIL_URL="smtp+tls://user:password@smtp.example.org:587",
        DATABASE_URL="postgres://tillit@127.0.0.1:5432/tillit",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", SECRET_KEY="", ALLOWED_HOSTS="tillit.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
