"""Configuration classes, read from the environment.

``create_app`` picks one by name (``development``, ``testing``, ``production``) or
takes a mapping of overrides. Production refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):
        # Heroku-style URLs; SQLAlchemy wants the dialect name.
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{INSTANCE_DIR / 'anju.sqlite3'}"


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "production"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    # Key for encrypting ID numbers at rest; derived from SECRET_KEY when unset.
    PII_KEY: str | None = os.environ.get("PII_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    # a little above the 10 MB per-file limit, so an oversized file gets a message in the page
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    WTF_CSRF_HEADERS: ClassVar[list[str]] = ["X-CSRFToken"]
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_NAME = "anju_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=8)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # The cookie's expiry is the absolute limit set at sign-in; re-sending it with every
    # response would only cost a signature per request.
    SESSION_REFRESH_EACH_REQUEST = False
    # Limits must be shared by every worker: redis://host:6379/0 in production. Memory
    # storage counts per process, so production refuses it unless RATELIMIT_ALLOW_MEMORY
    # says the deployment really is one process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ALLOW_MEMORY = _env_flag("RATELIMIT_ALLOW_MEMORY", False)
    # A storage error surfaces as limits.errors.StorageError, and a dead Redis answers at
    # once instead of holding a worker: the limited endpoints then refuse (app/rate_limits.py).
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict] = {
        "wrap_exceptions": True,
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
    }
    # No X-RateLimit-* headers: building them asks the storage again after the view has
    # run, and a storage error there would turn a completed sign-in into a 500.
    RATELIMIT_HEADERS_ENABLED = False
    # Per client address; a load test signing in many users from one host raises it.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Per client address, on top of the per-phone SMS limits: a registration for a taken
    # number texts its owner, so one address may not text many residents.
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per minute;20 per hour")
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "log")
    SMS_CODE_TTL = timedelta(minutes=5)
    SMS_RESEND_INTERVAL = timedelta(seconds=60)
    SMS_MAX_PER_HOUR = 5
    SMS_MAX_ATTEMPTS = 5
    SHOW_SMS_CODE_ON_SCREEN = False
    POLICY_REGION = "jiujiang"
    # Responses (pages, fragments, CSS, JS, SVG) are compressed: brotli, else gzip.
    COMPRESS_ALGORITHM: ClassVar[list[str]] = ["br", "gzip"]
    COMPRESS_MIMETYPES: ClassVar[list[str]] = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ]
    COMPRESS_MIN_SIZE = 512
    COMPRESS_STREAMS = False  # static files are served pre-compressed by app/assets.py
    COMPRESS_BR_LEVEL = 5
    # Number of reverse proxies in front (nginx ...) whose X-Forwarded-* headers to trust.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Strict-Transport-Security max-age in seconds; 0 sends no header. Browsers heed it
    # only over HTTPS, so behind a TLS-terminating proxy it is sent as is.
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))
    HSTS_INCLUDE_SUBDOMAINS = _env_flag("HSTS_INCLUDE_SUBDOMAINS", True)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = _env_flag("SESSION_COOKIE_SECURE", False)
    SHOW_SMS_CODE_ON_SCREEN = True
    HSTS_MAX_AGE = 0  # plain http on localhost


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    SHOW_SMS_CODE_ON_SCREEN = False
    HSTS_MAX_AGE = 0


class ProductionConfig(Config):
    ENV_NAME = "production"
    SHOW_SMS_CODE_ON_SCREEN = False


def settings_from_environment(keys: Iterable[str]) -> dict[str, str]:
    """The settings among ``keys`` set as environment variables of the same name.

    For the policy figures (``app/core/policy_parameters.py``), whose defaults live in
    that declaration rather than here."""
    return {key: os.environ[key] for key in keys if key in os.environ}


def production_problems(config: dict) -> list[str]:
    """What a production deployment has left unset; the app refuses to start until none."""
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append("SECRET_KEY must be set (environment variable) to run in production")
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and not config.get("RATELIMIT_ALLOW_MEMORY"):
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://, which counts per worker process (N workers "
            "allow N times the attempts): set RATELIMIT_STORAGE_URI=redis://host:6379/0, or "
            "RATELIMIT_ALLOW_MEMORY=1 if this deployment really is a single process"
        )
    return problems


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None) -> type[Config]:
    """Return the config class for ``name`` (default: ``ANJU_ENV`` or production)."""
    name = name or os.environ.get("ANJU_ENV", "production")
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose one of {sorted(CONFIGS)}")
    return CONFIGS[name]
