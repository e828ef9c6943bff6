"""``moderation moderators create|list|revoke``: tokens shown once, kept only as a hash."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Moderator


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["moderators", *args])


def create(app, *args: str) -> str:
    """Create a moderator and return the token, the last line of stdout."""
    result = cli(app, "create", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


def queue(client, token: str, site: str = "news"):
    return client.get(f"/api/v1/moderation/queue?site={site}",
                      headers={"Authorization": f"Bearer {token}"})


def every_stored_value(app) -> list[str]:
    """Every cell of every table, as text."""
    with app.app_context():
        return [str(value) for table in db.metadata.sorted_tables
                for row in db.session.execute(select(table)) for value in row]


def test_create_prints_a_token_that_opens_the_queue(app, client, site):
    token = create(app, "alice", "--all-sites")
    assert token.startswith("mod_") and len(token) >= 40
    assert queue(client, token).status_code == 200


def test_tokens_are_random(app, site):
    assert create(app, "alice", "--all-sites") != create(app, "bob", "--all-sites")


def test_only_the_sha256_of_the_token_is_stored(app, site):
    token = create(app, "alice", "--site", site)
    with app.app_context():
        stored = db.session.scalar(select(Moderator).where(Moderator.name == "alice"))
        assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    secret = token.removeprefix("mod_")
    pieces = {secret[i:i + 12] for i in range(0, len(secret) - 11, 4)}
    cells = every_stored_value(app)
    assert not [cell for cell in cells for piece in pieces if piece in cell]


def test_site_scope_and_role_are_recorded(app, client, site):
    token = create(app, "carol", "--site", site, "--role", "admin")
    with app.app_context():
        stored = db.session.scalar(select(Moderator).where(Moderator.name == "carol"))
        assert (stored.site_id, stored.role) == (site, "admin")
    assert queue(client, token).status_code == 200


def test_list_shows_moderators_but_never_a_token(app, site):
    tokens = [create(app, "alice", "--all-sites"), create(app, "bob", "--site", site)]
    result = cli(app, "list")
    assert result.exit_code == 0
    listed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(m["name"], m["site"], m["role"], m["revoked"]) for m in listed] == [
        ("alice", None, "moderator", False), ("bob", site, "moderator", False)]
    assert not any(token in result.output or token[4:20] in result.output for token in tokens)
    with app.app_context():
        digests = db.session.scalars(select(Moderator.token_digest)).all()
    assert not any(digest in result.output for digest in digests)


def test_revoke_makes_the_token_unauthorized_at_once(app, client, site):
    token = create(app, "alice", "--all-sites")
    assert queue(client, token).status_code == 200
    result = cli(app, "revoke", "alice")
    assert result.exit_code == 0 and "revoked alice" in result.output
    response = queue(client, token)
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert json.loads(cli(app, "list").stdout)["revoked"] is True


def test_revoking_an_unknown_or_revoked_moderator_fails(app, site):
    assert "no active moderator" in cli(app, "revoke", "nobody").output
    create(app, "alice", "--all-sites")
    assert cli(app, "revoke", "alice").exit_code == 0
    again = cli(app, "revoke", "alice")
    assert again.exit_code != 0 and "no active moderator 'alice'" in again.output


def test_a_duplicate_name_fails_and_keeps_the_first_token(app, client, site):
    token = create(app, "alice", "--all-sites")
    again = cli(app, "create", "alice", "--all-sites")
    assert again.exit_code != 0 and "already exists" in again.output
    assert queue(client, token).status_code == 200


def test_an_unknown_site_fails_and_creates_nobody(app, site):
    result = cli(app, "create", "alice", "--site", "nowhere")
    assert result.exit_code != 0
    assert "--site" in result.output and "nowhere" in result.output
    with app.app_context():
        assert db.session.scalars(select(Moderator)).all() == []


@pytest.mark.parametrize("role", ["owner", ""])
def test_an_unknown_role_is_refused(app, site, role):
    result = cli(app, "create", "alice", "--all-sites", "--role", role)
    assert result.exit_code != 0 and "--role" in result.output


def test_create_without_a_scope_is_refused_and_creates_nobody(app, site):
    """Every site was the silent default: one forgotten option granted all tenants."""
    for args in ((), ("--site", site, "--all-sites")):
        result = cli(app, "create", "alice", *args)
        assert result.exit_code == 2, result.output
        assert "give either --site SITE or --all-sites" in result.output
    with app.app_context():
        assert db.session.scalars(select(Moderator)).all() == []


def test_all_sites_is_said_explicitly_and_recorded_as_no_site(app, client, site):
    result = cli(app, "create", "chief", "--all-sites", "--role", "admin")
    assert result.exit_code == 0 and "for every site" in result.output
    with app.app_context():
        stored = db.session.scalar(select(Moderator).where(Moderator.name == "chief"))
        assert (stored.site_id, stored.role) == (None, "admin")
    assert queue(client, result.stdout.splitlines()[-1]).status_code == 200
