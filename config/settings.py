"""Tillit settings: one file, values from the environment, laptop defaults.

Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and EMAIL_URL; `.env.example`
lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY (a long random string) or DEBUG=1 for development."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Before admin, so that its translation admin and patched managers load first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    # Before allauth, so that Tillit's account and socialaccount templates
    # (login with discovery, the refusal pages) override allauth's own.
    "tillit.accounts",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "axes",
    "auditlog",
    "tillit.core",
    "tillit.programmes",
    "tillit.registrations",
    "tillit.learning",
    "tillit.evaluations",
    "tillit.notifications",
    "tillit.mentoring",
    "tillit.rollouts",
    "tillit.networks",
    "tillit.groups",
    "tillit.events",
    "tillit.privacy",
    "tillit.api",
    "tillit.portal",
    "tillit.demo",
]

MIDDLEWARE = [
    "tillit.core.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tillit.core.middleware.SecurityLogMiddleware",
    # Records the signed-in person as the actor of every change in the audit
    # trail, and the client's address by the security log's rule.
    "tillit.core.middleware.AuditlogMiddleware",
    "tillit.core.middleware.SwedishFirstLocaleMiddleware",
    "tillit.core.middleware.TimeZoneMiddleware",
    "tillit.core.middleware.DomainErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A busy or restarting database answers 503 "try again" (issue 16).
    "tillit.core.middleware.TryAgainMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tillit.accounts.middleware.IdleTimeoutMiddleware",
    "tillit.accounts.middleware.StaffTwoFactorMiddleware",
    # Last, so that it sees the lockouts raised by the authentication backends.
    "axes.middleware.AxesMiddleware",
]

# The audit trail (django-auditlog): each app registers its models in its
# audit.py (tillit.core.auditing); fixtures and raw loads are not changes.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
AUDITLOG_DISABLE_REMOTE_ADDR = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tillit.portal.context_processors.site",
                "django.template.context_processors.csp",
            ],
        },
    },
]

SQLITE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=SQLITE_URL)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=5),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# Faults (issue 16): on PostgreSQL every connection waits at most this long for a
# row or table lock (lock_timeout, set when the connection opens); a write that
# cannot get its lock in time rolls back and the person is asked to try again
# (tillit.core.middleware.TryAgainMiddleware). 0 waits for ever.
DB_LOCK_TIMEOUT_MS = env.int("DB_LOCK_TIMEOUT_MS", default=5000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How long a registration waits for the cohort's row lock before the person is
# asked to try again (PostgreSQL lock_timeout, in milliseconds).
REGISTRATION_LOCK_TIMEOUT_MS = env.int("REGISTRATION_LOCK_TIMEOUT_MS", default=3000)

# Shared cache (API throttle counters, check-in attempts): every process and
# server must see the same counts, so never a per-process LocMem cache. Redis
# when REDIS_URL is set (e.g. redis://127.0.0.1:6379/1), else a database table
# (created by tillit.core's migration 0003).
REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tillit_cache",
        }
    )
}

AUTH_USER_MODEL = "core.Person"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:start"
LOGOUT_REDIRECT_URL = "registrations:catalogue"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): e-mail is the login, addresses are confirmed by a
# link, sign-up is open only to addresses on an organisation's listed domains.
ACCOUNT_ADAPTER = "tillit.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "tillit.accounts.adapters.SocialAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "tillit.accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {"signup": "tillit.accounts.signup.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Tillit: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Per address: a wide net against password spraying; per account, django-axes.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/10m/ip"}
# Days a password-reset link and an invitation link stay valid.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
TILLIT_INVITATION_DAYS = env.int("TILLIT_INVITATION_DAYS", default=14)
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# The organisation's sign-in service has identified the person (possibly by
# employee id, with another address than Tillit's): no confirmation link.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tillit"
# Platform staff must set up an authenticator app (TOTP) before anything else.
TILLIT_STAFF_MFA_REQUIRED = env.bool("TILLIT_STAFF_MFA_REQUIRED", default=True)

# Lockout after repeated failed sign-ins (django-axes): per account, with a
# cool-off; the API token endpoint counts too.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per address, allauth's ACCOUNT_RATE_LIMITS above slows guessing without
# locking out a whole office behind one address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "tillit.accounts.security.username_from_credentials"
AXES_LOCKOUT_CALLABLE = "tillit.accounts.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Clients' addresses: REMOTE_ADDR unless TRUSTED_PROXY_COUNT proxies sit in front.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Sessions end after SESSION_IDLE_MINUTES without a request, and at the latest
# SESSION_COOKIE_AGE after sign-in.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_HOURS", default=10) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("fi", _("Finnish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

# Content (programmes, rounds, sessions, events, networks, evaluation forms) is written
# per language with django-modeltranslation: title_sv, title_fi, title_en beside title.
# A visitor reads their own language; an empty one falls back to the other national
# language, then English (tillit/core/content_languages.py explains the order).
MODELTRANSLATION_DEFAULT_LANGUAGE = "sv"
MODELTRANSLATION_LANGUAGES = ("sv", "fi", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("sv", "fi", "en"),
    "sv": ("fi", "en"),
    "fi": ("sv", "en"),
    "en": ("sv", "fi"),
}
# No language is required by itself: a Finnish organiser may write only Finnish. The
# organiser's forms ask for at least one (tillit/core/content_languages.py).
MODELTRANSLATION_REQUIRED_LANGUAGES = ()
TIME_ZONE = env("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True
# Dates, times and numbers per language (sv, fi, en): tillit/formats/<lang>/formats.py
FORMAT_MODULE_PATH = ["tillit.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Uploads go to MEDIA_ROOT, or to an S3-compatible bucket when S3_BUCKET is set
# (`pip install '.[s3]'`). Objects stay private; every download goes through a
# view that checks permission.
S3_BUCKET = env("S3_BUCKET", default="")
_default_storage = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# EMAIL_URL (smtp://, smtp+tls://, smtp+ssl://, consolemail://, dummymail://) becomes
# Django's MAILERS["default"].
_email = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _smtp_options.items() if v not in (None, "")}
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tillit <noreply@example.org>")

# Background tasks (django.tasks) are stored in the database (django-tasks-db)
# and run by `manage.py runworker`, which starts one `db_worker` of the library,
# as shipped, per queue in TILLIT_WORKER_QUEUES (restarting one that dies) and
# every TILLIT_PERIODIC_INTERVAL seconds enqueues each periodic job on its queue
# (each app declares its jobs and their queues in its AppConfig.ready() with
# tillit.core.periodic.declare).
# Queues keep slow work from delaying urgent work: "urgent" (held seats and
# offers that lapse), "mail" (the outbox; an SMTP server that hangs only holds
# this queue), "engine" (group formation and rollout planning, which may take
# tens of seconds) and "default" (reminders and everything else).
TASK_QUEUES = ["default", "urgent", "mail", "engine"]
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}
}
TILLIT_WORKER_QUEUES = env.list("TILLIT_WORKER_QUEUES", default=TASK_QUEUES)
# A mail claimed for sending this many minutes ago and not finished was
# interrupted (the worker died): sent again if it never reached the SMTP server,
# else marked "outcome unknown" and not sent again (at most once).
TILLIT_MAIL_STALE_MINUTES = env.int("TILLIT_MAIL_STALE_MINUTES", default=10)
# A background task running this many minutes whose worker is gone is marked
# failed (its work, if it matters, is redone by the periodic jobs).
TILLIT_TASK_STUCK_MINUTES = env.int("TILLIT_TASK_STUCK_MINUTES", default=30)
TILLIT_PERIODIC_INTERVAL = env.int("TILLIT_PERIODIC_INTERVAL", default=60)
# Days before a session that participants are reminded of it.
TILLIT_REMINDER_DAYS = env.int("TILLIT_REMINDER_DAYS", default=2)

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Hardening (issue 16): Django's own Content-Security-Policy. Scripts and style
# elements only from our own static files or with the request's nonce; style
# attributes (progress bars' widths, chart sizes) are allowed, nothing else
# inline. tillit.core.headers adds Permissions-Policy, Cache-Control: no-store
# for signed-in people and downloads, drops a Server header and refuses bodies
# over REQUEST_MAX_BYTES (default 105 MiB: the largest upload an assignment
# allows is 100 MB) with 413 before Django reads them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=105 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tillit.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tillit.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # How many proxies in front of Tillit append to X-Forwarded-For; the client
    # is the address that many entries from the right. 0: REMOTE_ADDR, and the
    # header, which any client can write, is ignored (issue 16).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API keys (django-rest-knox): hashed, named by their owner, expiring.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its unused default token table (their
# CreateModel is not marked swappable); Tillit's ApiToken replaces it.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_KEY_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": 20,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tillit API",
    "DESCRIPTION": "Programmes, cohorts and registrations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
