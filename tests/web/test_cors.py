"""CORS: the widget may call us from the site's own origins, and only from those."""

from __future__ import annotations

import pytest
from flask import Response
from sqlalchemy import func, select

from moderation.extensions import db
from moderation.orm import Comment
from moderation.sites import create_site
from moderation.web.cors import apply_cors
from tests.conftest import SITE_ORIGIN

OTHER_ORIGIN = "https://other-paper.example"
STRANGER = "https://evil.example"
LIST = "/api/v1/comments?site=news&thread=t"


@pytest.fixture
def other_site(app, site):
    """A second tenant with its own origin, to prove origins do not leak across sites."""
    with app.app_context():
        return create_site("other", "Other Paper", [OTHER_ORIGIN], flood_interval_seconds=0).id


def preflight(client, path: str, origin: str, method: str = "POST"):
    return client.options(path, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type, x-author-token"})


def allowed_origin(response) -> str | None:
    return response.headers.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize("path, method", [
    ("/api/v1/comments", "POST"), ("/api/v1/comments/abc123", "PATCH"),
    ("/api/v1/comments/abc123", "DELETE"), ("/api/v1/counts", "GET"),
])
def test_a_preflight_from_the_sites_origin_is_allowed(client, site, path, method):
    response = preflight(client, path, SITE_ORIGIN, method)
    assert response.status_code in (200, 204)
    assert allowed_origin(response) == SITE_ORIGIN
    allowed_methods = response.headers["Access-Control-Allow-Methods"]
    assert method in [m.strip() for m in allowed_methods.split(",")]
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed_headers and "x-author-token" in allowed_headers


def test_a_preflight_from_a_stranger_gets_no_allow_origin(client, site):
    response = preflight(client, "/api/v1/comments", STRANGER)
    assert allowed_origin(response) is None
    assert "Access-Control-Allow-Methods" not in response.headers


def test_the_list_answers_its_sites_origin(client, site, post_comment):
    post_comment(thread="t")
    response = client.get(LIST, headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 200
    assert allowed_origin(response) == SITE_ORIGIN
    assert "Origin" in response.headers["Vary"]
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_origin_joins_a_vary_the_response_already_has(app, site):
    with app.test_request_context(LIST, headers={"Origin": SITE_ORIGIN}):
        response = apply_cors(Response("{}", headers={"Vary": "Accept-Encoding"}))
        plain = apply_cors(Response("{}"))
    assert response.headers["Vary"] == "Accept-Encoding, Origin"
    assert plain.headers["Vary"] == "Origin"


@pytest.mark.parametrize("path", [LIST, "/api/v1/counts?site=news&thread=t"])
def test_reads_do_not_answer_another_sites_origin(client, other_site, path):
    response = client.get(path, headers={"Origin": OTHER_ORIGIN})
    assert response.status_code == 200
    assert allowed_origin(response) is None
    assert allowed_origin(client.get(path.replace("site=news", "site=other"),
                                     headers={"Origin": OTHER_ORIGIN})) == OTHER_ORIGIN


def test_reads_do_not_answer_a_stranger(client, site):
    response = client.get(LIST, headers={"Origin": STRANGER})
    assert response.status_code == 200
    assert allowed_origin(response) is None


def test_a_validation_error_on_a_read_is_readable_by_the_widget(client, site):
    response = client.get(LIST + "&limit=500", headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 422
    assert allowed_origin(response) == SITE_ORIGIN


def test_a_validation_error_on_a_post_is_readable_by_the_widget(post_comment):
    response = post_comment(author_email="not-an-address", headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 422
    assert allowed_origin(response) == SITE_ORIGIN
    assert list(response.get_json()["fields"]) == ["author_email"]


def test_a_flood_refusal_exposes_retry_after_to_the_widget(client, site, post_comment,
                                                          site_policy):
    site_policy(flood_interval_seconds=15)
    post_comment(author_email="quick@example.com")
    response = post_comment(author_email="quick@example.com", body="Again!",
                            headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 429
    assert allowed_origin(response) == SITE_ORIGIN
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("origin", [STRANGER, OTHER_ORIGIN, "https://news.example.evil.example",
                                    "http://news.example"])
def test_a_post_from_an_origin_the_site_did_not_allow_is_forbidden(app, post_comment,
                                                                   other_site, origin):
    response = post_comment(headers={"Origin": origin})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_post_from_the_sites_origin_is_accepted(post_comment):
    response = post_comment(headers={"Origin": SITE_ORIGIN})
    assert response.status_code == 202
    assert allowed_origin(response) == SITE_ORIGIN
