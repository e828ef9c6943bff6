"""Configuration from the environment and the handling of secrets."""

from __future__ import annotations

import json
import logging

import pytest

from moderation import create_app
from moderation.config import Config, InvalidSettingError
from moderation.instance_secrets import MissingSecretError, WeakSecretError, resolve_secrets

STRONG_KEY = "k" * 32


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    config = Config({}, instance_path=str(tmp_path))
    assert f"sqlite:///{tmp_path / 'moderation.db'}" == config.SQLALCHEMY_DATABASE_URI


def test_postgres_urls_get_the_psycopg_driver():
    config = Config({"DATABASE_URL": "postgres://u@db:5432/app"})
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db:5432/app"


def test_broker_comes_from_celery_broker_url_or_redis_url():
    assert Config({"REDIS_URL": "redis://r:6379/0"}).CELERY_BROKER_URL == "redis://r:6379/0"
    both = Config({"REDIS_URL": "redis://r/0", "CELERY_BROKER_URL": "redis://b/1"})
    assert both.CELERY_BROKER_URL == "redis://b/1"
    assert Config({}).CELERY_BROKER_URL == ""


def test_encryption_keys_are_a_comma_separated_list():
    config = Config({"EMAIL_ENCRYPTION_KEYS": "new-key, old-key"})
    assert config.EMAIL_ENCRYPTION_KEYS == ["new-key", "old-key"]


def test_production_refuses_to_start_without_secrets_and_names_them(tmp_path):
    config = {"EMAIL_ENCRYPTION_KEYS": [], "IDENTITY_HASH_KEY": None}
    with pytest.raises(MissingSecretError, match="EMAIL_ENCRYPTION_KEYS, IDENTITY_HASH_KEY"):
        resolve_secrets(config, str(tmp_path), production=True)
    assert not (tmp_path / "secrets.json").exists()


def test_development_generates_secrets_once_and_says_so(tmp_path, caplog):
    first: dict = {}
    with caplog.at_level(logging.WARNING):
        resolve_secrets(first, str(tmp_path), production=False)
    assert "generated development secrets" in caplog.text
    second: dict = {}
    resolve_secrets(second, str(tmp_path), production=False)
    assert first == second and first["IDENTITY_HASH_KEY"]
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0


def test_secrets_from_the_environment_win_over_generated_ones(tmp_path):
    config = {"IDENTITY_HASH_KEY": "from-env"}
    resolve_secrets(config, str(tmp_path), production=False)
    assert config["IDENTITY_HASH_KEY"] == "from-env"
    assert json.loads((tmp_path / "secrets.json").read_text())["IDENTITY_HASH_KEY"] != "from-env"


def test_production_refuses_an_identity_key_shorter_than_32_bytes(tmp_path):
    """A 1-byte HMAC key would make every stored email digest recomputable from a dump."""
    for weak in ("a", "k" * 31, "é" * 15):  # 30 bytes of UTF-8
        config = {"EMAIL_ENCRYPTION_KEYS": ["key"], "IDENTITY_HASH_KEY": weak}
        with pytest.raises(WeakSecretError, match="IDENTITY_HASH_KEY must be at least 32 bytes"):
            resolve_secrets(config, str(tmp_path), production=True)
    strong = {"EMAIL_ENCRYPTION_KEYS": ["key"], "IDENTITY_HASH_KEY": STRONG_KEY}
    resolve_secrets(strong, str(tmp_path), production=True)
    assert strong["IDENTITY_HASH_KEY"] == STRONG_KEY
    assert not (tmp_path / "secrets.json").exists()


def test_secret_key_is_no_longer_required_in_production(tmp_path):
    """Nothing signs with it (no cookies, no sessions): requiring it would protect nothing."""
    config = {"EMAIL_ENCRYPTION_KEYS": ["key"], "IDENTITY_HASH_KEY": STRONG_KEY}
    resolve_secrets(config, str(tmp_path), production=True)
    assert "SECRET_KEY" not in config


@pytest.mark.parametrize("typo", ["Production", "prod", "production "])
def test_an_unknown_moderation_env_is_refused(typo):
    """A typo must not silently run production in development mode with generated secrets."""
    with pytest.raises(InvalidSettingError, match="development, production, test"):
        Config({"MODERATION_ENV": typo})


@pytest.mark.parametrize("name", ["development", "production", "test"])
def test_the_three_environments_are_accepted(name):
    assert Config({"MODERATION_ENV": name}).is_production == (name == "production")


def test_the_app_does_not_start_with_a_misspelled_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MODERATION_ENV", "Production")
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(InvalidSettingError, match="'Production'"):
        create_app()
    assert not (tmp_path / "secrets.json").exists()


def test_app_in_production_mode_without_secrets_fails_to_start(tmp_path, monkeypatch):
    for name in ("EMAIL_ENCRYPTION_KEYS", "IDENTITY_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MODERATION_ENV", "production")
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(MissingSecretError, match="EMAIL_ENCRYPTION_KEYS, IDENTITY_HASH_KEY"):
        create_app()
