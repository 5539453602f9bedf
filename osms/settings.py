"""Settings of osms, read from the environment (12-factor).

Every variable is listed in README.md. With nothing set: SQLite file, Celery tasks run
eagerly in-process, DEBUG on, Russian admin; scripts/quickstart adds a real worker on
a filesystem broker (the "Quick start" block below).
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-quickstart-only-set-SECRET_KEY-in-production-0123456789abcdef",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "osms.core.admin_site.UnfoldConfig",  # Unfold with our admin site
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc served from our static files (no CDN)
    "axes",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "osms.core",
    "osms.exports",
    "payers",
    "coverage",
    "packages",
    "purchasing",
    "reconciliation",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "osms.core.security.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "osms.core.middleware.FundLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "osms.core.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "osms.urls"
WSGI_APPLICATION = "osms.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://osms")}

# The lockout backend first: it refuses a locked-out username+address before the password is
# checked (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: Russian by default, Kazakh and English switchable -----------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("kk", "Қазақша"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True
# One number and date format per language (osms/formats/<lang>/formats.py): дд.мм.гггг,
# 24-hour time, 1 045 500,00 ₸.
FORMAT_MODULE_PATH = ["osms.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# --- Security (production values come with DEBUG=False) ---------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Addresses or networks of the reverse proxy in front of gunicorn. X-Forwarded-For is believed
# only on connections from these (osms/core/clientip.py): throttles and the login lockout key
# on the real client, and a client rotating the header changes nothing.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one username from
# one address, that pair is refused for LOGIN_LOCKOUT_MINUTES (admin login and the API token
# alike). Unlock sooner: `manage.py axes_reset_username <username>` (README, "Security").
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "osms.core.clientip.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "osms.core.security.lockout_response"
AXES_VERBOSE = False

# Content-Security-Policy (osms/core/security.py). Scripts only from our own static files
# (Unfold's Alpine.js evaluates its attribute expressions, hence 'unsafe-eval'); the admin's
# inline style attributes need 'unsafe-inline' for styles; no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# The OpenAPI schema and its docs page: open to anybody only in DEBUG (or when this says so);
# in production they need a signed-in user.
API_SCHEMA_PUBLIC = env.bool("API_SCHEMA_PUBLIC", default=DEBUG)

# --- Celery ------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker of a fanned-out run (status run, reconciliation: osms/core/fanout.py) that finds
# the remaining chunks held by others looks again after this many seconds: the chunk of a
# worker that died is taken over. (COVERAGE_CHUNK_RETRY_SECONDS: its former name.)
FANOUT_RETRY_SECONDS = env.int(
    "FANOUT_RETRY_SECONDS", default=env.int("COVERAGE_CHUNK_RETRY_SECONDS", default=5))
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The nightly jobs are declared in osms/celery.py (BEAT_SCHEDULE).

# --- Quick start: SQLite and a Celery worker without any service --------------
# scripts/quickstart runs the dev server and a real Celery worker (with beat) on one SQLite
# file, the broker being kombu's filesystem transport (CELERY_BROKER_URL=filesystem://):
# messages are files under CELERY_BROKER_FOLDER. SQLite is shared by two processes, so: WAL
# (readers never wait for the writer), IMMEDIATE transactions (a writer takes the lock at
# BEGIN and waits for it, instead of failing when a read turns into a write) and a busy
# timeout (how long a writer waits, seconds): "database is locked" never reaches a user.
SQLITE_OPTIONS = {
    "timeout": env.int("SQLITE_TIMEOUT", default=60),
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # Covering unique constraints (INCLUDE) are a PostgreSQL feature; SQLite is the demo only.
    SILENCED_SYSTEM_CHECKS = ["models.W039"]
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = Path(env("CELERY_BROKER_FOLDER", default=str(BASE_DIR / "var" / "celery")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Producer (web server) and consumer (worker) share one folder of message files.
        "data_folder_in": str(_broker_folder / "queue"),
        "data_folder_out": str(_broker_folder / "queue"),
        "control_folder": str(_broker_folder / "control"),
    }
    for _folder in ("queue", "control"):
        (_broker_folder / _folder).mkdir(parents=True, exist_ok=True)

# --- REST API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["osms.core.drf.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "osms.core.drf.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "osms.core.errors.drf_exception_handler",
    # Every endpoint is throttled: these by default, stricter scopes on the public ones.
    # Clients are told apart by osms.core.clientip (X-Forwarded-For only from TRUSTED_PROXIES);
    # NUM_PROXIES=0 keeps DRF's own classes from believing the header at all.
    "DEFAULT_THROTTLE_CLASSES": [
        "osms.core.drf.AnonRateThrottle",
        "osms.core.drf.UserRateThrottle",
    ],
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_THROTTLE", default="30/min"),
        "user": env("API_USER_THROTTLE", default="6000/min"),
        "public": env("API_PUBLIC_THROTTLE", default="60/min"),
        "partner": env("API_PARTNER_THROTTLE", default="6000/min"),
        "eligibility": env("API_ELIGIBILITY_THROTTLE", default="600/min"),
        "token": env("API_TOKEN_THROTTLE", default="20/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OSMS back office API",
    "DESCRIPTION": "Compulsory social health insurance (ОСМС / МӘМС): registry, "
    "contributions, coverage, packages and purchasing.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page works without internet: its assets come from drf-spectacular-sidecar.
    "SERVE_PERMISSIONS": ["osms.core.drf.SchemaAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "osms.core.drf.error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DiscrepancyStatusEnum": "reconciliation.models.discrepancies.Discrepancy.Status",
    },
}

# --- Project settings --------------------------------------------------------
# A list with more rows than this shows an estimated count (PostgreSQL planner).
ADMIN_EXACT_COUNT_LIMIT = env.int("ADMIN_EXACT_COUNT_LIMIT", default=20000)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

UNFOLD = {
    "SITE_TITLE": _("OSMS back office"),
    "SITE_HEADER": _("Social Health Insurance Fund"),
    "SITE_SYMBOL": "health_and_safety",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    "DASHBOARD_CALLBACK": "osms.core.dashboard.dashboard_callback",
    "ENVIRONMENT": "osms.core.dashboard.environment_callback",
    # The sidebar: «Tools» (calculator, eligibility check: each app's tools.py, shown to
    # whoever may use them), then every application and model, as the admin lists them.
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": "osms.core.navigation.sidebar_navigation",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # a lockout is a warning; each sign-in is not news
    },
}

# --- Exports (osms.exports, see docs/exports.md) --------------------------------
EXPORTS_SYNC_MAX_ROWS = env.int("EXPORTS_SYNC_MAX_ROWS", default=5000)
EXPORTS_EXPIRE_HOURS = env.int("EXPORTS_EXPIRE_HOURS", default=72)
EXPORTS_PROGRESS_EVERY = env.int("EXPORTS_PROGRESS_EVERY", default=20000)

# --- Contributions (payers/tasks.py) ------------------------------------------------
# Payment imports (docs/formats/payments.md): rows per chunk; other database connections
# (threads) preparing the next chunks while one is posted (PostgreSQL); work_mem.
PAYMENTS_IMPORT_CHUNK_ROWS = env.int("PAYMENTS_IMPORT_CHUNK_ROWS", default=250_000)
PAYMENTS_IMPORT_PARALLEL = env.bool("PAYMENTS_IMPORT_PARALLEL", default=True)
PAYMENTS_IMPORT_PREPARERS = env.int("PAYMENTS_IMPORT_PREPARERS", default=1)
PAYMENTS_IMPORT_WORK_MEM = env("PAYMENTS_IMPORT_WORK_MEM", default="256MB")
# Case files (monitoring.importer): rows per chunk; chunks prepared on a second connection
# while the previous one posts (docs/monitoring.md)
MONITORING_IMPORT_CHUNK_ROWS = env.int("MONITORING_IMPORT_CHUNK_ROWS", default=100_000)
MONITORING_IMPORT_PARALLEL = env.bool("MONITORING_IMPORT_PARALLEL", default=True)

# --- Import uploads (osms/core/uploads.py, docs/formats/) ---------------------------------
# The largest file each import accepts, in MB (IMPORT_MAX_MB_<KIND> overrides one kind).
# Uploads are kept under MEDIA_ROOT/imports/, which is never served (downloads go through views).
IMPORT_MAX_MB = {
    "payments": env.int("IMPORT_MAX_MB_PAYMENTS", default=1024),
    "persons": env.int("IMPORT_MAX_MB_PERSONS", default=512),
    "organisations": env.int("IMPORT_MAX_MB_ORGANISATIONS", default=128),
    "categories": env.int("IMPORT_MAX_MB_CATEGORIES", default=256),
    "declarations": env.int("IMPORT_MAX_MB_DECLARATIONS", default=512),
    "tariffs": env.int("IMPORT_MAX_MB_TARIFFS", default=64),
}

# --- Operations (docs/operations.md): access log, ИИН masking, health check -----------------
# Every view of a person's data adds a row to the personal-data access log (osms/core/
# access_log.py); the middleware needs the signed-in user, so it follows authentication.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "osms.core.access_middleware.PersonalDataAccessMiddleware")
# ИИН/БИН masked (8710******27) in every log record (osms/core/logmask.py).
LOGGING["filters"] = {"mask_iin": {"()": "osms.core.logmask.MaskIinFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["mask_iin"]
# The health check (GET /health/, osms/core/health.py): a nightly job whose last successful
# run is older than this many hours is a failure; a run still going after STUCK hours is stuck.
HEALTH_NIGHTLY_MAX_AGE_HOURS = env.int("HEALTH_NIGHTLY_MAX_AGE_HOURS", default=26)
HEALTH_MONTHLY_MAX_AGE_DAYS = env.int("HEALTH_MONTHLY_MAX_AGE_DAYS", default=32)
HEALTH_STUCK_AFTER_HOURS = env.int("HEALTH_STUCK_AFTER_HOURS", default=6)
HEALTH_REPLICA_MAX_LAG_SECONDS = env.int("HEALTH_REPLICA_MAX_LAG_SECONDS", default=300)
# A read replica (optional): exports, dashboard aggregates and reports read there
# (osms/db_router.py); its lag is reported by the health check and the dashboard.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
        DATABASES["replica"].setdefault("OPTIONS", {})
        DATABASES["replica"]["OPTIONS"].setdefault("server_side_binding", False)
DATABASE_ROUTERS = ["osms.db_router.ReplicaRouter"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["health"] = env("HEALTH_THROTTLE", default="120/min")
