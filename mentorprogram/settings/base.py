"""Settings for every environment.

Production differs from development only through environment variables (see
``.env.example``). With ``DEBUG`` unset the settings are production settings:
``SECRET_KEY``, ``DATABASE_URL`` and ``ALLOWED_HOSTS`` are then required and
start-up stops with the name of the one that is missing.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from mentorprogram.env import (
    env_bool,
    env_database,
    env_email,
    env_int,
    env_list,
    env_oidc_providers,
    env_str,
    read_env_files,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
read_env_files(BASE_DIR)

DEBUG = env_bool("DEBUG", False)

# Development gets harmless defaults; production must say everything.
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

DATABASES = {"default": env_database("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer): each transaction may get another server
# connection, so no server-side cursors (they outlive the transaction) and no prepared statements (they belong to
# one server connection). Nothing else in the app keeps state in a database session: locks are transaction
# locks (pg_advisory_xact_lock, SELECT ... FOR UPDATE) and settings SET LOCAL.
if env_str("DATABASE_POOLER", "") == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None

REDIS_URL = env_str("REDIS_URL", "")

INSTALLED_APPS = [
    "mentorprogram.apps.MentorprogramAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "mentorprogram.apps.StaticFilesConfig",  # django.contrib.staticfiles, collecting only what pages load
    "django.contrib.postgres",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "guardian",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "mentorprogram",
    "audit",
    "cases",
    "mentors",
    "individualplans",
    "steeringgroup",
    "notifications",
    "mentorsessions",
    "disclosures",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Activity pushes the session's expiry on, written at most once a minute (mentorprogram.middleware).
    "mentorprogram.middleware.SessionIdleMiddleware",
    "mentorprogram.middleware.NorwegianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, reading the second factor's device by SQL compiled once (mentorprogram.auth_backends).
    "mentorprogram.auth_backends.OTPMiddleware",
    # A request to the API with a token is that token's user (mentorprogram.accounts.api_auth).
    "mentorprogram.accounts.api_auth.ApiTokenMiddleware",
    # The request being answered, for the reads the selectors record (audit.context).
    "audit.context.CurrentRequestMiddleware",
    # A request that only reads asks each object's rights once (mentorprogram.object_permissions).
    "mentorprogram.object_permissions.ReadRequestRightsMiddleware",
    # Deny by default: a view needs a login unless it is marked public, and a
    # verified second factor and a permission unless it says otherwise
    # (mentorprogram.access). A view without a declaration answers 403.
    "mentorprogram.access.AccessPolicyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The load benchmark (bench/load.py) reads each response's query count; never set in production.
if env_bool("MENTORPROGRAM_BENCH_QUERY_COUNT", False):
    MIDDLEWARE.insert(0, "mentorprogram.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "mentorprogram.urls"
WSGI_APPLICATION = "mentorprogram.wsgi.application"

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
                "mentorprogram.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "mentorprogram.forms.FormRenderer"

AUTH_USER_MODEL = "mentorprogram.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading roles and model permissions in one query (mentorprogram.auth_backends).
    "mentorprogram.auth_backends.RolesAndPermissionsBackend",
    # guardian's, asking once per object in a request that only reads (mentorprogram.object_permissions).
    "mentorprogram.object_permissions.ReadRequestObjectPermissionBackend",
    "cases.backends.EmergencyAccessBackend",
]
# How long break-the-glass access to a case lasts (cases.EmergencyAccess).
EMERGENCY_ACCESS_HOURS = env_int("EMERGENCY_ACCESS_HOURS", 4)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour

# Two factors: TOTP from an authenticator app, single-use backup codes.
OTP_TOTP_ISSUER = "Mentorprogram"
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout after repeated failures (a wrong password or a wrong code alike).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Per account: a municipality's offices often share one NAT address, and
# locking by address would lock out a whole office (hence axes.W006 silenced).
AXES_LOCKOUT_PARAMETERS = ["username"]
# guardian.W001 looks for its own backend's dotted path; ours is a subclass of it (mentorprogram.object_permissions).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "guardian.W001"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mentorprogram.accounts.views.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit trail already
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "home"
# Sign-in with the municipality's identity provider(s) beside the local login (mentorprogram.accounts.oidc):
# identity only, linked to accounts by an administrator; see env_oidc_providers for the variables.
OIDC_PROVIDERS = env_oidc_providers()
# How long to wait for a provider's metadata, keys and token endpoint before saying it does not answer.
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 5)
LOGOUT_REDIRECT_URL = "login"

# Django's database sessions, read by SQL compiled once per process (mentorprogram.session_store).
SESSION_ENGINE = "mentorprogram.session_store"
# A session ends after 30 idle minutes: activity pushes the expiry on, written at most once a minute
# (mentorprogram.middleware.SessionIdleMiddleware), so the limit is 29 to 30 minutes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Third-party assets come from the npm registry (package.json); no CDN, so the
# app works on a municipal network without internet access.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/designsystemet", BASE_DIR / "node_modules" / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/inter", BASE_DIR / "node_modules" / "@fontsource" / "inter"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Every page names its files through the manifest ({% static %}), so the unhashed copies are dropped after
# collectstatic: half the files to compress and to ship.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CSRF_FAILURE_VIEW = "mentorprogram.views.csrf_failure"

# Email: the console in development, an smtp:// URL in production.
_email = env_email("EMAIL_URL", "consolemail://" if DEBUG else "smtp://localhost:25")
# EMAIL_BACKEND (a dotted path) overrides the backend that EMAIL_URL names.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", _email["EMAIL_BACKEND"])
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "email"))
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentorprogram <ikke-svar@mentorprogram.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. Production values are the defaults; development relaxes
# only what plain http on 127.0.0.1 needs.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
    if env_bool("BEHIND_TLS_PROXY", True):
        # gunicorn sits behind a TLS-terminating proxy that sets this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # /health/ is polled over plain http inside the compose network.
        SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# No inline script or style anywhere: the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Celery on Redis. Publishing must never hang a web request when Redis is
# away (celery #6046): short socket timeouts and no publish retries here; the
# outbox relay is what guarantees delivery.
# Celery spells a Redis Unix socket «redis+socket://»; redis-py spells it «unix://».
_CELERY_REDIS_URL = REDIS_URL.replace("unix://", "redis+socket://", 1) if REDIS_URL.startswith("unix://") else REDIS_URL
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or _CELERY_REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or (_CELERY_REDIS_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_HEARTBEAT_SECONDS = env_int("CELERY_WORKER_HEARTBEAT_SECONDS", 30)
# A worker or beat heartbeat older than this makes /health/ report it as down.
HEALTH_WORKER_STALE_SECONDS = env_int("HEALTH_WORKER_STALE_SECONDS", 120)
CELERY_BEAT_SCHEDULER = "mentorprogram.celery:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "notifications.tasks.reminders_run_task",
        "schedule": crontab(hour=env_int("REMINDERS_HOUR", 7), minute=0),  # Europe/Oslo (CELERY_TIMEZONE)
    },
    # The audit trail's hash chain: new rows sealed every few seconds, the head exported hourly.
    "audit-chain-seal": {"task": "audit.tasks.chain_seal_task", "schedule": 15.0},
    "audit-chain-head-export": {"task": "audit.tasks.chain_head_export_task", "schedule": crontab(minute=5)},
    # Unanswered concern signals escalate within minutes of their limit, day and night.
    "concern-escalation": {
        "task": "mentorsessions.tasks.concern_signals_escalate_task",
        "schedule": crontab(minute="*/5"),
    },
    # Retention: erase lists whose notice has run out, then list the closed cases newly due.
    "retention": {"task": "cases.tasks.retention_step_task", "schedule": crontab(hour=3, minute=30)},
    # Last quarter's steering report, on the first day of each quarter.
    "quarterly-steering-report": {
        "task": "steeringgroup.tasks.quarterly_report_task",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    "stalled-steering-reports": {"task": "steeringgroup.tasks.stalled_reports_task", "schedule": crontab(minute="*/5")},
    # Sign-ins that have run out (idle or closed browser) are deleted: Django keeps them otherwise.
    "expired-sessions": {"task": "mentorprogram.tasks.expired_sessions_clear_task", "schedule": crontab(minute=20)},
}

# The outbox (notifications.relay): how often each worker hands pending rows
# to Celery, when a handed-over row counts as lost, retries and backoff.
OUTBOX_RELAY_INTERVAL_SECONDS = env_int("OUTBOX_RELAY_INTERVAL_SECONDS", 1)
OUTBOX_REDISPATCH_SECONDS = env_int("OUTBOX_REDISPATCH_SECONDS", 300)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30)
# Work waiting longer than this makes /health/ report the outbox as stuck.
OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 600)

# Reminder thresholds.
REMINDER_CASE_WAITING_FOR_MENTOR_DAYS = env_int("REMINDER_CASE_WAITING_FOR_MENTOR_DAYS", 14)
# A referral not decided within this many days is marked in the triage queue and reminded.
REFERRAL_TRIAGE_DAYS = env_int("REFERRAL_TRIAGE_DAYS", 5)
REMINDER_CONSENT_EXPIRING_DAYS = env_int("REMINDER_CONSENT_EXPIRING_DAYS", 14)
REMINDER_PLAN_EVALUATION_DAYS = env_int("REMINDER_PLAN_EVALUATION_DAYS", 7)

# Steering reports: the municipality named on the cover, and the smallest count published as a number
# (smaller ones read «<5», and more cells are hidden so that no arithmetic recovers them).
MUNICIPALITY_NAME = env_str("MUNICIPALITY_NAME", "Eksempel kommune")
STEERING_SMALL_COUNT_THRESHOLD = env_int("STEERING_SMALL_COUNT_THRESHOLD", 5)
# Kinds emailed to a user who has not chosen for themselves.
NOTIFICATION_EMAIL_DEFAULT_KINDS = [
    "assigned_to_case",
    "referral_acute",
    "concern_signal",
    "concern_escalated",
    "emergency_access",
    "second_factor_reset",
    "password_changed",
]
# Absolute links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000") if DEBUG else env_str("SITE_URL")

# The API's request counts per user and per token, shared by every process through Redis (in memory without it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "mentorprogram.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mentorprogram.accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "mentorprogram.accounts.api_auth.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "mentorprogram.accounts.api_auth.UserRateThrottle",
        "mentorprogram.accounts.api_auth.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_PER_USER", "600/min"),
        "token": env_str("API_RATE_PER_TOKEN", "300/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorprogram API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Each choice set once, by its domain name (the schema's enums are stable across versions of v1).
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "cases.models.Referral.Status",
        "CaseStatusEnum": "cases.models.Case.Status",
        "CaseTrackEnum": "cases.models.Case.Track",
        "CaseOutcomeEnum": "cases.models.Case.Outcome",
        "NotificationKindEnum": "notifications.models.Notification.Kind",
        "PlanStatusEnum": "individualplans.models.IndividualPlan.Status",
        "GoalStatusEnum": "individualplans.models.PlanGoal.Status",
        "MeasureStatusEnum": "individualplans.models.PlanMeasure.Status",
        "PartnerServiceEnum": "mentorprogram.partners.PartnerService",
        "ConcernLevelEnum": "mentorsessions.models.ConcernSignal.Level",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mentorprogram.api.add_error_responses",
    ],
}

# No anonymous user row: nothing is ever granted to anonymous visitors.
ANONYMOUS_USER_NAME = None

# django-auditlog writes into audit.ModelChange (append-only, actor copied,
# values masked); models join through audit.registry.audit_register.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_LOGENTRY_MODEL = "audit.ModelChange"
AUDITLOG_MASK_CALLABLE = "audit.registry.mask_value"
# A change's correlation id names the API token it came through, and is never read from a request header.
AUDITLOG_CID_GETTER = "audit.context.change_correlation"
AUDITLOG_CID_HEADER = None
# Where the audit chain's head is appended every hour (a path on storage the database's
# administrators cannot rewrite); «verify_audit --heads» then detects a restored old database.
AUDIT_HEAD_EXPORT_PATH = env_str("AUDIT_HEAD_EXPORT_PATH", "")
# Client addresses for the trail: X-Forwarded-For only from our own proxy.
TRUST_X_FORWARDED_FOR = (not DEBUG) and env_bool("BEHIND_TLS_PROXY", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tracebacks without exception messages: they can quote personal data (mentorprogram.logging).
    "formatters": {
        "plain": {
            "()": "mentorprogram.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO: a PDF would write seven lines.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The development server's request lines too: through the same formatter, query strings withheld.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Mentors: a qualification ending within this many days is «expiring».
MENTOR_QUALIFICATION_WARN_DAYS = env_int("MENTOR_QUALIFICATION_WARN_DAYS", 60)
# Suggestions shown first; choosing a mentor further down needs a written reason.
MATCHING_TOP_SUGGESTIONS = env_int("MATCHING_TOP_SUGGESTIONS", 5)
# A mentor without supervision for this many weeks is marked in the pool.
MENTOR_SUPERVISION_WEEKS = env_int("MENTOR_SUPERVISION_WEEKS", 8)

# Mentor sessions (the 24-hour edit window is MentorSession.EDIT_WINDOW, held by a trigger too).
# An active case with no session for this many weeks is marked and reminded (weekly).
SESSION_QUIET_WEEKS = env_int("SESSION_QUIET_WEEKS", 3)
# Retention (cases.retention): months after closing before a case is erased,
# and days the privacy officer has to read the list before it is.
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 60)
RETENTION_NOTICE_DAYS = env_int("RETENTION_NOTICE_DAYS", 14)
# A concern signal nobody has acknowledged after this many hours goes to the SLT coordinators.
CONCERN_ESCALATION_HOURS = {
    "worry": env_int("CONCERN_ESCALATION_HOURS_WORRY", 72),
    "serious": env_int("CONCERN_ESCALATION_HOURS_SERIOUS", 8),
    "acute": env_int("CONCERN_ESCALATION_HOURS_ACUTE", 1),
}
# Shown with an acute signal: who to call now besides the police on 112.
RADICALISATION_CONTACT = env_str(
    "RADICALISATION_CONTACT", "Politiets radikaliseringskontakt i politidistriktet: ring 02800"
)
