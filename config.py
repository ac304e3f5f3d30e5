"""Configuration, read from EVENTSITE_* environment variables.

Every variable is listed in the README. `Config` is what `create_app()` uses by
default; `TestConfig` is used by the test-suite.
"""

from __future__ import annotations

import os
import secrets
import tempfile


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"EVENTSITE_{name}", default)


def _env_bool(name: str, default: bool = False) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _job_minutes() -> dict[str, float]:
    """EVENTSITE_JOB_<NAME>_MINUTES for every scheduled job given one: {"reminders": 10.0, ...}."""
    prefix, suffix = "EVENTSITE_JOB_", "_MINUTES"
    return {
        name[len(prefix) : -len(suffix)].lower(): float(value)
        for name, value in os.environ.items()
        if name.startswith(prefix)
        and name.endswith(suffix)
        and len(name) > len(prefix + suffix)
        and value
        and name != "EVENTSITE_JOB_LEASE_MINUTES"
    }


class Config:
    #: "development" or "production"; production refuses the generated secret key.
    ENV_NAME = _env("ENV", "development")
    #: None means: an SQLite file in the instance folder (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: Writable folder for the SQLite file, the development key and other files the
    #: site writes; None means `instance/` in the checkout (filled in by create_app).
    INSTANCE_PATH = _env("INSTANCE_PATH") or None
    SECRET_KEY = _env("SECRET_KEY")
    #: Earlier secret keys, comma-separated, while a new EVENTSITE_SECRET_KEY takes over:
    #: sessions signed and second-factor secrets sealed with them still open (Flask's
    #: SECRET_KEY_FALLBACKS); each secret is sealed anew with the new key at its next use.
    SECRET_KEY_FALLBACKS = [key.strip() for key in (_env("SECRET_KEY_FALLBACKS") or "").split(",") if key.strip()]
    BASE_URL = (_env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")
    #: Tests only: the app's clock starts at this ISO 8601 instant and runs on from
    #: there (a live test server shares the suite's clock). Refused in production.
    CLOCK_START = _env("CLOCK_START")
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers
    #: are trusted. 0 ignores those headers (anyone could send them): the login rate
    #: limit then counts per connecting address, which behind a proxy is the proxy's.
    PROXY_HOPS = _env_int("PROXY_HOPS", 0)

    MAIL_SERVER = _env("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "eventsite@localhost")
    #: "smtp" sends through MAIL_SERVER; "log" prints each email (with its calendar
    #: part) to the worker's output instead: the default in development, so a
    #: newcomer running `make run` sees what would be sent.
    MAIL_BACKEND = _env("MAIL_BACKEND", "log" if ENV_NAME == "development" else "smtp")
    #: Most emails one worker sends per second (0 = no limit); respect the relay's limit.
    MAIL_RATE = float(_env("MAIL_RATE", "10") or 0)
    #: Rows one worker claims at a time.
    MAIL_BATCH_SIZE = _env_int("MAIL_BATCH_SIZE", 50)
    #: How long a claim lasts; a killed worker's rows are retried after this.
    MAIL_LEASE_SECONDS = _env_int("MAIL_LEASE_SECONDS", 300)
    #: Wait before the first retry after a temporary failure; doubles, capped at an hour.
    MAIL_RETRY_SECONDS = _env_int("MAIL_RETRY_SECONDS", 30)
    #: Attempts before a temporarily failing email is given up (24 spans about a day).
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 24)
    #: How often an idle worker looks for new rows, in seconds.
    MAIL_POLL_SECONDS = float(_env("MAIL_POLL_SECONDS", "2") or 2)
    #: Minutes between two runs of a scheduled job, by job name (`flask --app wsgi jobs`
    #: lists them): EVENTSITE_JOB_REMINDERS_MINUTES=10, EVENTSITE_JOB_DIETARY_PURGE_MINUTES=1440.
    #: A job without a setting runs at the interval its area registered.
    JOB_MINUTES = _job_minutes()
    #: How long a worker's lease on a job run lasts; a killed worker's job runs again after this.
    JOB_LEASE_MINUTES = _env_int("JOB_LEASE_MINUTES", 15)
    #: /readyz fails when the oldest unsent email is older than this, or when no mail
    #: worker has shown a sign of life for this long.
    READY_MAX_MAIL_AGE_MINUTES = _env_int("READY_MAX_MAIL_AGE_MINUTES", 15)
    READY_MAX_HEARTBEAT_MINUTES = _env_int("READY_MAX_HEARTBEAT_MINUTES", 2)
    #: "text" (readable; `make run`) or "json" (one object per line, for journald and
    #: log shippers; the deploy template's choice). See eventsite/logs.py.
    LOG_FORMAT = (_env("LOG_FORMAT", "text") or "text").strip().lower()
    #: Bearer token Prometheus sends to GET /metrics; unset, /metrics answers 404.
    METRICS_TOKEN = _env("METRICS_TOKEN")
    #: Reminders go out this many days before a session starts.
    REMINDER_DAYS = _env_int("REMINDER_DAYS", 2)
    #: Days past and cancelled sessions stay in calendar feeds (as STATUS:CANCELLED).
    CALENDAR_KEEP_DAYS = _env_int("CALENDAR_KEEP_DAYS", 30)
    #: Rows a retention step treats per transaction (eventsite.privacy.retention): small
    #: enough that no batch holds its locks for long.
    RETENTION_BATCH = _env_int("RETENTION_BATCH", 1000)

    #: Days a manage link stays valid after the last session of the event ends.
    MANAGE_LINK_GRACE_DAYS = _env_int("MANAGE_LINK_GRACE_DAYS", 1)
    #: Hours an organiser stays logged in.
    ORGANISER_SESSION_HOURS = _env_int("ORGANISER_SESSION_HOURS", 12)
    #: "Mine tilmeldinger" (eventsite.registration.member_links): a member session ends after
    #: this many minutes without a request, and this many hours after the link was followed.
    MEMBER_SESSION_IDLE_MINUTES = _env_int("MEMBER_SESSION_IDLE_MINUTES", 30)
    MEMBER_SESSION_MAX_HOURS = _env_int("MEMBER_SESSION_MAX_HOURS", 4)
    #: How long an emailed account invitation (hours) and a password-reset link (minutes) work.
    ACCOUNT_INVITATION_HOURS = _env_int("ACCOUNT_INVITATION_HOURS", 72)
    PASSWORD_RESET_MINUTES = _env_int("PASSWORD_RESET_MINUTES", 60)
    #: How often the check-in screen refreshes its counts at the door (seconds).
    CHECKIN_REFRESH_SECONDS = _env_int("CHECKIN_REFRESH_SECONDS", 15)
    #: A check-in helper reaches a session's door list from this many hours before it
    #: starts until this many hours after it ends (organisers always).
    CHECKIN_WINDOW_HOURS = _env_int("CHECKIN_WINDOW_HOURS", 12)

    #: Largest member file (CSV/XLSX) an organiser may upload, in MB; only the import
    #: view accepts more than MAX_CONTENT_LENGTH.
    MEMBER_IMPORT_MAX_MB = _env_int("MEMBER_IMPORT_MAX_MB", 20)
    #: Where bilag (files attached to meetings) are stored; empty: `<instance>/uploads`.
    UPLOAD_DIR = _env("UPLOAD_DIR", "") or ""
    #: Largest bilag an organiser may upload, in MB (only the upload view accepts more
    #: than MAX_CONTENT_LENGTH).
    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 20)
    #: A reminder never goes to someone e-mailed about the same event within this many hours.
    INVITATION_REMINDER_INTERVAL_HOURS = _env_int("INVITATION_REMINDER_INTERVAL_HOURS", 72)

    #: Rate limits (Flask-Limiter; see eventsite/limits.py). Off only in the test-suite,
    #: whose tests hammer the forms; the limit tests switch them on.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    #: Where the counts live: `memory://` counts per process (fine for `make run`);
    #: production with several web processes or servers needs a shared Redis,
    #: e.g. `redis://127.0.0.1:6379/0` (a warning at start-up says so).
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://") or "memory://"
    #: Prefix of the keys in that storage: sites sharing one Redis need different ones.
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "eventsite")
    #: Limits per client address on POSTs, in Flask-Limiter's notation ("10 per minute;
    #: 50 per hour"): the public sign-up form, "send my link", the back-office login,
    #: an invitation's decline/unsubscribe buttons, and member file imports.
    RATELIMIT_SIGNUP = _env("RATELIMIT_SIGNUP", "10 per minute;60 per hour")
    RATELIMIT_SEND_LINK = _env("RATELIMIT_SEND_LINK", "5 per minute;20 per hour")
    RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_INVITATION_ANSWER = _env("RATELIMIT_INVITATION_ANSWER", "10 per minute;60 per hour")
    RATELIMIT_MEMBER_IMPORT = _env("RATELIMIT_MEMBER_IMPORT", "30 per hour")
    #: Emails anyone can make the site send to one address (sign-up confirmations and
    #: "send my link" together). Over it the page answers as usual but sends nothing.
    RATELIMIT_PER_RECIPIENT = _env("RATELIMIT_PER_RECIPIENT", "3 per hour;10 per day")

    #: How long a place from the anonymous sign-up form is held for its email
    #: confirmation before the worker releases it (eventsite.registration.holds).
    SIGNUP_HOLD_MINUTES = int(_env("SIGNUP_HOLD_MINUTES", "120") or "120")

    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    WTF_CSRF_TIME_LIMIT = None  # a sign-up form left open over lunch must still work
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", ENV_NAME == "production")


class TestConfig(Config):
    TESTING = True
    ENV_NAME = "testing"
    SECRET_KEY = "test-secret-key-not-for-production"
    MAIL_BACKEND = "smtp"  # tests deliver to a real SMTP server they start
    MAIL_RATE = 0
    #: The suite signs up, logs in and imports far faster than any person; the limit
    #: tests (tests/test_limits.py) build an app with limits on.
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True
    BASE_URL = "http://localhost"
    SERVER_NAME = None
    #: Bilag stored by tests go to a throwaway folder, never the instance folder (tests
    #: about files set their own per test).
    UPLOAD_DIR = os.path.join(tempfile.gettempdir(), "eventsite-test-uploads")


def generated_secret_key() -> str:
    """A throwaway key for development; sessions do not survive a restart."""
    return secrets.token_urlsafe(32)
