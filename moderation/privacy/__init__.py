"""The one door for personal data: encrypt, hash and mask emails; hash IPs.

No other module sees a raw email after the schema hands it here. Emails are
stored encrypted with MultiFernet (the first key encrypts, every key decrypts,
so keys rotate) and identified by a keyed HMAC, never a plain hash that anyone
could recompute from a guessed address. Sites' webhook signing secrets are
sealed with the same keys, so a database dump gives away neither.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, MultiFernet
from flask import Flask, current_app


@dataclass(frozen=True)
class SealedEmail:
    """What the database keeps of an email: ciphertext and identity hash."""

    ciphertext: bytes
    digest: str


class Privacy:
    def __init__(self, encryption_keys: list[str], identity_key: str):
        if not encryption_keys:
            raise ValueError("at least one email encryption key is required")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in encryption_keys])
        self._identity_key = identity_key.encode()

    def _hmac(self, purpose: str, value: str) -> str:
        message = f"{purpose}:{value}".encode()
        return hmac.new(self._identity_key, message, hashlib.sha256).hexdigest()

    def seal_email(self, email: str) -> SealedEmail:
        return SealedEmail(self._fernet.encrypt(email.encode()), self.email_digest(email))

    def email_digest(self, email: str) -> str:
        """Identity of an address for bans, trust and erasure; case-insensitive."""
        return self._hmac("email", email.strip().lower())

    def ip_digest(self, ip: str | None) -> str | None:
        return self._hmac("ip", ip) if ip else None

    def open_email(self, ciphertext: bytes) -> str:
        return self._fernet.decrypt(ciphertext).decode()

    def seal_secret(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def open_secret(self, ciphertext: bytes) -> str:
        return self._fernet.decrypt(ciphertext).decode()

    def rotate(self, ciphertext: bytes) -> bytes:
        """Re-encrypt under the newest key (for key rotation)."""
        return self._fernet.rotate(ciphertext)


def mask_email(email: str) -> str:
    """``jane@example.com`` → ``j***@e***.com``: enough for a moderator to tell authors apart.

    The domain is masked too (a vanity domain names its owner) and a local part shorter
    than 3 characters shows nothing (``q***`` would be all of ``q@``).
    """
    local, _, domain = email.rpartition("@")
    name, dot, suffix = domain.rpartition(".")
    shown = f"{domain[:1]}***{dot}{suffix}" if name else f"{domain[:1]}***"
    return f"{local[:1] if len(local) >= 3 else ''}***@{shown}"


def token_digest(token: str) -> str:
    """Author and moderator tokens are random and long, so a plain SHA-256 is a safe store."""
    return hashlib.sha256(token.encode()).hexdigest()


def init_app(app: Flask) -> None:
    app.extensions["privacy"] = Privacy(
        app.config["EMAIL_ENCRYPTION_KEYS"], app.config["IDENTITY_HASH_KEY"]
    )


def privacy() -> Privacy:
    return current_app.extensions["privacy"]
