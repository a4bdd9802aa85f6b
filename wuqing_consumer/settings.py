"""One settings module; every deployment value comes from the environment.

Read through the helpers of wuqing_consumer/environment.py, which refuse a value they cannot
use with one line naming the variable and what it expects.

Defaults give a working laptop setup (SQLite, filesystem broker, DEBUG on). A deployment
sets DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS. Policy the office can
change (deadlines, routing rules, reminder lead times) lives in the database, not here.
"""

import sys
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key

from wuqing_consumer.environment import (
    EnvironmentValueError,
    env,
    env_bool,
    env_database,
    env_int,
    env_int_or_forever,
    env_list,
    env_log_level,
    env_redis_url,
    process_name,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    """Keep a generated key in an untracked file so sessions survive restarts on a laptop."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    key_file = Path(env("SECRET_KEY_FILE", str(BASE_DIR / ".secret_key")))
    try:
        if key_file.exists():
            return key_file.read_text().strip()
        key = get_random_secret_key()
        key_file.write_text(key + "\n")
        key_file.chmod(0o600)
    except OSError as error:
        raise EnvironmentValueError(
            f"SECRET_KEY_FILE={str(key_file)!r} cannot be used ({error.strerror}): set "
            "SECRET_KEY, or SECRET_KEY_FILE to a file this user can read (or create)."
        ) from None
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "wuqing_consumer.apps.PortalAdminConfig",
    # Before auth and axes: their commands that change accounts or sign-in protection
    # (createsuperuser, changepassword, axes_reset*) are replaced by audited ones
    # (management/commands). The app has no templates, static files or catalogue to shadow.
    "wuqing_consumer.apps.PortalConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "wuqing_consumer.apps.PortalAxesConfig",
    "departments",
    "complaints",
    "reports",
    "meetings",
    "publicity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that the pages of refusals made by the middleware below carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wuqing_consumer.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wuqing_consumer.middleware.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "departments.middleware.PortalLocaleMiddleware",
    "wuqing_consumer.middleware.ApiGuardMiddleware",
    "wuqing_consumer.middleware.UploadSizeGuardMiddleware",
    "wuqing_consumer.middleware.FormTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wuqing_consumer.middleware.SignInAgainMiddleware",
    "wuqing_consumer.ratelimit.AnonymousRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "wuqing_consumer.middleware.NotFoundPageMiddleware",
]

ROOT_URLCONF = "wuqing_consumer.urls"

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
                "departments.context_processors.portal",
            ],
        },
    },
]

# Django forms' text fields holding Chinese are marked lang="zh-Hans" on an English page.
FORM_RENDERER = "wuqing_consumer.forms.FormRenderer"

WSGI_APPLICATION = "wuqing_consumer.wsgi.application"

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # `forever` (None) is safe only with the health check: a connection the server or
        # a restart dropped is found before the request uses it, and opened afresh.
        conn_max_age=env_int_or_forever("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Each process says what it is (web, worker, beat, manage.py …) in pg_stat_activity, where
    # `manage.py restore` looks for a portal still connected; a URL's ?application_name= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "application_name", process_name(sys.argv)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The dev server, the worker and beat share one file; wait for locks instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "departments.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "departments.access.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "departments.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked for the cool-off period; the login page says when it unlocks.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
# (A cool-off of 0 would lock for good, as axes reads a zero timedelta as "no cool-off".)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=365 * 24 * 60)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "departments.views.lockout"
# The client's address as wuqing_consumer.addresses reads it, behind PROXY_COUNT trusted
# proxies: axes' own reading of AXES_IPWARE_PROXY_COUNT needs django-ipware, which is not
# installed, so it counted every sign-in behind a proxy as the proxy's.
AXES_CLIENT_IP_CALLABLE = "wuqing_consumer.addresses.client_address"
AXES_VERBOSE = False
# The sign-in records are registered in the admin by departments/admin.py, on the portal's
# terms: clearing a failed-attempt record (an unlock) is audited, the logs are kept.
AXES_ENABLE_ADMIN = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# SQLite (a laptop) builds the covering index on next deadlines without its included
# columns; it still serves the same queries there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Attachments are checked against this limit (and by type) before anything is stored.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
MAX_ATTACHMENTS_PER_UPLOAD = 10
# ...and while they arrive: a file past the limit is not written on (see complaints.attachments),
# and a body larger than 10 files at the limit plus the form is refused unread.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "complaints.attachments.AttachmentUploadHandler",
]
# Django's defaults, written out because the limits above count on them: a form's fields
# (the longest, an order's text, is 20,000 characters) take at most 2.5 MB, and a request
# whose body is at most 2.5 MB keeps its files in memory; larger ones go to temporary files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
# A form with more files than this is not read on (UploadSizeGuardMiddleware says why);
# up to it the form itself says it takes at most MAX_ATTACHMENTS_PER_UPLOAD.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
# Where `manage.py backup` writes its archives unless given --output (README, "Backups").
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "backups")))
# A file holding the key that signs each archive's manifest (HMAC-SHA256), so that a restore
# refuses a forged archive; kept apart from the backups. Unset: archives are not signed.
BACKUP_SIGNING_KEY_FILE = env("BACKUP_SIGNING_KEY_FILE").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: console output on a laptop, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "wuqing-consumer@localhost")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Ops", addr) for addr in env_list("ADMIN_EMAILS")]

# HTTPS hardening is on whenever DEBUG is off; a plain-HTTP intranet turns it off with HTTPS=0
# (or the single variables below).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Not the API: a client follows a redirect after a POST as a GET, and its order is lost.
# ApiGuardMiddleware refuses plain HTTP there with a JSON error instead.
SECURE_REDIRECT_EXEMPT = [r"^api/"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the portal append to X-Forwarded-For; the client's
# address (for the rate limit below and the sign-in lockout) is read from the header only
# that far. 0: the header is ignored, since any client can write it.
TRUSTED_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)
# Requests a minute per client address from people not signed in (the public site, the login
# page), and searches among them; 0 lifts one limit, ANON_RATE_LIMIT_ENABLED=0 both.
ANON_RATE_LIMIT_ENABLED = env_bool("ANON_RATE_LIMIT_ENABLED", True)
ANON_RATE_LIMIT_PER_MINUTE = env_int("ANON_RATE_LIMIT_PER_MINUTE", 300, minimum=0)
ANON_SEARCH_RATE_LIMIT_PER_MINUTE = env_int("ANON_SEARCH_RATE_LIMIT_PER_MINUTE", 30, minimum=0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12, minimum=1, maximum=365 * 24) * 3600
X_FRAME_OPTIONS = "DENY"
DEFAULT_EXCEPTION_REPORTER_FILTER = "wuqing_consumer.reporting.PortalExceptionReporterFilter"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every answer (ContentSecurityPolicyMiddleware): scripts, styles,
# fonts and images only from the portal's own address, so a script slipped into a page by a
# fault elsewhere (a field shown unescaped) does not run, and no page loads anything from
# outside. No inline script anywhere (tests/test_content_security_policy.py reads every
# template); inline <style> elements only in browsers too old for style-src-elem; style
# attributes, which Bootstrap's progress bars and ECharts' tooltips write, allowed.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "style-src-elem": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _soft_time_limit(hard: int) -> int:
    """Below the hard limit, or the task is killed before it is told to stop."""
    seconds = env_int("CELERY_TASK_SOFT_TIME_LIMIT", hard - max(1, hard // 10), minimum=1)
    if seconds >= hard:
        raise EnvironmentValueError(
            f"CELERY_TASK_SOFT_TIME_LIMIT={env('CELERY_TASK_SOFT_TIME_LIMIT')!r} is too long: "
            f"expected a whole number less than {hard} (seconds), the hard limit "
            "(CELERY_TASK_TIME_LIMIT), so that a task is told to stop before it is killed."
        )
    return seconds


# Celery. With REDIS_URL: Redis as broker and result store. Without it: a broker in a local
# folder, so `make run` still has a real worker and beat (reminders fire) on a laptop.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", str(BASE_DIR / ".celery")))
# A task still running after the soft limit gets SoftTimeLimitExceeded to clean up; at the
# hard limit its process is killed. The soft limit defaults to a tenth short of the hard one.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=2)
CELERY_TASK_SOFT_TIME_LIMIT = _soft_time_limit(CELERY_TASK_TIME_LIMIT)
# The longest countdown a task is queued with (complaints.tasks.RESCHEDULE_WITHIN). Not a
# CELERY_ name: Celery would read it as one of its own settings.
TASK_MAX_COUNTDOWN = 300
# Redis gives a message not acknowledged within the visibility timeout to another worker.
VISIBILITY_TIMEOUT_MARGIN = 60


def _visibility_timeout() -> int:
    """Longer than a worker may hold a message: through its countdown, then the task's run up
    to the hard time limit (late acks), with a margin for the acknowledgement and the clocks
    of two workers. A shorter one had a second worker start a task still running, a PDF or
    a long sweep, and run it twice at once."""
    default = 3600
    seconds = env_int("CELERY_VISIBILITY_TIMEOUT", default)
    shortest = CELERY_TASK_TIME_LIMIT + TASK_MAX_COUNTDOWN + VISIBILITY_TIMEOUT_MARGIN
    if seconds < shortest:
        given = env("CELERY_VISIBILITY_TIMEOUT")
        shown = f"={given!r}" if given else f" (unset: {default})"
        raise EnvironmentValueError(
            f"CELERY_VISIBILITY_TIMEOUT{shown} is too short: "
            f"expected a whole number of at least {shortest} (seconds), longer than a task may "
            f"run (CELERY_TASK_TIME_LIMIT, {CELERY_TASK_TIME_LIMIT} s) after its countdown "
            f"(up to {TASK_MAX_COUNTDOWN} s), or Redis gives it to a second worker while the "
            "first still runs it."
        )
    return seconds


if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A message not acknowledged by then is given to another worker, which is how a killed
    # worker's task is redone.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout(),
        # How often a worker looks for such messages (kombu's defaults: every ~100 s; kombu
        # reads an interval of 0 or less as its default).
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10, minimum=1),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 86400
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Slow work (PDF reports, big exports) on its own queue, so reminders never wait behind it.
CELERY_TASK_ROUTES = {
    "reports.tasks.build_district_report_files": {"queue": "slow"},
    "publicity.tasks.build_release_pdf": {"queue": "slow"},
    "complaints.tasks.build_order_export": {"queue": "slow"},
}
# Synced into the database scheduler at beat start; the office can change them in the admin.
CELERY_BEAT_SCHEDULE = {
    "sweep-callbacks": {"task": "complaints.tasks.sweep_callbacks", "schedule": 30.0},
    "find-duplicates": {"task": "complaints.tasks.find_duplicates", "schedule": 60.0},
    "send-notifications": {"task": "departments.tasks.send_deliveries", "schedule": 60.0},
    "remind-due-soon": {"task": "complaints.tasks.remind_due_soon", "schedule": 300.0},
    "supervise-overdue": {"task": "complaints.tasks.supervise_overdue", "schedule": 300.0},
    "refresh-figures": {"task": "complaints.tasks.refresh_figures", "schedule": 60.0},
    "remind-referrals": {"task": "complaints.tasks.remind_referrals", "schedule": 900.0},
    "sweep-district-report-files": {
        "task": "reports.tasks.sweep_district_report_files",
        "schedule": 120.0,
    },
    "remind-periodic-duties": {
        "task": "reports.tasks.remind_periodic_duties",
        "schedule": crontab(hour=8, minute=30),
    },
    "sweep-release-pdfs": {"task": "publicity.tasks.sweep_release_pdfs", "schedule": 600.0},
    "sweep-order-exports": {"task": "complaints.tasks.sweep_order_exports", "schedule": 120.0},
    "end-expired-exposures": {
        "task": "publicity.tasks.end_expired_exposures",
        "schedule": crontab(hour=0, minute=10),
    },
    "daily-digest": {
        "task": "complaints.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "forget-sent-forms": {
        "task": "wuqing_consumer.tasks.forget_sent_forms",
        "schedule": crontab(hour=3, minute=20),
    },
}
# Dotted path of the SMS gateway client; the default writes messages to the log.
SMS_BACKEND = env("SMS_BACKEND", "departments.notifications.LoggingSmsBackend")
# The delay doubles on each failure up to an hour (complaints.callbacks.MAX_BACKOFF).
CALLBACK_RETRY_BASE_SECONDS = env_int("CALLBACK_RETRY_BASE_SECONDS", 10, minimum=1, maximum=3600)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Derives each API client's callback signing secret (complaints/clients.py). Set it apart
# from SECRET_KEY in production, so rotating one does not change the other.
API_SIGNING_KEY = env("API_SIGNING_KEY") or SECRET_KEY
# After a client's key or signing secret is rotated, the previous one keeps working (the
# key authenticates, the secret signs each callback in a second header) this many hours.
API_ROTATION_GRACE_HOURS = env_int("API_ROTATION_GRACE_HOURS", 24, minimum=0, maximum=365 * 24)

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "complaints.api.auth.ApiKeyAuthentication",
        "complaints.api.auth.PortalSessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": ["complaints.api.auth.LimitedJSONParser"],
    # JSON only: with DRF's HTML page renderer, a client whose Accept put text/html first
    # (Java's default) got a 500 page after its order had been saved.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_METADATA_CLASS": "wuqing_consumer.metadata.ContractMetadata",
    # An unknown ?format= names the formats there are, in the API's error shape.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "wuqing_consumer.negotiation.ContentNegotiation",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "wuqing_consumer.api.PageNumbers",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wuqing_consumer.api.exception_handler",
}
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_KB", 1024, minimum=1) * 1024
API_THROTTLE_ENABLED = env_bool("API_THROTTLE_ENABLED", True)

SPECTACULAR_SETTINGS = {
    "TITLE": "wuqing-consumer API",
    "DESCRIPTION": "武清区消费者权益保护协作平台 / Wuqing District consumer-protection "
    "coordination portal",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The contract is public on purpose: the hotline's developers read it before they have
    # a key. It holds no data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "WorkOrderStatusEnum": "complaints.choices.Status",
        "OrderKindEnum": "complaints.choices.Kind",
        "UnitKindEnum": "departments.choices.UnitKind",
        "SatisfactionEnum": "complaints.choices.Satisfaction",
        "RoutingStatusEnum": "complaints.api.serializers.ROUTING_STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wuqing_consumer.api.bilingual_enum_lists",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step of every PDF at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
