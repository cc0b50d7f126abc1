"""Production settings. Every value comes from the environment; dev and test build on top of this file.

Required in production (the process refuses to start without them): DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS.
See .env.example for the full list.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.getenv("DATA_DIR", BASE_DIR / "data"))


def env_bool(name, default=False):
    value = os.getenv(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default=""):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The département the platform serves (INSEE code). Nothing else in the code names a département.
PLATFORM_DEPARTEMENT = os.getenv("PLATFORM_DEPARTEMENT", "47")
PLATFORM_NAME = os.getenv("PLATFORM_NAME", "Réseau d'inclusion numérique")
PLATFORM_OPERATOR = os.getenv("PLATFORM_OPERATOR", "Conseil départemental")
PLATFORM_CONTACT_EMAIL = os.getenv("PLATFORM_CONTACT_EMAIL", "inclusion-numerique@example.org")
# A phone number a person without internet can call (shown on the public pages and on refusals); empty: none.
PLATFORM_CONTACT_PHONE = os.getenv("PLATFORM_CONTACT_PHONE", "")
# Shown on the legal pages (mentions légales, données personnelles). Neutral defaults: the operator hosts the site
# itself and its contact address answers data-protection requests until a DPO address is set.
PLATFORM_OPERATOR_ADDRESS = os.getenv("PLATFORM_OPERATOR_ADDRESS", "")
PLATFORM_OPERATOR_SIRET = os.getenv("PLATFORM_OPERATOR_SIRET", "")  # producer id in open-data file names
PLATFORM_HOST_NAME = os.getenv("PLATFORM_HOST_NAME", PLATFORM_OPERATOR)
PLATFORM_HOST_ADDRESS = os.getenv("PLATFORM_HOST_ADDRESS", PLATFORM_OPERATOR_ADDRESS)
PLATFORM_DPO_EMAIL = os.getenv("PLATFORM_DPO_EMAIL", PLATFORM_CONTACT_EMAIL)
# Absolute address of the site, for links in e-mails (invitations, password reset sent by the worker).
PLATFORM_URL = os.getenv("PLATFORM_URL", "http://127.0.0.1:8000").rstrip("/")
# seed_demo refuses to run unless this is on (dev and test settings turn it on).
DEMO_MODE = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "core",
    "geo",
    "accounts",
    "places",
    "people",
    "referrals",
    "orientation",
    "vouchers",
    "events",
    "devices",
    "funding",
    "dashboards",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


# Database: DATABASE_URL (sqlite:///path or postgres://user:pass@host/name); default is an SQLite file in DATA_DIR.
def database_from_url(url):
    config = dj_database_url.parse(url, conn_max_age=int(os.getenv("DB_CONN_MAX_AGE", "60")), conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000;"
            ),
        }
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] == "django.db.backends.postgresql":
        statement_timeout = os.getenv("DB_STATEMENT_TIMEOUT_MS", "30000")
        lock_timeout = os.getenv("DB_LOCK_TIMEOUT_MS", "10000")
        config["OPTIONS"] = {"options": f"-c statement_timeout={statement_timeout} -c lock_timeout={lock_timeout}"}
    config["ATOMIC_REQUESTS"] = True
    return config


DATABASES = {"default": database_from_url(os.getenv("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every web process and the worker, kept in the database (no extra service): the pilotage's
# figures computed ahead by `refresh_dashboards` serve every process. The table is created by a migration
# (core 0003). CACHE_BACKEND=locmem keeps a cache in each process instead.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "core_cache",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if os.getenv("CACHE_BACKEND", "database") == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# CNIL recommendation (délibération 2022-100): at least 12 characters when the password is the only factor.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
INVITATION_VALIDITY_DAYS = int(os.getenv("INVITATION_VALIDITY_DAYS", "7"))
LOGIN_FAILURE_LIMIT = int(os.getenv("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.getenv("LOGIN_LOCKOUT_MINUTES", "15"))
# Accounts unused for this long are anonymised by `manage.py anonymize_inactive_accounts`.
ACCOUNT_RETENTION_MONTHS = int(os.getenv("ACCOUNT_RETENTION_MONTHS", "24"))
PERSON_RETENTION_MONTHS = int(os.getenv("PERSON_RETENTION_MONTHS", "24"))
OTP_TOTP_ISSUER = PLATFORM_NAME
# A place not confirmed (« toujours exact ») for this long is stale: listed first, and its organisation reminded.
PLACE_STALE_MONTHS = int(os.getenv("PLACE_STALE_MONTHS", "6"))
# How long the one-click « toujours exact » link of a reminder e-mail stays valid.
PLACE_CONFIRM_LINK_DAYS = int(os.getenv("PLACE_CONFIRM_LINK_DAYS", "30"))
# `manage.py remind_stale_places` writes about a given place at most once in this many days.
PLACE_REMINDER_INTERVAL_DAYS = int(os.getenv("PLACE_REMINDER_INTERVAL_DAYS", "30"))
# Referrals: the place is reminded after this many working days without an answer; the referral expires (and the
# coordination is told) after this many days; the single-use answer link e-mailed to a place lasts this many days.
REFERRAL_REMINDER_WORKING_DAYS = int(os.getenv("REFERRAL_REMINDER_WORKING_DAYS", "5"))
REFERRAL_EXPIRY_DAYS = int(os.getenv("REFERRAL_EXPIRY_DAYS", "30"))
REFERRAL_LINK_DAYS = int(os.getenv("REFERRAL_LINK_DAYS", "14"))
# Attachments: accepted types and maximum size; their files are deleted this many days after the referral ends.
REFERRAL_ATTACHMENT_MAX_MB = int(os.getenv("REFERRAL_ATTACHMENT_MAX_MB", "5"))
REFERRAL_ATTACHMENT_PURGE_DAYS = int(os.getenv("REFERRAL_ATTACHMENT_PURGE_DAYS", "30"))
# « Être rappelé »: a form sent back faster than this is a robot's; requests allowed per IP (hour), per phone (day).
CALLBACK_MIN_FILL_SECONDS = int(os.getenv("CALLBACK_MIN_FILL_SECONDS", "3"))
CALLBACK_LIMIT_PER_IP_PER_HOUR = int(os.getenv("CALLBACK_LIMIT_PER_IP_PER_HOUR", "5"))
CALLBACK_LIMIT_PER_PHONE_PER_DAY = int(os.getenv("CALLBACK_LIMIT_PER_PHONE_PER_DAY", "2"))
# Events: public registrations allowed per IP (hour) and per e-mail or phone (day); minimum time to fill the form.
EVENTS_REGISTRATION_LIMIT_PER_IP_PER_HOUR = int(os.getenv("EVENTS_REGISTRATION_LIMIT_PER_IP_PER_HOUR", "20"))
EVENTS_REGISTRATION_LIMIT_PER_CONTACT_PER_DAY = int(os.getenv("EVENTS_REGISTRATION_LIMIT_PER_CONTACT_PER_DAY", "5"))
EVENTS_REGISTRATION_MIN_FILL_SECONDS = int(os.getenv("EVENTS_REGISTRATION_MIN_FILL_SECONDS", "3"))
# The fund's grantor (the département) as named in agreements and in the SCDL Subventions open-data file.
FUNDING_GRANTOR_NAME = os.getenv("FUNDING_GRANTOR_NAME", "Département")
FUNDING_GRANTOR_SIRET = os.getenv("FUNDING_GRANTOR_SIRET", "")
# SMS: the console by default (messages are written to the log); "http" posts to SMS_API_URL (see docs).
SMS_BACKEND = os.getenv("SMS_BACKEND", "console")
SMS_API_URL = os.getenv("SMS_API_URL", "")
SMS_API_TOKEN = os.getenv("SMS_API_TOKEN", "")
SMS_SENDER = os.getenv("SMS_SENDER") or PLATFORM_NAME[:11]

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.getenv("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds the whole parent domain: the operator opts in with DJANGO_HSTS_PRELOAD.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Map of the public search (/lieux/), drawn with the vendored Leaflet. An empty MAP_TILE_URL hides the map (tests).
# The CSP lets images come from the tile server's origin ("{s}" subdomains become a wildcard).
MAP_TILE_URL = os.getenv("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.getenv(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>'
)


def url_origin(url):
    """The origin of a tile URL, for the CSP: https://{s}.tile.example.org/{z}/{x}/{y}.png → https://*.tile.example.org"""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}" if rest else ""


if MAP_TILE_URL:
    SECURE_CSP["img-src"].append(url_origin(MAP_TILE_URL))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# E-mail: the console by default (nothing leaves the machine); SMTP when EMAIL_HOST is set.
if os.getenv("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.getenv("EMAIL_PORT", "587")),
                "username": os.getenv("EMAIL_HOST_USER", ""),
                "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 15,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", PLATFORM_CONTACT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
