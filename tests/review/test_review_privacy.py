"""Moderators see a masked email only: no moderation response or log line carries an address."""

from __future__ import annotations

import logging
import re

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment
from tests.conftest import moderator_headers

API = "/api/v1/moderation"
EMAILS = ["priya.secret0@private-mail.example", "Oliver.Hidden+news@Private-Mail.Example",
          "x@tiny.example", "sam.quiet@private-mail.example"]
EMAIL_LIKE = re.compile(r"[\w.+*-]+@[\w*-]+(?:\.[\w-]+)+")
MASKED = re.compile(r"^\w?\*\*\*@\w\*\*\*\.")


@pytest.fixture
def site(premoderated_site) -> str:
    return premoderated_site


@pytest.fixture
def auth(app, site) -> dict:
    return moderator_headers(app, "alice")


@pytest.fixture
def logs(caplog) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("moderation", "workers", "sqlalchemy", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def every_moderation_response(client, auth, ids: list[str]) -> list:
    """Each route once, successes and failures alike."""
    first, second, third, fourth = ids
    return [
        client.get(f"{API}/queue?site=news", headers=auth),
        client.get(f"{API}/queue?site=news&order=oldest&limit=1", headers=auth),
        *(client.get(f"{API}/comments/{c}", headers=auth) for c in ids),
        client.post(f"{API}/comments/{first}/decision", json={"decision": "approve"},
                    headers=auth),
        client.post(f"{API}/comments/{first}/decision", json={"decision": "approve"},
                    headers=auth),  # 409
        client.post(f"{API}/comments/{second}/decision", json={"decision": "oops"},
                    headers=auth),  # 422
        client.post(f"{API}/decisions", headers=auth, json={"decisions": [
            {"id": second, "decision": "reject", "reason": "rude"},
            {"id": first, "decision": "spam"}, {"id": "missing", "decision": "spam"}]}),
        client.post(f"{API}/comments/{third}/ban", json={"reason": "abuse"}, headers=auth),
        client.delete(f"{API}/comments/{third}/ban", headers=auth),
        client.get(f"{API}/queue?site=news&status=rejected", headers=auth),
        client.get(f"{API}/comments/{second}", headers=auth),
        client.get(f"{API}/audit?site=news", headers=auth),
        client.get(f"{API}/audit?site=news&comment={fourth}", headers=auth),
        client.get(f"{API}/queue?site=news", headers={}),  # 401
    ]


def test_no_email_in_any_moderation_response_or_log(client, auth, post_comment, logs):
    ids = [post_comment(author_email=email, body=f"remark {n}").get_json()["id"]
           for n, email in enumerate(EMAILS)]
    responses = every_moderation_response(client, auth, ids)
    assert {r.status_code for r in responses} >= {200, 201, 401, 409, 422}
    bodies = [r.get_data(as_text=True) + str(dict(r.headers)) for r in responses]
    log_lines = [logs.text] + [record.getMessage() for record in logs.records]
    assert logs.records  # the logs really were captured
    for email in EMAILS:
        needle = email.lower()
        assert not [b for b in bodies if needle in b.lower()], email
        assert not [line for line in log_lines if needle in line.lower()], email
        local = email.split("@")[0].lower()
        if len(local) > 1:
            assert not [b for b in bodies if local in b.lower()], email
    shown = {match for body in bodies for match in EMAIL_LIKE.findall(body)}
    assert shown and all(MASKED.match(address) for address in shown), shown


def test_the_masked_form_is_what_moderators_see(client, auth, post_comment):
    ids = [post_comment(author_email=email, body=f"remark {n}").get_json()["id"]
           for n, email in enumerate(EMAILS)]
    queue = client.get(f"{API}/queue?site=news&order=oldest", headers=auth).get_json()
    assert [c["author_email"] for c in queue["comments"]] == [
        "p***@p***.example", "O***@p***.example", "***@t***.example", "s***@p***.example"]
    detail = client.get(f"{API}/comments/{ids[1]}", headers=auth).get_json()
    assert detail["author_email"] == "O***@p***.example"


def test_an_email_under_a_dropped_key_shows_as_null_and_the_page_still_works(
        app, client, auth, post_comment, logs):
    lost, kept = (post_comment(body=f"remark {n}").get_json()["id"] for n in range(2))
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == lost))
        comment.email_ciphertext = Fernet(Fernet.generate_key()).encrypt(b"gone@example.com")
        db.session.commit()
    queue = client.get(f"{API}/queue?site=news&order=oldest", headers=auth)
    assert queue.status_code == 200
    assert [(c["id"], c["author_email"]) for c in queue.get_json()["comments"]] == [
        (lost, None), (kept, "r***@e***.com")]
    detail = client.get(f"{API}/comments/{lost}", headers=auth)
    assert (detail.status_code, detail.get_json()["author_email"]) == (200, None)
    warnings = [r.getMessage() for r in logs.records if r.levelname == "WARNING"]
    assert any(lost in message for message in warnings)
