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


def _settings_value(expression, **env):
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        f"from django.conf import settings; print({expression})",
        DEBUG="1",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_uploads_go_to_the_file_system_by_default():
    backend = _settings_value('settings.STORAGES["default"]["BACKEND"]', S3_BUCKET="")

    assert backend == "django.core.files.storage.FileSystemStorage"


def test_uploads_go_to_a_private_s3_bucket_when_one_is_configured():
    options = _settings_value(
        'sorted(settings.STORAGES["default"].items())',
        S3_BUCKET="tillit-uploads",
        S3_ENDPOINT_URL="https://s3.example.org",
    )

    assert "storages.backends.s3.S3Storage" in options
    assert "'bucket_name': 'tillit-uploads'" in options
    assert "'endpoint_url': 'https://s3.example.org'" in options
    assert "'default_acl': 'private'" in options
