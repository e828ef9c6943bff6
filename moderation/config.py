"""Configuration read from the environment, in one place.

Every variable is documented once, in the README's configuration table.
"""

from __future__ import annotations

import os
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


ENVIRONMENTS = ("development", "production", "test")


class InvalidSettingError(ValueError):
    """A setting the service refuses to start with: a typo must not fall back to a default."""


class Config:
    """Settings for one app instance, built from a mapping of environment variables."""

    def __init__(self, environ: dict[str, str] | None = None, instance_path: str = "instance"):
        env = dict(os.environ if environ is None else environ)
        self.MODERATION_ENV = env.get("MODERATION_ENV") or "development"
        if self.MODERATION_ENV not in ENVIRONMENTS:
            raise InvalidSettingError(
                f"MODERATION_ENV must be one of {', '.join(ENVIRONMENTS)}; "
                f"got {self.MODERATION_ENV!r}")
        self.SQLALCHEMY_DATABASE_URI = _database_url(
            env.get("DATABASE_URL"), Path(instance_path) / "moderation.db"
        )
        broker = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL") or ""
        self.CELERY_BROKER_URL = broker
        self.EMAIL_ENCRYPTION_KEYS = _list(env.get("EMAIL_ENCRYPTION_KEYS"))
        self.IDENTITY_HASH_KEY = env.get("IDENTITY_HASH_KEY") or None
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_REQUEST_BYTES", 64 * 1024))
        self.SWEEP_AFTER_SECONDS = int(env.get("SWEEP_AFTER_SECONDS", 60))
        self.SWEEP_INTERVAL_SECONDS = int(env.get("SWEEP_INTERVAL_SECONDS", 30))
        self.RELAY_CLAIM_SECONDS = float(env.get("RELAY_CLAIM_SECONDS", 10))
        self.RATELIMIT_ENABLED = _bool(env.get("RATE_LIMITS_ENABLED"), default=True)
        self.RATELIMIT_STORAGE_URI = env.get("RATE_LIMIT_STORAGE_URL") or (
            env.get("REDIS_URL") or "memory://")
        self.SUBMISSION_RATE_LIMIT = env.get("SUBMISSION_RATE_LIMIT", "30/minute;300/hour")
        self.MODERATION_AUTH_RATE_LIMIT = env.get("MODERATION_AUTH_RATE_LIMIT", "20/minute")
        self.AUTHOR_CHANGE_RATE_LIMIT = env.get("AUTHOR_CHANGE_RATE_LIMIT", "20/minute;200/hour")
        self.COMMENT_EDIT_LIMIT = env.get("COMMENT_EDIT_LIMIT", "10/15 minutes")
        self.PUBLISHED_CACHE_SECONDS = float(env.get("PUBLISHED_CACHE_SECONDS", 1))
        self.IP_RETENTION_DAYS = int(env.get("IP_RETENTION_DAYS", 30))
        self.TRUST_PROXY_HOPS = int(env.get("TRUST_PROXY_HOPS", 0))
        self.MODELS_DIR = env.get("MODELS_DIR") or None  # None: the shipped models/artifacts
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        # Notifications (issue #17): unset SMTP_URL writes each email under instance/mail/.
        self.SMTP_URL = env.get("SMTP_URL") or None
        self.MAIL_DIR = str(Path(instance_path) / "mail")
        self.MAIL_FROM = env.get("MAIL_FROM", "comments@localhost")
        self.PUBLIC_BASE_URL = (env.get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
        self.CONFIRMATION_LINK_DAYS = int(env.get("CONFIRMATION_LINK_DAYS", 7))
        self.REPLY_BATCH_SECONDS = int(env.get("REPLY_BATCH_SECONDS", 300))
        # An owed email's job is published again after this (longer than a job's retries).
        self.MAIL_CLAIM_SECONDS = int(env.get("MAIL_CLAIM_SECONDS", 300))
        self.DIGEST_CHECK_SECONDS = int(env.get("DIGEST_CHECK_SECONDS", 300))
        # Bearer token for /metrics; unset, /metrics answers 404 (see README "Metrics").
        self.METRICS_TOKEN = env.get("METRICS_TOKEN") or None
        # flask-smorest: the OpenAPI document at /openapi.json
        self.API_TITLE = "Comment moderation service"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.1.0"
        self.OPENAPI_URL_PREFIX = "/"
        self.OPENAPI_JSON_PATH = "openapi.json"

    @property
    def is_production(self) -> bool:
        return self.MODERATION_ENV == "production"

    def as_dict(self) -> dict[str, object]:
        return {key: value for key, value in vars(self).items() if key.isupper()}


def _database_url(url: str | None, default_sqlite: Path) -> str:
    if not url:
        return f"sqlite:///{default_sqlite.resolve()}"
    # SQLAlchemy wants an explicit driver for psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
