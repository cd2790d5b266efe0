"""Parvis settings: one module, driven by environment variables.

Development defaults are safe and need nothing (SQLite under ``var/``, DEBUG off
unless ``PARVIS_DEBUG=1``). With ``PARVIS_ENV=production`` the process refuses to
start unless ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL`` are set.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """Read a setting, or the content of the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
DATA_DIR = Path(env_str("PARVIS_DATA_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_str("PARVIS_ENV", "development") == "production"
DEMO = env_bool("PARVIS_DEMO")
DEBUG = env_bool("PARVIS_DEBUG")

if PRODUCTION:
    missing = [n for n in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env_str(n)]
    if missing:
        raise ImproperlyConfigured("PARVIS_ENV=production requires these environment variables: " + ", ".join(missing))
    if DEMO:
        raise ImproperlyConfigured("PARVIS_DEMO cannot be enabled in production.")

SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [".localhost", "localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "parvis.organisations",
    "parvis.accounts",
    "parvis.audit",
    "parvis.notifications",
    "parvis.scheduler",
    "parvis.legal",
    "parvis.procedures",
    "parvis.cases",
    "parvis.appointments",
    "parvis.payments",
    "parvis.api",
    "parvis.franceconnect",
    "parvis.knowledge",
    "parvis.calls",
    "parvis.stats",
    "parvis.people",
    "parvis.counter",
    "parvis.mailroom",
    "parvis.inbox",
    "parvis.reports",
    "parvis.interventions",
    "parvis.open311",
    "parvis.alerts",
    "parvis.documents",
    "parvis.privacy",
    "parvis.connectors",
    "parvis.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "parvis.organisations.middleware.OrganisationMiddleware",
    "parvis.accounts.middleware.AgentSecondFactorMiddleware",
    "parvis.franceconnect.csp.FranceConnectCSPMiddleware",
]

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parvis.organisations.context_processors.organisation",
            ],
        },
    },
]

# Form widgets are rendered by Jinja2 (Django's own widget templates, compiled to Python): several
# times faster than the Django engine on pages with long <select>s (the work queue's filters).
FORM_RENDERER = "parvis.lib.formrenderer.FormRenderer"

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'parvis.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env_str("PARVIS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["parvis.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Lockout: this many failed logins within the window lock the account for the window.
PARVIS_LOGIN_MAX_FAILURES = env_int("PARVIS_LOGIN_MAX_FAILURES", 5)
PARVIS_LOGIN_LOCK_SECONDS = env_int("PARVIS_LOGIN_LOCK_SECONDS", 15 * 60)
# Session expiry: sliding, ended after this many seconds without activity.
SESSION_COOKIE_AGE = env_int("PARVIS_SESSION_SECONDS", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# API requests allowed per token (django-ninja throttle syntax: N/s, N/m, N/h).
PARVIS_API_RATE = env_str("PARVIS_API_RATE", "600/m")
# Benchmarks (bench/run.py): serves /bench/plafond/, the minimal view every scenario is compared to.
PARVIS_BENCH = env_bool("PARVIS_BENCH")

# Number of reverse proxies in front of Parvis that append to X-Forwarded-For (1 behind one nginx).
PARVIS_TRUSTED_PROXIES = env_int("PARVIS_TRUSTED_PROXIES", 0)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

LANGUAGE_CODE = "fr"
# The interface is in French only: a browser asking for English must not get English month names
# in the middle of French pages (LocaleMiddleware picks from this list).
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",  # parvis/static is not inside an app
    # Leaflet (the report maps), vendored by the django-leaflet package from PyPI: only its static
    # files are used (the app itself needs GDAL). Served as /static/leaflet/leaflet.js and .css.
    Path(importlib.util.find_spec("leaflet").origin).parent / "static",  # type: ignore[arg-type, union-attr]
]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also creates the data directory for SQLite
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("PARVIS_MEDIA_ROOT", str(DATA_DIR / "media")))
# Antivirus scan of every upload by ClamAV's clamd (parvis/lib/antivirus.py): "unix:///run/clamav/clamd.ctl"
# or "tcp://127.0.0.1:3310"; empty: no scan. Configured and unreachable: uploads are refused.
PARVIS_CLAMD = env_str("PARVIS_CLAMD")
# API Particulier (parvis/connectors): base URL (https://particulier.api.gouv.fr) and the organisation's token.
# Empty: in the demo, the local double; elsewhere, the service is not offered.
PARVIS_API_PARTICULIER_URL = env_str("PARVIS_API_PARTICULIER_URL")
PARVIS_API_PARTICULIER_TOKEN = env_str("PARVIS_API_PARTICULIER_TOKEN")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: SMTP by default; an anymail backend by EMAIL_BACKEND; the demo keeps mail in the outbox.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend" if DEMO else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Parvis <ne-pas-repondre@parvis.localhost>")
# With EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend, ANYMAIL_* variables configure the provider,
# e.g. ANYMAIL_BREVO_API_KEY; every ANYMAIL_ variable of the environment is passed through.
ANYMAIL = {key[len("ANYMAIL_") :]: value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}
PARVIS_OUTBOX_MAX_ATTEMPTS = env_int("PARVIS_OUTBOX_MAX_ATTEMPTS", 30)
PARVIS_SMS_BACKEND = env_str("PARVIS_SMS_BACKEND", "parvis.notifications.sms.ConsoleBackend")
PARVIS_SMS_HTTP_URL = env_str("PARVIS_SMS_HTTP_URL")
PARVIS_SMS_HTTP_TOKEN = env_str("PARVIS_SMS_HTTP_TOKEN")
PARVIS_SMS_SENDER = env_str("PARVIS_SMS_SENDER", "PARVIS")
# Key of the HMAC-SHA256 signature (header X-Parvis-Signature) of webhooks called by workflows;
# without it, webhook calls are kept and retried but not sent.
PARVIS_WEBHOOK_SECRET = env_str("PARVIS_WEBHOOK_SECRET")
# Webhooks to loopback/private addresses: allowed in development and tests, refused in production unless set.
PARVIS_WEBHOOK_ALLOW_PRIVATE = env_bool("PARVIS_WEBHOOK_ALLOW_PRIVATE", not PRODUCTION)

# FranceConnect (docs/franceconnect.md): the local OpenID provider under /fc-demo/ (on outside production unless set),
# its issuer URL (default http://localhost:<port>/fc-demo/api/v2), and the key encrypting stored client secrets.
PARVIS_FC_LOCAL_PROVIDER = env_bool("PARVIS_FC_LOCAL_PROVIDER", not PRODUCTION)
PARVIS_FC_LOCAL_ISSUER = env_str("PARVIS_FC_LOCAL_ISSUER")
PARVIS_FC_SECRET_KEY = env_str("PARVIS_FC_SECRET_KEY")

# Base URL scheme and port used to build absolute links in emails.
PARVIS_URL_SCHEME = env_str("PARVIS_URL_SCHEME", "https" if PRODUCTION else "http")
PARVIS_URL_PORT = env_str("PARVIS_URL_PORT", "" if PRODUCTION else "8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"parvis": {"level": env_str("LOG_LEVEL", "INFO"), "propagate": True}},
}
