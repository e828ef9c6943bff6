"""Hardening headers and routes (audit F-17): nosniff on every response, no Flask ``/static``
route, and the demo article only outside production, framed by nobody."""

from __future__ import annotations

import pytest

from moderation import create_app
from tests import conftest


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/healthz"),
    ("GET", "/api/v1/comments?site=news&thread=t"),
    ("POST", "/api/v1/comments"),          # a 4xx error body
    ("GET", "/no-such-route"),              # a 404 from routing
    ("GET", "/openapi.json"),
    ("GET", "/embed.js"),
    ("GET", "/moderate/"),
    ("GET", "/moderate/review.css"),
    ("GET", "/"),
])
def test_every_response_says_nosniff(client, site, method, path):
    with client.open(path, method=method) as response:
        assert response.status_code < 500
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_review_stylesheet_is_still_served(client):
    with client.get("/moderate/review.css") as response:
        assert response.status_code == 200 and response.mimetype == "text/css"


@pytest.mark.parametrize("path", ["/static/review.js", "/static/safe_dom.js",
                                  "/static/review.css"])
def test_flasks_default_static_route_is_gone(client, path):
    """Assets are served by name from pages.py; the raw un-bundled files are not."""
    assert client.get(path).status_code == 404


def test_the_demo_article_forbids_framing_and_foreign_scripts(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_production_serves_no_demo_article(tmp_path, monkeypatch):
    monkeypatch.setenv("MODERATION_INSTANCE_PATH", str(tmp_path))
    app = create_app(conftest.test_config(f"sqlite:///{tmp_path / 'm.db'}",
                                          MODERATION_ENV="production"))
    assert "/" not in {rule.rule for rule in app.url_map.iter_rules()}
    assert "/moderate/" in {rule.rule for rule in app.url_map.iter_rules()}
