"""Key rotation: `moderation privacy reencrypt` moves stored emails and webhook secrets to the
newest key, so the old one can leave EMAIL_ENCRYPTION_KEYS."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, update

from moderation import create_app
from moderation.extensions import db
from moderation.orm import Comment, Site
from moderation.privacy import Privacy, privacy
from moderation.privacy import rotation as key_rotation
from tests import conftest
from tests.conftest import comment_payload

EMAILS = ("ada@example.com", "bo@example.com", "cy@example.com")


@pytest.fixture
def old_key(app, client, site) -> str:
    """Comments by each of EMAILS and the site's webhook secret, stored under the app's one
    key (returned)."""
    for number, email in enumerate(EMAILS):
        assert client.post("/api/v1/comments", json=comment_payload(
            author_email=email, body=f"Comment {number}.")).status_code == 202
    result = app.test_cli_runner().invoke(
        args=["sites", "webhook", site, "--url", "https://hooks.example/in"])
    assert result.exit_code == 0, result.output
    return app.config["EMAIL_ENCRYPTION_KEYS"][0]


@pytest.fixture
def app_with_keys(app):
    """Other apps on the same database, as after a restart with other keys."""
    made = []

    def make(keys: list[str]):
        made.append(create_app(conftest.test_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                                    EMAIL_ENCRYPTION_KEYS=keys)))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def exported(app, email: str):
    return app.test_cli_runner().invoke(args=["privacy", "export", email])


def webhook_secret(app) -> str:
    with app.app_context():
        return privacy().open_secret(db.session.scalar(select(Site.webhook_secret_ciphertext)))


def test_after_reencrypting_the_old_key_can_leave_the_list(app, old_key, app_with_keys,
                                                          monkeypatch):
    new_key = Fernet.generate_key().decode()
    secret = webhook_secret(app)
    only_new = app_with_keys([new_key])
    assert exported(only_new, EMAILS[0]).exit_code != 0  # not yet: stored under the old key

    monkeypatch.setattr(key_rotation, "BATCH", 2)  # two batches for three emails
    result = app_with_keys([new_key, old_key]).test_cli_runner().invoke(
        args=["privacy", "reencrypt"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted 2 of 4" in result.stderr
    assert result.stdout.startswith("re-encrypted 4 emails and webhook secrets")

    for email in EMAILS:
        result = exported(only_new, email)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["comments"][0]["author_email"] == email
    assert webhook_secret(only_new) == secret


def test_an_email_erased_while_it_is_reencrypted_stays_erased(old_key, app_with_keys,
                                                              monkeypatch):
    rotating = app_with_keys([Fernet.generate_key().decode(), old_key])
    real_rotate = Privacy.rotate

    def erase_first_then_rotate(self, ciphertext):
        if not erased:
            erased.append(db.session.execute(
                update(Comment).where(Comment.email_ciphertext == ciphertext)
                .values(email_ciphertext=None)).rowcount)
        return real_rotate(self, ciphertext)

    erased: list[int] = []
    monkeypatch.setattr(Privacy, "rotate", erase_first_then_rotate)
    with rotating.app_context():
        rotation = key_rotation.reencrypt_all()
        stored = db.session.scalars(select(Comment.email_ciphertext).order_by(Comment.id)).all()
    assert erased == [1]
    assert (rotation.total, rotation.reencrypted) == (4, 3)
    assert stored[0] is None and all(stored[1:])


def test_values_under_no_configured_key_are_reported_and_left_alone(app, old_key,
                                                                    app_with_keys):
    with app.app_context():
        before = db.session.scalars(select(Comment.email_ciphertext)).all()
    result = app_with_keys([Fernet.generate_key().decode()]).test_cli_runner().invoke(
        args=["privacy", "reencrypt"])
    assert result.exit_code == 1
    assert "4 values are under none of EMAIL_ENCRYPTION_KEYS" in result.output
    with app.app_context():
        assert db.session.scalars(select(Comment.email_ciphertext)).all() == before
