"""Django settings for Interpreter, read from the environment and an optional ``.env``.

A fresh checkout runs with no configuration at all: SQLite under ``var/``, the in-memory
channel layer, console e-mail and the local engine (localvt) as the voice-translation
service. Every value can be overridden by an environment variable documented in
``.env.example``; a value that cannot be parsed stops start-up naming the variable.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _is_blank(name: str) -> bool:
    return not os.environ.get(name, "").strip()


def _read(name: str, cast, default):
    """Read one variable; blank means the default, and a bad value names the variable."""
    if _is_blank(name):
        return default
    try:
        return cast(name, default=default)
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        raise ImproperlyConfigured(f"Invalid value for {name}: {exc}") from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _strict_bool(name: str, default: bool) -> bool:
    """A boolean that refuses anything but the usual spellings (environ treats typos as false)."""
    if _is_blank(name):
        return default
    raw = os.environ[name].strip().lower()
    if raw in _TRUE | _FALSE:
        return raw in _TRUE
    raise ImproperlyConfigured(f"Invalid value for {name}: {raw!r} is not true or false")


def _url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = _read(name, env.str, default)
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ImproperlyConfigured(
            f"Invalid value for {name}: {value!r} is not a {' or '.join(schemes)} URL"
        )
    return value.rstrip("/")


def _local_secret_key() -> str:
    """A key generated once per checkout so local sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _strict_bool("DEBUG", False)

SECRET_KEY = _read("SECRET_KEY", env.str, "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set DEBUG=true for a local run)."
        )
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, [])
for origin in CSRF_TRUSTED_ORIGINS:
    if urlsplit(origin).scheme not in ("http", "https"):
        raise ImproperlyConfigured(
            f"Invalid value for CSRF_TRUSTED_ORIGINS: {origin!r} must start with http:// or https://"
        )

INSTALLED_APPS = [
    "daphne",
    # Django's admin, opened to account owners and admins by their role (accounts/admin_site.py).
    "accounts.admin_site.ScopedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "import_export",
    "accounts",
    "glossaries",
    "rooms",
    "interpreter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.CurrentAccountMiddleware",
    # Before any view or process_view reads a body: see glossaries/uploads.py.
    "glossaries.uploads.RefuseOversizedUploads",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "interpreter.urls"
ASGI_APPLICATION = "interpreter.asgi.application"

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
                "accounts.context_processors.current_account",
            ],
        },
    },
]

_database_url = _read("DATABASE_URL", env.str, f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
if urlsplit(_database_url).scheme not in environ.Env.DB_SCHEMES:
    raise ImproperlyConfigured(
        f"Invalid value for DATABASE_URL: unknown database {urlsplit(_database_url).scheme!r}"
    )
try:
    DATABASES = {"default": env.db_url_config(_database_url)}
except Exception as exc:
    raise ImproperlyConfigured(f"Invalid value for DATABASE_URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Live sessions write utterances while pages read history: wait rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _read("REDIS_URL", env.str, "")
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"Invalid value for REDIS_URL: {REDIS_URL!r} is not a redis URL")
    # Redis pub/sub (docs/rooms.md): a room's caption or speech is one PUBLISH, which each
    # worker gets once and hands to its own listeners; channels_redis's list-based layer
    # pops it from Redis once per listener, which with 200 listeners cost 1.7 times the
    # CPU and a p99 of 31 ms instead of 18 (bench/rooms.py). Nothing is stored: a message
    # for a channel nobody is subscribed to is gone, as a live caption should be.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 500, "expiry": 10},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

try:
    vars().update(env.email_url_config(_read("EMAIL_URL", env.str, "consolemail://")))
except Exception as exc:
    raise ImproperlyConfigured(f"Invalid value for EMAIL_URL: {exc}") from exc
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", env.str, "interpreter@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = _read("TIME_ZONE", env.str, "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve straight from static/ in development and tests; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# AudioWorklet modules are fetched with CORS semantics; they are plain same-origin JS.
WHITENOISE_MIMETYPES = {".mjs": "text/javascript", ".js": "text/javascript"}

# Voice translation: Krisp's hosted service when KRISP_API_KEY is set, else localvt.
LOCALVT_URL = _url("LOCALVT_URL", "http://127.0.0.1:8765", ("http",))
LOCALVT_API_KEY = _read("LOCALVT_API_KEY", env.str, "localvt-dev-key")
_krisp_key = _read("KRISP_API_KEY", env.str, "")
if _krisp_key:
    VOICE_BACKEND = "krisp"
    KRISP_API_KEY = _krisp_key
    KRISP_API_BASE = _url(
        "KRISP_API_BASE", "https://api.developers.krisp.ai/v2/sdk", ("https", "http")
    )
    KRISP_WS_URL = _url("KRISP_WS_URL", "wss://streaming.krisp.ai/vt", ("wss", "ws"))
else:
    VOICE_BACKEND = "localvt"
    KRISP_API_KEY = LOCALVT_API_KEY
    KRISP_API_BASE = _url("KRISP_API_BASE", f"{LOCALVT_URL}/v2/sdk", ("https", "http"))
    KRISP_WS_URL = _url(
        "KRISP_WS_URL", "ws" + LOCALVT_URL.removeprefix("http") + "/vt", ("wss", "ws")
    )
del _krisp_key
KRISP_SESSION_KEY_TTL_MINUTES = _read("KRISP_SESSION_KEY_TTL_MINUTES", env.int, 60)
if not 5 <= KRISP_SESSION_KEY_TTL_MINUTES <= 1440:
    raise ImproperlyConfigured(
        "Invalid value for KRISP_SESSION_KEY_TTL_MINUTES: must be between 5 and 1440 minutes"
    )
KRISP_LANGUAGES_TTL_SECONDS = _read("KRISP_LANGUAGES_TTL_SECONDS", env.int, 300)

# Limits on live sessions; each refusal carries a message the user understands.
LIVE_MAX_SESSIONS_PER_USER = _read("LIVE_MAX_SESSIONS_PER_USER", env.int, 2)
LIVE_MAX_SESSION_SECONDS = _read("LIVE_MAX_SESSION_SECONDS", env.int, 4 * 3600)
LIVE_MAX_FRAME_BYTES = _read("LIVE_MAX_FRAME_BYTES", env.int, 16000)
LIVE_STARTS_PER_MINUTE = _read("LIVE_STARTS_PER_MINUTE", env.int, 10)
# A session whose connection was lost may be resumed, as the same saved session, for this long.
LIVE_RESUME_SECONDS = _read("LIVE_RESUME_SECONDS", env.int, 120)
# Audio a page holds while its connection is down; past it the oldest is dropped and counted.
LIVE_HOLD_SECONDS = _read("LIVE_HOLD_SECONDS", env.int, 30)
# How much faster than real time a page sends the audio it held, once it is back.
LIVE_CATCH_UP_RATE = _read("LIVE_CATCH_UP_RATE", env.float, 3.0)
if LIVE_RESUME_SECONDS < 0 or LIVE_HOLD_SECONDS < 1:
    raise ImproperlyConfigured(
        "Invalid value for LIVE_RESUME_SECONDS or LIVE_HOLD_SECONDS: "
        "a resume window of 0 s or more, and a hold of at least 1 s"
    )
if not 1.0 <= LIVE_CATCH_UP_RATE <= 20.0:
    raise ImproperlyConfigured("Invalid value for LIVE_CATCH_UP_RATE: must be between 1 and 20")

# Rooms: visits of a room's listener link per minute from one client address, for visitors
# who are not signed in (guests); signed-in members are not limited.
ROOM_JOINS_PER_MINUTE = _read("ROOM_JOINS_PER_MINUTE", env.int, 30)
if ROOM_JOINS_PER_MINUTE < 1:
    raise ImproperlyConfigured("Invalid value for ROOM_JOINS_PER_MINUTE: must be at least 1")
# A live room's limits (docs/rooms.md): languages with a stream open at once, listeners, rooms
# with a speaker at once per account; how long a language's stream outlives its last listener;
# how much of the latest captions a listener who joins late gets at once.
ROOM_MAX_LANGUAGES = _read("ROOM_MAX_LANGUAGES", env.int, 4)
ROOM_MAX_LISTENERS = _read("ROOM_MAX_LISTENERS", env.int, 200)
ROOM_MAX_LIVE_PER_ACCOUNT = _read("ROOM_MAX_LIVE_PER_ACCOUNT", env.int, 3)
ROOM_STREAM_GRACE_SECONDS = _read("ROOM_STREAM_GRACE_SECONDS", env.float, 30.0)
ROOM_BACKLOG_SECONDS = _read("ROOM_BACKLOG_SECONDS", env.float, 120.0)
for _name in ("ROOM_MAX_LANGUAGES", "ROOM_MAX_LISTENERS", "ROOM_MAX_LIVE_PER_ACCOUNT"):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"Invalid value for {_name}: must be at least 1")
for _name in ("ROOM_STREAM_GRACE_SECONDS", "ROOM_BACKLOG_SECONDS"):
    if vars()[_name] < 0:
        raise ImproperlyConfigured(f"Invalid value for {_name}: must not be negative")

# daphne's measured per-frame patches (interpreter.server_tuning), each installed only on the
# library versions it was verified on; off, daphne runs exactly as shipped.
SERVER_TUNING = _strict_bool("SERVER_TUNING", True)

# Uploads (glossary imports): a request over this size is answered 413 before Django reads
# its body, so a huge upload can't hold the server (glossaries.uploads.RefuseOversizedUploads,
# in MIDDLEWARE above).
UPLOAD_MAX_MB = _read("UPLOAD_MAX_MB", env.int, 5)
if UPLOAD_MAX_MB < 1:
    raise ImproperlyConfigured("Invalid value for UPLOAD_MAX_MB: must be at least 1")

# Security: strict by default when DEBUG is off (manage.py check --deploy stays clean).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = _strict_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = _strict_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, AudioWorklet modules and WebSockets all come from this origin only
# ('self' covers ws:/wss: to the same host); microphone audio never leaves as a blob URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Log-in, sign-up and password-reset attempts are rate limited per client address (and
# log-in per username, reset per e-mail address).
RATELIMIT_VIEW = "accounts.views.rate_limited"
AUTH_RATE_LIMIT = _read("AUTH_RATE_LIMIT", env.str, "10/m")
# The reverse proxies in front of the app (addresses or networks). Only a request from one
# of them has its X-Forwarded-For believed; see accounts/client_address.py.
TRUSTED_PROXIES = _read("TRUSTED_PROXIES", env.list, [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"Invalid value for TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from None
RATELIMIT_IP_META_KEY = "accounts.client_address.client_address"
# Days an invitation to join an account can be accepted.
INVITATION_DAYS = _read("INVITATION_DAYS", env.int, 7)
if INVITATION_DAYS < 1:
    raise ImproperlyConfigured("Invalid value for INVITATION_DAYS: must be at least 1")

LOG_LEVEL = _read("LOG_LEVEL", env.str, "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "redact_secrets": {
            "()": "interpreter.log_redaction.RedactSecretsFilter",
            "secrets": (KRISP_API_KEY, LOCALVT_API_KEY),
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"httpx": {"level": "WARNING"}, "websockets": {"level": "WARNING"}},
}
