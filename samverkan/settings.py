"""Settings for Samverkan.

Everything that differs between machines comes from environment variables; see README.md
("Konfiguration / Configuration"). ``SAMVERKAN_ENV=production`` switches on the secure settings
that ``manage.py check --deploy`` asks for.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samverkan.sso import socialaccount_providers

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("SAMVERKAN_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("SAMVERKAN_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SAMVERKAN_ENV=production.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "guides",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samverkan.middleware.SecurityHeadersMiddleware",  # Permissions-Policy; X-Frame-Options on early errors
    "csp.middleware.CSPMiddleware",
    # Compresses every page and, in development, the static files that WhiteNoise serves from the
    # source folders (in production they are compressed once by collectstatic). Django's middleware
    # pads each compressed response at random against BREACH, and the CSRF token is masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samverkan.middleware.HtmxRedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"

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
                "django.template.context_processors.i18n",
                "samverkan.context_processors.service",
            ],
        },
    },
]

WSGI_APPLICATION = "samverkan.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while one request writes (autosave): WAL and a busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: it refuses a locked-out login before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): e-mail is the login, no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"  # a new password lifts login lockouts; "log out everywhere"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory" if PRODUCTION else "optional")
ACCOUNT_UNIQUE_EMAIL = True
# A password change keeps the session it was made in and ends every other one: allauth keeps the current
# session's auth hash up to date, and Django refuses the other sessions, whose hash no longer matches.
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Samverkan] "
# Rate limits (allauth counts them in the cache, per app server). Failed logins are limited per client IP
# only: allauth's default also has a per-account limit ("5/5m/key"), which counts failures for an e-mail
# address from every address at once, so anyone could lock a real person out everywhere by typing wrong
# passwords for them. Lockout per account is django-axes' job instead, for the combination of account and
# IP (below). The per-IP limits are loose on purpose: a municipality often puts hundreds of officials
# behind one NAT address, and they all log in around eight in the morning; the limits stop one address
# from spraying passwords over many accounts, not ordinary typing mistakes.
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "30/m/ip,300/h/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "projects:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Lockout (django-axes): five failed logins for one e-mail address from one IP address lock that
# combination for 15 minutes; the same person from another address, and other people from the same
# address, can still log in. A successful login or a password reset (accounts.adapters) clears the count.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every app server, unlike a local cache
AXES_USERNAME_CALLABLE = "accounts.adapters.axes_username"  # allauth posts the e-mail as "login"
AXES_CLIENT_IP_CALLABLE = "accounts.adapters.client_ip"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_LOCKOUT_CALLABLE = "accounts.adapters.lockout_response"  # the template, with the wait in minutes
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Behind a reverse proxy or load balancer, the number of proxies that append to X-Forwarded-For:
# the client's address is then taken from that header (allauth's rate limits, the lockout, the list of
# logged-in devices). 0, the default, ignores the header, which anyone can send.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Single sign-on (OpenID Connect, optional): configured only from the environment, see samverkan/sso.py and
# docs/login-security.md. Without OIDC_SERVER_URL there is no provider and no button on the login page.
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(os.environ)
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True  # only ever for a verified e-mail (see sso.py)
SOCIALACCOUNT_STORE_TOKENS = False

# Sessions: logged out after SESSION_IDLE_MINUTES without activity and SESSION_MAX_HOURS after logging in,
# whatever happens in between (accounts.middleware.SessionLifetimeMiddleware). The cookie lives as long.
SESSION_IDLE_MINUTES = int(env("SESSION_IDLE_MINUTES", "60"))
SESSION_MAX_HOURS = int(env("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
# The list of logged-in devices shows when each was last used: the session middleware records it at most
# once a minute, so allauth's own tracking (a database write on every request) stays off.
USERSESSIONS_TRACK_ACTIVITY = False

# Internationalisation: Swedish first, English second. Interface strings are written in
# Swedish (the users' language) and translated to English in locale/en.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# WhiteNoise serves the source folders in development (DEBUG): cached for a minute there, so that a
# phone does not ask again for every file on every page; in production the names carry a hash and
# are cached for a year.
if DEBUG:
    WHITENOISE_MAX_AGE = 60
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Uploaded files (the yearly reports' documents, projects/reports/) go through the default storage:
# the file system under MEDIA_ROOT, or S3-compatible object storage with FILE_STORAGE=s3 (the "s3"
# extra, django-storages; see docs/deployment.md). Never served from a public URL: downloads go
# through a view that checks the person's permission.
if env("FILE_STORAGE", "filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# A file over this is stopped while it arrives (projects.reports.uploads), before the view.
FILE_UPLOAD_MAX_BYTES = int(env("FILE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "projects.reports.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Samverkan <noreply@samverkan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notices (projects.notifications): the domain of their Message-ID, and how long an unsubscribe link works.
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", "samverkan.localhost")
UNSUBSCRIBE_VALID_DAYS = int(env("UNSUBSCRIBE_VALID_DAYS", "365"))

# Invitations
INVITATION_VALID_DAYS = 7
# The address people reach the service at: links in e-mails sent without a request (an organisation's
# join requests and party requests, claims to staff).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Two-factor login (allauth.mfa): a six-digit code from an authenticator app (TOTP), with one-time
# recovery codes for a lost phone. Optional for everyone; a coordinator can require it for a
# collaboration (projects/security/services.py). WebAuthn (security keys, passkeys) is left out for now:
# allauth's WebAuthn pages run their own scripts and need a secure origin and browser support we would
# have to test on every device municipal staff use; an authenticator app is what they already know.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Samverkan"  # the name the authenticator app shows next to the code
MFA_TOTP_PERIOD = 30  # what every authenticator app assumes; others are ignored by some apps
MFA_TOTP_DIGITS = 6
# No time steps either side: allauth remembers a used code (in the cache) for one period only, so a
# tolerance of 1 would let a code be replayed in the next minute. CACHE_URL must be shared by every app
# server for that memory to hold across servers.
MFA_TOTP_TOLERANCE = 0
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODE_DIGITS = 8
# Adding or removing the authenticator asks for the password again (allauth's default, stated).
MFA_REAUTHENTICATION_REQUIRED = True
# No "trust this browser": a login that skips the code would not count as two-factor for a
# collaboration that requires it, and a shared office computer would stay trusted for weeks.
MFA_TRUST_ENABLED = False
# Wrong codes per account (projects.security.forms): allauth counts them only under the per-IP
# "login_failed" limits above. Only someone who has the password can spend these.
MFA_RATE_LIMITS = {"code_failed": "5/5m/key,20/h/key"}
MFA_FORMS = {
    "authenticate": "projects.security.forms.AuthenticateForm",
    "reauthenticate": "projects.security.forms.ReauthenticateForm",
}

# Background work (the backport of Django 6's tasks). Development and tests run tasks at once;
# production sets TASK_BACKEND=django_tasks_db.DatabaseBackend and runs `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# An agreement PDF with more text than this is rendered in the background while the page waits.
PDF_BACKGROUND_CHARS = int(env("PDF_BACKGROUND_CHARS", "100000"))

# How often an open checklist page asks for other people's changes (seconds).
CHECKLIST_POLL_SECONDS = int(env("CHECKLIST_POLL_SECONDS", "10"))

# Cache: local memory, one per process, unless CACHE_URL names a cache shared by every process and app
# server (docs/deployment.md, "Growing past one machine"): allauth counts its rate limits and remembers
# used two-factor codes in the cache. redis://host:6379/0 (needs the `redis` Python package) or
# dbcache://<table> (a table in PostgreSQL, made by `manage.py createcachetable`).
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("dbcache://") and CACHE_URL.removeprefix("dbcache://").isidentifier():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_URL.removeprefix("dbcache://"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be redis://host:port/db, rediss://…, unix://… or dbcache://table.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security headers (always on) and the production-only transport settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Permissions-Policy (no Django setting): samverkan.middleware.SecurityHeadersMiddleware sends it, right
# after SecurityMiddleware so that every response carries it, error pages made by other middleware too.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]  # load balancers probe the health check over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment for the whole domain (often the municipality's own):
        # opt-in through the environment, so the check that asks for it is silenced.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when SAMVERKAN_ENV=production.")

# Content Security Policy (django-csp 4). Every script and style is a file under static/: no inline
# script, style or event handler, no eval (htmx is told so by <meta name="htmx-config"> in
# templates/base.html), no nonces. Django's admin and allauth's pages work under it too.
# CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only, for a cautious
# roll-out: the browser reports what it would block (console, and CSP_REPORT_URI when set) and blocks
# nothing. The single sign-on login form posts to allauth, which redirects to the identity provider:
# browsers apply form-action to that redirect, so the provider's origin is allowed as a form target.
csp_form_action = [SELF]
if env("OIDC_SERVER_URL"):  # checked by samverkan.sso above: an http(s) URL
    csp_form_action.append("{0.scheme}://{0.netloc}".format(urlsplit(env("OIDC_SERVER_URL").strip())))
csp_policy = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the two-factor QR code (allauth draws it as a data: URI)
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": csp_form_action,
        "report-uri": env_list("CSP_REPORT_URI") or None,
    }
}
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = csp_policy
else:
    CONTENT_SECURITY_POLICY = csp_policy

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint.progress": {"level": "WARNING"},  # one line per rendering step otherwise
    },
}

# Personal data (issue 8): who is responsible for the personal data (shown on the privacy page), and
# how long what is kept only for a while is kept (`manage.py purge_personal_data` deletes it; the
# privacy page states the same periods: accounts.personal_data.retention).
PRIVACY_CONTROLLER = env("PRIVACY_CONTROLLER", "")
LOGIN_RECORDS_DAYS = int(env("LOGIN_RECORDS_DAYS", "90"))
ENDED_INVITATIONS_DAYS = int(env("ENDED_INVITATIONS_DAYS", "90"))

# The service owner (issue 16): who is responsible for the service, named on the accessibility statement
# (samverkan/accessibility.py, /tillganglighet/) and in the footer; barriers reported there are e-mailed
# to SERVICE_OWNER_EMAIL. The defaults are the demo's: set all three in production.
SERVICE_OWNER_NAME = env("SERVICE_OWNER_NAME", "Exempelkommun")
SERVICE_OWNER_EMAIL = env("SERVICE_OWNER_EMAIL", "tillganglighet@exempelkommun.se")
SERVICE_OWNER_PHONE = env("SERVICE_OWNER_PHONE", "010-123 45 67")

# The seal on decided agreements (projects/records, issue 18): a PKCS#12 file with the service's seal
# certificate and key, its password, and optionally an RFC 3161 timestamp service. The default is the
# development's self-signed test seal that `manage.py make_test_seal` (scripts/run) writes under var/.
SEAL_PKCS12_PATH = env("SEAL_PKCS12_PATH", str(BASE_DIR / "var" / "seal" / "test-seal.p12"))
SEAL_PKCS12_PASSWORD = env("SEAL_PKCS12_PASSWORD", "test-seal-only")
TSA_URL = env("TSA_URL", "")
