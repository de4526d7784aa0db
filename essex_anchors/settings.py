"""Settings for the Essex Anchors Portal.

One file, driven by environment variables (see .env.example). With nothing set the
project runs in development on embedded SQLite; DATABASE_URL switches to PostgreSQL.
Production is DJANGO_ENV=production (DEBUG then defaults to off and may not be on) or
DEBUG=False, and then SECRET_KEY and ALLOWED_HOSTS must come from the environment.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from essex_anchors.lib import environment

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value in ("True", "true", "1"):
        return True
    if value in ("False", "false", "0"):
        return False
    raise ImproperlyConfigured(f"{name} must be 'True' or 'False', got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# The test runner never serves real traffic: it may use a development key and plain HTTP.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

DJANGO_ENV = os.getenv("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', got {DJANGO_ENV!r}")
# Production is DJANGO_ENV=production or an explicit DEBUG=False; a bare checkout is development, so
# `manage.py makemigrations`, `check` and the like work with no environment set at all.
DEBUG = env_bool("DEBUG", "False" if DJANGO_ENV == "production" else "True")
if DJANGO_ENV == "production" and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production")
PRODUCTION = not DEBUG and not TESTING

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "django_filters",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # django-ninja: the API's framework; listed for its templates and static files (the docs page's assets).
    "ninja",
    "essex_anchors",
    "pledges",
    "learning_community",
    "dashboard",
    "spend",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "essex_anchors.lib.middleware.PrivatePagesMiddleware",
    # After authentication: a signed-in person reads the primary (read replicas; essex_anchors.lib.replicas).
    "essex_anchors.lib.replicas.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The API's HTTP rules (api/http.py): CORS for GET, the anonymous rate limit, responses kept per
    # generation of the public figures, conditional GET (ETag, Last-Modified, 304).
    "api.http.ApiMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the response of our template.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "essex_anchors.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "essex_anchors.wsgi.application"

DB_CONN_MAX_AGE = int(os.getenv("DB_CONN_MAX_AGE", "0"))
# With persistent connections, each is checked before a request reuses it, so a PostgreSQL restart costs
# no request an error once the server is back (without the check, the first request of each process after
# a restart failed on its dead connection: bench/README.md, "Faults").
DB_CONN_HEALTH_CHECKS = DB_CONN_MAX_AGE > 0
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=DB_CONN_HEALTH_CHECKS,
    )
}
# A read replica (DATABASE_REPLICA_URL): the public pages' reads go to it, everything else to the primary
# (essex_anchors.lib.replicas). Without it every query goes to "default". The test run ignores it: a test
# may only use the aliases it names, so tests/test_replicas.py adds its own (a second connection, same server).
replica = None if TESTING else environment.replica_database(os.environ, conn_max_age=DB_CONN_MAX_AGE)
if replica:
    DATABASES[environment.REPLICA_ALIAS] = replica
DATABASE_ROUTERS = ["essex_anchors.lib.replicas.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not TESTING:
    # `make run` has two processes on one SQLite file (the web server and the task worker): wait for a
    # lock rather than fail, and let pages read while an import writes (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out username is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/my/"
LOGOUT_REDIRECT_URL = "/"

# Login throttling (django-axes): lock a username + address after repeated failures.
AXES_FAILURE_LIMIT = int(os.getenv("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.getenv("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Cuts an over-long typed username to axes' 255-character column (a 500 on PostgreSQL otherwise).
AXES_USERNAME_CALLABLE = "essex_anchors.lib.login_throttling.attempted_username"
# The client's address for the lock and for the rate limits (essex_anchors.lib.client_address): REMOTE_ADDR,
# or behind a reverse proxy the header it writes, e.g. TRUSTED_PROXY_HEADER=HTTP_X_FORWARDED_FOR, taking the
# entry TRUSTED_PROXY_COUNT (the number of proxies in front of the portal) from its right. Without it every
# client behind the proxy would share the proxy's address, and one of them could lock a username for all.
TRUSTED_PROXY_HEADER = os.getenv("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.getenv("TRUSTED_PROXY_COUNT", "1"))
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be at least 1")
AXES_CLIENT_IP_CALLABLE = "essex_anchors.lib.client_address.client_address"
# Rate limits (essex_anchors.lib.rate_limits): (how many POSTs, in how many seconds) per signed-in user, or
# per client address when signed out.
RATE_LIMITS = {
    "password_reset": (int(os.getenv("RATE_LIMIT_PASSWORD_RESETS", "5")), 60 * 60),
    "upload": (int(os.getenv("RATE_LIMIT_UPLOADS", "30")), 60 * 60),
    # The open data API (/api/v1/): requests a minute from one client address without a token, and
    # progress posts a minute with one token.
    "api": (int(os.getenv("RATE_LIMIT_API", "120")), 60),
    "api_write": (int(os.getenv("RATE_LIMIT_API_WRITES", "60")), 60),
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media and private files on local disk, or on S3-compatible storage with MEDIA_STORAGE=s3 (several app
# servers; essex_anchors.lib.environment.storages says which variables it reads).
STORAGES = environment.storages(os.environ, production=PRODUCTION)
# Outside production WhiteNoise serves straight from the app folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Uploads above this size are refused by the forms that take files (spend files, evidence).
MAX_UPLOAD_BYTES = int(os.getenv("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Payments files uploaded on /spend/upload/ (a year of a large council's payments is tens of MB);
# `manage.py import_spend` takes any size.
SPEND_UPLOAD_MAX_BYTES = int(os.getenv("SPEND_UPLOAD_MAX_BYTES", str(150 * 1024 * 1024)))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default; SMTP as soon as EMAIL_HOST is set.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.getenv("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", "True")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Essex Anchors Portal <no-reply@essexanchors.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seed document: "Meetings are supported by the Secretariat - Essex Partners essex.partners@essex.gov.uk"
SECRETARIAT_EMAIL = os.getenv("SECRETARIAT_EMAIL", "essex.partners@essex.gov.uk")

# The dashboard caches its figures (see pledges/cache.py). With REDIS_URL set (redis://host:6379/0), the
# cache and the sessions are on Redis, shared by every app server; sessions are written through to the
# database too ("cached_db"), so a Redis restart signs nobody out. Without it the default is a cache on
# disk, which needs no server and is shared by every process on one machine (`make run`); CACHE_BACKEND /
# CACHE_LOCATION choose another. Tests keep it in memory, per process.
REDIS_URL = os.getenv("REDIS_URL", "")
# The test run ignores it: its processes each clear their cache between tests, which a shared Redis would
# turn into one test clearing another's (tests/security/test_production_settings.py uses Redis for real).
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            # Django's RedisCache, except that Redis being down is an empty cache, not a 500 on every page
            # (essex_anchors.lib.cache; bench/README.md, "Faults").
            "BACKEND": "essex_anchors.lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": str(DATABASES["default"].get("NAME", "")),
            # A Redis that does not answer holds a request up for at most about this long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": os.getenv(
                "CACHE_BACKEND",
                "django.core.cache.backends.locmem.LocMemCache"
                if TESTING
                else "django.core.cache.backends.filebased.FileBasedCache",
            ),
            "LOCATION": os.getenv("CACHE_LOCATION", "" if TESTING else str(BASE_DIR / ".cache")),
            # One cache directory may serve databases of different names (SQLite here, PostgreSQL there).
            "KEY_PREFIX": str(DATABASES["default"].get("NAME", "")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# How long cached public figures live at most, if a write somehow did not invalidate them.
PUBLIC_FIGURES_CACHE_SECONDS = int(os.getenv("PUBLIC_FIGURES_CACHE_SECONDS", "600"))
# The least age before cached public figures and pages are recomputed after a write (pledges.cache):
# however often anchors write, each is recomputed at most once in this many seconds. Tests see every
# write at once (0), except the tests of this rule.
PUBLIC_FIGURES_REFRESH_SECONDS = int(os.getenv("PUBLIC_FIGURES_REFRESH_SECONDS", "0" if TESTING else "10"))
# Stale public values are renewed one at a time across the site, and after each renewal none starts for this
# many times as long as it took (pledges.cache._take_recompute_slot); 0 renews each value on its own. Tests
# see every write at once (0), except the tests of this rule.
PUBLIC_FIGURES_RENEWAL_PAUSE = float(os.getenv("PUBLIC_FIGURES_RENEWAL_PAUSE", "0" if TESTING else "1"))
# A stale public value is renewed in a thread beside the request that found it stale, which is served the last
# value like everyone else (pledges.cache._renew_in_background); only while renewals go one at a time
# (PUBLIC_FIGURES_RENEWAL_PAUSE above 0), so one such thread runs at most. Tests renew in the request, inside
# their own transaction, except the tests of this rule.
PUBLIC_FIGURES_RENEW_IN_BACKGROUND = env_bool("PUBLIC_FIGURES_RENEW_IN_BACKGROUND", "False" if TESTING else "True")

# Background work (spend file imports) runs in a task worker: `manage.py db_worker`, which `make run`
# starts beside the web server. Tests run each task at once, in the test's own process.
TASKS = {
    "default": {
        "BACKEND": os.getenv(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

if TESTING:
    # Hashing a password with the production hasher takes a good part of a second on purpose; the suite
    # signs in a few thousand times, and what it tests is who may sign in, not the hash's strength.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = False
# A bad row in an import rolls back the whole file: nothing partial is saved.
IMPORT_EXPORT_USE_TRANSACTIONS = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", "True")
    SECURE_HSTS_SECONDS = int(os.getenv("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token), so scripts may not read it either.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp), on every response in every mode. Scripts, styles, fonts and fetches
# come only from this site's own static files: no inline <script>, no event-handler attributes and no
# style="" attributes anywhere (our templates, and the admin, import-export and simple-history templates
# we override in templates/admin/ and templates/simple_history/), so neither needs 'unsafe-inline'.
# Bootstrap's stylesheet draws its form controls with data: SVG images, hence img-src data:.
# tests/security/test_content_security_policy.py and tests/browser/test_csp.py hold every page to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
