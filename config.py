"""Configuration, read from EVENTSITE_* environment variables.

Every variable is listed in the README. `Config` is what `create_app()` uses by
default; `TestConfig` is used by the test-suite.
"""
from __future__ import annotations

import os
import secrets


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


class Config:
    #: "development" or "production"; production refuses the generated secret key.
    ENV_NAME = _env("ENV", "development")
    #: None means: an SQLite file in the instance folder (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY = _env("SECRET_KEY")
    BASE_URL = (_env("BASE_URL", "http://127.0.0.1:5000") or "").rstrip("/")

    MAIL_SERVER = _env("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "eventsite@localhost")

    #: Days a manage link stays valid after the last session of the event ends.
    MANAGE_LINK_GRACE_DAYS = _env_int("MANAGE_LINK_GRACE_DAYS", 1)

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
    WTF_CSRF_ENABLED = True
    BASE_URL = "http://localhost"
    SERVER_NAME = None


def generated_secret_key() -> str:
    """A throwaway key for development; sessions do not survive a restart."""
    return secrets.token_urlsafe(32)
