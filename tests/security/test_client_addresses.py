"""Client addresses behind a proxy (audit F-05): a forwarded request the app does not trust is
reported, and a trusted hop's X-Forwarded-For names the reader."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment
from moderation.privacy import privacy
from moderation.web.proxies import UNTRUSTED_FORWARDING

READER = "203.0.113.9"
FORWARDED = {"X-Forwarded-For": READER}


def untrusted_forwarding_warnings(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.getMessage() == UNTRUSTED_FORWARDING]


def test_forwarding_while_no_hop_is_trusted_warns_once_and_readyz_says_so(client, caplog):
    assert "warnings" not in client.get("/readyz").get_json()
    with caplog.at_level(logging.WARNING, logger="moderation.web.proxies"):
        for _ in range(3):
            assert client.get("/healthz", headers=FORWARDED).status_code == 200
        ready = client.get("/readyz", headers=FORWARDED)
    assert len(untrusted_forwarding_warnings(caplog)) == 1
    assert ready.status_code == 200  # a misconfiguration to fix, not a reason to leave rotation
    assert ready.get_json()["warnings"] == [UNTRUSTED_FORWARDING]
    assert READER not in caplog.text


def test_direct_requests_raise_no_warning(client, caplog):
    with caplog.at_level(logging.WARNING, logger="moderation.web.proxies"):
        client.get("/healthz")
        ready = client.get("/readyz")
    assert untrusted_forwarding_warnings(caplog) == []
    assert "warnings" not in ready.get_json()


@pytest.mark.parametrize("app_config", [{"TRUST_PROXY_HOPS": 1}])
def test_one_trusted_hop_takes_the_reader_from_the_proxy_and_warns_nothing(
        app, client, post_comment, caplog):
    with caplog.at_level(logging.WARNING, logger="moderation.web.proxies"):
        # the proxy (deploy/nginx.conf) replaces what the client sent with the address it saw
        assert post_comment(headers=FORWARDED).status_code == 202
        ready = client.get("/readyz", headers=FORWARDED)
    assert untrusted_forwarding_warnings(caplog) == []
    assert "warnings" not in ready.get_json()
    with app.app_context():
        stored = db.session.scalar(select(Comment.ip_digest))
        assert stored == privacy().ip_digest(READER)
