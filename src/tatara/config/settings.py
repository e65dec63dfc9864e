"""Tatara settings: one module, every deployment-specific value from the environment.

Environment variables (all optional in development):
  TATARA_DEBUG              "1" for development (default "0")
  TATARA_SECRET_KEY         required when TATARA_DEBUG is off
  TATARA_DATABASE_URL       default sqlite:///<repo>/var/tatara.sqlite3
  TATARA_ALLOWED_HOSTS      comma-separated, default "127.0.0.1,localhost"
  TATARA_CSRF_TRUSTED_ORIGINS  comma-separated origins for HTTPS deployments
  TATARA_DATA_DIR           where uploads and the SQLite file live (default <repo>/var)
  TATARA_FY_START_MONTH     first month of the fiscal year (default 4 = April)
  TATARA_SECURE             "0" to disable HTTPS-only cookies/redirects behind a plain-HTTP proxy

In a development checkout, `make demo` writes var/development.env (TATARA_DEBUG=1), read here
for the variables the environment does not set, so that `.venv/bin/tatara …` works after it
as the README shows. A deployment has no such file and sets its environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, cast

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent.parent  # the checkout (src layout)
DEVELOPMENT_ENV = BASE_DIR / "var" / "development.env"


def load_development_env(path: Path) -> None:
    """TATARA_* settings from a `NAME=value` file, for names the environment does not set."""
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.startswith("TATARA_") and not line.lstrip().startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())


_testing = env_bool("TATARA_TESTING", False) or "pytest" in sys.modules
if DEVELOPMENT_ENV.is_file() and "TATARA_SECRET_KEY" not in os.environ and not _testing:
    load_development_env(DEVELOPMENT_ENV)
DATA_DIR = Path(os.environ.get("TATARA_DATA_DIR", BASE_DIR / "var"))

DEBUG = env_bool("TATARA_DEBUG", False)
TESTING = _testing

SECRET_KEY = os.environ.get("TATARA_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-" + "x" * 40
    else:
        raise ImproperlyConfigured(
            "TATARA_SECRET_KEY is not set. Set it in the environment "
            "(or TATARA_DEBUG=1 for a development server)."
        )

ALLOWED_HOSTS = env_list("TATARA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("TATARA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "tatara.core",
    "tatara.organisation",
    "tatara.cycle",
    "tatara.kpis",
    "tatara.emissions",
    "tatara.demo",
    "tatara.screening",
    "tatara.export_control",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tatara.core.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tatara.config.urls"
WSGI_APPLICATION = "tatara.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tatara.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": cast(
        "dict[str, Any]",
        dj_database_url.parse(
            os.environ.get("TATARA_DATABASE_URL", f"sqlite:///{DATA_DIR / 'tatara.sqlite3'}"),
            conn_max_age=int(os.environ.get("TATARA_DB_CONN_MAX_AGE", "0")),
        ),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if TESTING and not DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # one test database per run, so that runs sharing a server do not collide
    DATABASES["default"]["TEST"] = {"NAME": f"test_tatara_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["tatara.core.login_throttle.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Failed-login throttling: this many failures per username or per client address...
LOGIN_FAILURE_LIMIT = int(os.environ.get("TATARA_LOGIN_FAILURE_LIMIT", "5"))
# ...within this many seconds locks further attempts for the rest of the window.
LOGIN_FAILURE_WINDOW = int(os.environ.get("TATARA_LOGIN_FAILURE_WINDOW", "900"))

# A KPI value moving more than this share against the previous period needs a reason
# (a metric's own jump_threshold wins).
KPI_JUMP_SHARE = os.environ.get("TATARA_KPI_JUMP_SHARE", "0.5")
# Segregation of duties (core.approvals.RULES): "1" all rules on (default), "0" off, or a
# comma-separated list of the rules to keep ("kpis.observation,cycle.rating").
SEGREGATION_OF_DUTIES = os.environ.get("TATARA_SEGREGATION_OF_DUTIES", "1")
# PostgreSQL memory for the one aggregate query behind KPI figures (per query, not global).
KPI_WORK_MEM = os.environ.get("TATARA_KPI_WORK_MEM", "64MB")
# Years an export-control decision and its screening records are kept (retention_until =
# decision date + this). Japan's FEFTA internal compliance rules ask exporters to keep export
# records for at least 5 years (*verify* against the current METI guidance); 7 leaves a margin
# for a fiscal-year audit and a late customs query.
EXPORT_RECORD_YEARS = int(os.environ.get("TATARA_EXPORT_RECORD_YEARS", "7"))
# How many reverse proxies in front of Tatara add to X-Forwarded-For (0: use REMOTE_ADDR).
TATARA_TRUSTED_PROXIES = int(os.environ.get("TATARA_TRUSTED_PROXIES", "0"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TATARA_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

TATARA_FY_START_MONTH = int(os.environ.get("TATARA_FY_START_MONTH", "4"))

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("TATARA_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Finished jobs keep their uploaded input and result files this long, then lose them.
TATARA_JOB_FILE_RETENTION_DAYS = int(os.environ.get("TATARA_JOB_FILE_RETENTION_DAYS", "30"))
# The largest file an import takes (core.tabular): refused with both sizes named above it.
TATARA_UPLOAD_MAX_BYTES = int(float(os.environ.get("TATARA_UPLOAD_MAX_MB", "50")) * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON only: DRF's browsable HTML would render forms whose choices list related records
    # (every unit, every round) to whoever opens an endpoint in a browser (issue 10).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "tatara.core.pagination.Pagination",
    "PAGE_SIZE": 100,
    # `?format=` is ours (the table export), not DRF's renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tatara API",
    "DESCRIPTION": "CSR and compliance management for corporate groups.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "tatara.cycle.choices.Rating",
        "ReopeningStatusEnum": "tatara.core.models.ReopeningStatus",
    },
}

# Background jobs (core/jobs.py, docs/decisions/0008-background-jobs.md) are queued in the
# database and run by `tatara db_worker --no-reload`. Tests run them at once, in the process that
# queues them. So does development (TATARA_DEBUG=1), so that `tatara demo` needs no second
# process, unless TATARA_TASKS_IMMEDIATE=0 (then run `tatara db_worker` beside the server).
# Production always queues: a long job must never run inside a web request.
TASKS_IMMEDIATE = TESTING or (DEBUG and env_bool("TATARA_TASKS_IMMEDIATE", True))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_IMMEDIATE
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Security: strict unless explicitly in development.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING and env_bool("TATARA_SECURE", True):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TATARA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("TATARA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TATARA_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and SQL parameters may hold personal data: never log them.
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
