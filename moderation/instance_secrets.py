"""Secrets: from the environment in production, generated once into the instance folder otherwise.

The embedded default must start with one command, yet secrets must never be
guessable or silently change between restarts (that would orphan every stored
email), so they are generated once and kept in ``instance/secrets.json``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

log = logging.getLogger(__name__)

SECRET_NAMES = ("EMAIL_ENCRYPTION_KEYS", "IDENTITY_HASH_KEY")
# An HMAC key shorter than its hash's 32 bytes lets a dump's email digests be brute-forced.
MIN_KEY_BYTES = 32


class MissingSecretError(RuntimeError):
    """A secret required in production is not set."""


class WeakSecretError(RuntimeError):
    """A secret set in production is too short to protect what it keys."""


def _generate() -> dict[str, object]:
    return {
        "EMAIL_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "IDENTITY_HASH_KEY": secrets.token_urlsafe(48),
    }


def resolve_secrets(config: dict, instance_path: str, production: bool) -> None:
    """Fill the secrets missing from ``config``: fail in production, else load or create them."""
    missing = [name for name in SECRET_NAMES if not config.get(name)]
    if production:
        _require_strong(config, missing)
    elif missing:
        stored = _load_or_create(Path(instance_path) / "secrets.json")
        for name in missing:
            config[name] = stored[name]


def _require_strong(config: dict, missing: list[str]) -> None:
    """Production names every missing secret and refuses a short identity key (the Fernet
    keys check their own length when privacy loads them)."""
    if missing:
        raise MissingSecretError(
            "MODERATION_ENV=production but these secrets are not set: " + ", ".join(missing))
    if len(config["IDENTITY_HASH_KEY"].encode()) < MIN_KEY_BYTES:
        raise WeakSecretError(
            f"IDENTITY_HASH_KEY must be at least {MIN_KEY_BYTES} bytes in production; make one "
            "with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")


def _load_or_create(path: Path) -> dict[str, object]:
    """Create atomically, so concurrent first starts (several web workers) agree on one set."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(_generate(), handle)
        try:
            os.link(draft, path)
            log.warning(
                "generated development secrets in %s; set them in the environment for production",
                path,
            )
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return json.loads(path.read_text())
