"""The moderation API's test fixtures: two pre-moderated sites, a moderator, held comments."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select, update

from moderation.extensions import db
from moderation.orm import Comment
from moderation.review.moderators import create_moderator
from moderation.sites import create_site
from tests.conftest import moderator_headers

THREAD = "2026/11/city-council-budget"
API = "/api/v1/moderation"


@pytest.fixture
def site(app):
    """Two pre-moderated sites, "news" and "sport": every new comment is held."""
    with app.app_context():
        create_site("sport", "Sport Daily", ["https://sport.example"], premoderate=True,
                    flood_interval_seconds=0)
        return create_site("news", "Daily News", ["https://news.example"], premoderate=True,
                           flood_interval_seconds=0).id


def new_token(app, name: str) -> str:
    with app.app_context():
        return create_moderator(name, None, "moderator")[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(app, site) -> dict:
    """alice, who may moderate every site."""
    return moderator_headers(app, "alice")


@pytest.fixture
def held(post_comment) -> Callable[..., str]:
    """Post a comment that is held for a moderator; returns its id."""

    def post(**overrides) -> str:
        response = post_comment(**overrides)
        assert response.get_json()["status"] == "held", response.get_json()
        return response.get_json()["id"]

    return post


def set_columns(app, comment_id: str, **values) -> None:
    with app.app_context():
        db.session.execute(update(Comment).where(Comment.public_id == comment_id).values(**values))
        db.session.commit()


def stored_status(app, comment_id: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Comment.status).where(Comment.public_id == comment_id))


def decide(client, auth, comment_id: str, decision: str, reason: str | None = None):
    body = {"decision": decision} | ({"reason": reason} if reason else {})
    return client.post(f"{API}/comments/{comment_id}/decision", json=body, headers=auth)


def queue_ids(client, auth, query: str = "") -> list[str]:
    response = client.get(f"{API}/queue?site=news{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()["comments"]]


# Every moderation route, as (method, path, body) for a comment id.
ROUTES = {
    "queue": lambda cid: ("get", f"{API}/queue?site=news", None),
    "detail": lambda cid: ("get", f"{API}/comments/{cid}", None),
    "decision": lambda cid: ("post", f"{API}/comments/{cid}/decision", {"decision": "approve"}),
    "bulk": lambda cid: ("post", f"{API}/decisions",
                         {"decisions": [{"id": cid, "decision": "approve"}]}),
    "ban": lambda cid: ("post", f"{API}/comments/{cid}/ban", {}),
    "unban": lambda cid: ("delete", f"{API}/comments/{cid}/ban", None),
    "audit": lambda cid: ("get", f"{API}/audit?site=news", None),
}


def call(client, route: str, comment_id: str, headers: dict):
    method, path, body = ROUTES[route](comment_id)
    return getattr(client, method)(path, json=body, headers=headers)
