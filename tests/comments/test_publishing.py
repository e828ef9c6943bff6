"""GET /api/v1/comments and /api/v1/counts: what the widget reads, as API.md specifies it."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from moderation import create_app
from moderation.comments.changes import change_status
from moderation.comments.lookup import find_by_public_id
from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment
from tests.conftest import test_config as app_config_for

THREAD = "2026/11/city-council-budget"
LIST = f"/api/v1/comments?site=news&thread={THREAD}"
PUBLIC_FIELDS = {"id", "parent_id", "author_name", "author_url", "body_html", "created_at"}


@pytest.fixture
def listing(client, site):
    """GET the thread's list with extra query parameters; returns the response."""

    def get(query: str = "", **headers):
        return client.get(LIST + query, headers=headers)

    return get


@pytest.fixture
def publish(post_comment):
    """Post ``n`` clean comments (approved in-process) and return their ids in posting order."""

    def post(n: int, **overrides) -> list[str]:
        return [post_comment(body=f"Comment number {i}.", **overrides).get_json()["id"]
                for i in range(n)]

    return post


def ids(response) -> list[str]:
    return [comment["id"] for comment in response.get_json()["comments"]]


def walk(listing, query: str) -> list[str]:
    """Follow next_cursor from the first page to the last, collecting ids."""
    seen, cursor = [], None
    while True:
        page = listing(query + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200
        seen += ids(page)
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            return seen


def test_only_approved_comments_are_listed(listing, post_comment, site_policy):
    site_policy(held_words=["embargo"])
    approved = post_comment(body="A fair point.").get_json()["id"]
    assert post_comment(body="Breaking the embargo here.").get_json()["status"] == "held"
    assert post_comment(body="Cheap pills", nickname="bot").get_json()["status"] == "spam"
    response = listing()
    assert ids(response) == [approved]
    assert response.get_json()["total"] == 1


def test_a_listed_comment_has_exactly_the_public_fields(listing, post_comment):
    posted = post_comment(author_email="private.person@example.com",
                          author_url="https://jane.example/").get_json()
    response = listing()
    [comment] = response.get_json()["comments"]
    assert set(comment) == PUBLIC_FIELDS
    assert comment["author_url"] == "https://jane.example/"
    assert comment["body_html"] == "<p>A thoughtful remark about the budget.</p>"
    assert datetime.fromisoformat(comment["created_at"]).utcoffset().total_seconds() == 0
    text = response.get_data(as_text=True)
    assert "private.person" not in text and posted["author_token"] not in text


def test_the_page_says_which_site_and_thread(listing, publish):
    publish(1)
    body = listing().get_json()
    assert (body["site"], body["thread"], body["next_cursor"]) == ("news", THREAD, None)


def test_oldest_first_by_default_newest_on_request(listing, publish):
    posted = publish(3)
    assert ids(listing()) == posted
    assert ids(listing("&sort=oldest")) == posted
    assert ids(listing("&sort=newest")) == posted[::-1]


def test_an_unknown_sort_is_a_field_error(listing):
    response = listing("&sort=random")
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["sort"]


def test_limit_defaults_to_50(listing, publish):
    publish(51)
    body = listing().get_json()
    assert len(body["comments"]) == 50
    assert body["next_cursor"] is not None
    assert body["total"] == 51


def test_limit_up_to_200_is_accepted(listing, publish):
    publish(3)
    assert len(ids(listing("&limit=200"))) == 3


@pytest.mark.parametrize("limit", ["201", "0", "-1", "many"])
def test_a_limit_out_of_range_is_a_field_error(listing, limit):
    response = listing(f"&limit={limit}")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed"
    assert list(body["fields"]) == ["limit"]


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_pages_walk_every_comment_once_in_order(listing, publish, sort):
    publish(7)
    everything = ids(listing(f"&sort={sort}&limit=200"))
    assert walk(listing, f"&sort={sort}&limit=3") == everything
    assert len(everything) == 7


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_pages_walk_every_comment_once_when_times_tie(app, listing, publish, sort):
    posted = publish(5)
    with app.app_context():
        db.session.execute(update(Comment).values(created_at=datetime(2026, 1, 1, tzinfo=UTC)))
        db.session.commit()
    walked = walk(listing, f"&sort={sort}&limit=2")
    assert sorted(walked) == sorted(posted)
    assert len(walked) == len(set(walked)) == 5


def test_a_page_totals_the_whole_thread(listing, publish):
    publish(5)
    body = listing("&limit=2").get_json()
    assert (len(body["comments"]), body["total"]) == (2, 5)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize("cursor", [
    "garbage!!", "bm90IGpzb24", _b64(b"[]"), _b64(b'{"a": 1}'), _b64(b"[null, 1]"),
    _b64(b'["yesterday", 1]'), _b64(b'["2026-01-01T00:00:00+00:00", "x"]'),
    _b64(b'["2026-01-01T00:00:00+00:00", 1e30]'), _b64(b'["2026-01-01", Infinity]'),
    _b64(b'["9999-12-31T23:59:59-14:00", 1]'), _b64(b"\xff\xfe"),
], ids=["not-base64", "not-json", "empty", "object", "null-time", "bad-time", "bad-id",
        "huge-id", "infinite-id", "time-overflows-utc", "not-utf8"])
def test_a_cursor_we_did_not_issue_is_a_field_error(listing, publish, cursor):
    publish(1)
    response = listing(f"&cursor={cursor}")
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["cursor"]


def test_a_garbage_cursor_is_refused_on_an_unknown_thread_too(client, site):
    response = client.get("/api/v1/comments?site=news&thread=nobody-here&cursor=garbage")
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["cursor"]


def test_an_unknown_thread_is_an_empty_list(client, site):
    response = client.get("/api/v1/comments?site=news&thread=not-commented-yet")
    assert response.status_code == 200
    assert response.get_json() == {"site": "news", "thread": "not-commented-yet", "total": 0,
                                   "comments": [], "next_cursor": None}


def test_an_unknown_site_is_a_field_error(client, site):
    response = client.get(f"/api/v1/comments?site=elsewhere&thread={THREAD}")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"site": ["Unknown site."]}


def test_site_and_thread_are_each_named_when_missing(client, site):
    response = client.get("/api/v1/comments")
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"site", "thread"}


def test_a_matching_if_none_match_gets_304_with_no_body(listing, publish):
    publish(2)
    etag = listing().headers["ETag"]
    response = listing(**{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag


def test_a_weak_if_none_match_also_matches(listing, publish):
    """Proxies that compress turn our ETag weak; If-None-Match compares weakly (RFC 9110)."""
    publish(1)
    etag = listing().headers["ETag"]
    assert listing(**{"If-None-Match": f"W/{etag}"}).status_code == 304


def test_a_stale_if_none_match_gets_the_list(listing, publish):
    publish(1)
    response = listing(**{"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert len(ids(response)) == 1


def test_each_page_shape_has_its_own_etag(listing, publish):
    publish(3)
    etags = {listing(query).headers["ETag"] for query in ("", "&sort=newest", "&limit=2")}
    assert len(etags) == 3


def test_the_etag_changes_when_a_comment_is_approved(listing, publish, post_comment):
    publish(1)
    before = listing().headers["ETag"]
    post_comment(author_email="someone.else@example.com", body="Another reader's view.")
    response = listing(**{"If-None-Match": before})
    assert response.status_code == 200
    assert response.headers["ETag"] != before
    assert len(ids(response)) == 2


def test_the_etag_stays_when_a_comment_is_only_held(listing, publish, post_comment,
                                                     site_policy):
    publish(1)
    before = listing().headers["ETag"]
    site_policy(premoderate=True)
    assert post_comment(body="Held for review.").get_json()["status"] == "held"
    assert listing(**{"If-None-Match": before}).status_code == 304


def test_the_etag_changes_when_the_author_deletes_a_comment(client, listing, post_comment):
    posted = post_comment().get_json()
    before = listing().headers["ETag"]
    deleted = client.delete(f"/api/v1/comments/{posted['id']}",
                            headers={"X-Author-Token": posted["author_token"]})
    assert deleted.status_code == 204
    response = listing(**{"If-None-Match": before})
    assert response.status_code == 200
    assert ids(response) == []


def test_the_etag_changes_when_the_first_comment_of_a_thread_is_approved(listing, publish):
    before = listing().headers["ETag"]
    publish(1)
    assert listing(**{"If-None-Match": before}).status_code == 200


@pytest.fixture
def approve_elsewhere(database_url):
    """Approve a comment from another app on the same database: another web process, or a
    Celery worker, whose commits this process's memory does not hear of."""
    other = create_app(app_config_for(database_url))

    def approve(public_id: str) -> None:
        with other.app_context():
            change_status(find_by_public_id(public_id), Status.APPROVED, actor="moderator:ann")
            db.session.commit()

    yield approve
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("app_config", [{"PUBLISHED_CACHE_SECONDS": 60}])
def test_readers_are_answered_from_memory_within_the_cache_time(listing, post_comment,
                                                               site_policy, approve_elsewhere):
    site_policy(premoderate=True)
    held = post_comment().get_json()["id"]
    before = listing()
    approve_elsewhere(held)
    assert listing().headers["ETag"] == before.headers["ETag"]
    assert ids(listing()) == []


@pytest.mark.parametrize("app_config", [{"PUBLISHED_CACHE_SECONDS": 0.2}])
def test_another_process_decision_reaches_readers_once_the_cache_time_is_over(
        listing, post_comment, site_policy, approve_elsewhere):
    site_policy(premoderate=True)
    held = post_comment().get_json()["id"]
    assert ids(listing()) == []
    approve_elsewhere(held)
    time.sleep(0.25)
    assert ids(listing()) == [held]


def test_counts_are_approved_comments_per_thread(client, publish, post_comment):
    publish(2, thread="a")
    publish(1, thread="b")
    post_comment(thread="b", nickname="bot")  # spam: not counted
    response = client.get("/api/v1/counts?site=news&thread=a&thread=b&thread=never")
    assert response.status_code == 200
    assert response.get_json() == {"counts": {"a": 2, "b": 1, "never": 0}}


def test_counts_take_up_to_100_threads(client, site):
    query = "&".join(f"thread=t{n}" for n in range(100))
    response = client.get(f"/api/v1/counts?site=news&{query}")
    assert response.status_code == 200
    assert len(response.get_json()["counts"]) == 100


def test_counts_refuse_more_than_100_threads(client, site):
    query = "&".join(f"thread=t{n}" for n in range(101))
    response = client.get(f"/api/v1/counts?site=news&{query}")
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["thread"]


def test_counts_need_a_thread(client, site):
    response = client.get("/api/v1/counts?site=news")
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["thread"]


def test_counts_of_an_unknown_site_are_a_field_error(client, site):
    response = client.get("/api/v1/counts?site=elsewhere&thread=a")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"site": ["Unknown site."]}
