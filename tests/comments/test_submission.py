"""POST /api/v1/comments: Leave A Reply, as API.md specifies it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment, StatusChange
from tests.conftest import comment_payload

REQUIRED = ["site", "thread", "body", "author_name", "author_email"]


def test_a_clean_comment_is_accepted_and_published(client, post_comment):
    response = post_comment()
    assert response.status_code == 202
    body = response.get_json()
    assert set(body) == {"id", "status", "author_token"}
    assert body["status"] == "approved"  # scored in-process on the embedded default
    listing = client.get("/api/v1/comments?site=news&thread=2026/11/city-council-budget")
    assert [c["id"] for c in listing.get_json()["comments"]] == [body["id"]]


def test_accepted_comment_is_stored_with_its_submission_and_decision(app, post_comment):
    comment_id = post_comment().get_json()["id"]
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == comment_id))
        log = db.session.scalars(select(StatusChange).where(
            StatusChange.comment_id == comment.id).order_by(StatusChange.id)).all()
    assert [(c.from_status, c.to_status, c.actor) for c in log] == [
        (None, "pending", "submission"), ("pending", "approved", "scoring")]
    assert log[0].details == {}  # written by hand (comments/store.py), as the ORM would


def test_ids_are_opaque(post_comment):
    first, second = (post_comment(body=f"comment {n}").get_json()["id"] for n in range(2))
    assert not first.isdigit() and len(first) >= 16 and first != second


@pytest.mark.parametrize("field", REQUIRED)
def test_each_required_field_is_named_when_missing(post_comment, field):
    response = post_comment(**{field: ...})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed"
    assert body["fields"][field] == ["Missing data for required field."]


def test_every_failing_field_is_named_in_one_body(client, site):
    response = client.post("/api/v1/comments", json={"author_url": "ftp://x"})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {*REQUIRED, "author_url"}


@pytest.mark.parametrize("field, value", [
    ("body", "   "), ("body", "x" * 5001), ("author_name", ""), ("author_name", "n" * 81),
    ("thread", "t" * 513), ("author_email", "not-an-address"), ("author_email", "a@b@c.com"),
    ("author_url", "javascript:alert(1)"), ("author_url", "data:text/html,hi"),
    ("author_url", "example.com"), ("author_url", "https://e.com/" + "a" * 2048),
])
def test_field_rules(post_comment, field, value):
    response = post_comment(**{field: value})
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]


def test_lengths_count_after_trimming(post_comment):
    assert post_comment(body="  " + "x" * 5000 + "  ").status_code == 202
    assert post_comment(author_name=" " * 10 + "n" * 80).status_code == 202


def test_website_is_optional_and_empty_means_none(client, post_comment):
    response = post_comment(author_url="", body="first")
    assert response.status_code == 202
    assert post_comment(author_url="https://jane.example/blog", body="second").status_code == 202


def test_unknown_fields_are_rejected(post_comment):
    response = post_comment(admin=True)
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"_unknown": ["Unknown field."]}


def test_unknown_site_is_a_field_error(post_comment):
    response = post_comment(site="nowhere")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"site": ["Unknown site."]}


def test_honeypot_is_accepted_but_marked_spam(app, client, post_comment):
    response = post_comment(nickname="buy-now-bot")
    assert response.status_code == 202
    assert response.get_json()["status"] == "spam"
    listing = client.get("/api/v1/comments?site=news&thread=2026/11/city-council-budget")
    assert listing.get_json()["total"] == 0


def test_same_text_same_thread_from_the_same_address_is_a_duplicate(post_comment):
    first = post_comment(author_email="twice@example.com", body="Same words.")
    again = post_comment(author_email="other@example.com", body="  same   WORDS. ")
    assert first.status_code == 202
    assert again.status_code == 409
    assert again.get_json()["error"] == "duplicate"


def test_same_text_from_another_address_or_to_another_thread_is_fine(client, site):
    def post(ip: str, **overrides):
        payload = comment_payload(author_email="a@example.com", body="Agreed.", **overrides)
        return client.post("/api/v1/comments", json=payload, environ_base={"REMOTE_ADDR": ip})

    assert post("203.0.113.1").status_code == 202
    assert post("203.0.113.2").status_code == 202  # the same email, too: emails decide nothing
    assert post("203.0.113.1", thread="other-article").status_code == 202


def test_a_deleted_comment_is_no_duplicate(client, post_comment):
    first = post_comment(body="Second thoughts.").get_json()
    deleted = client.delete(f"/api/v1/comments/{first['id']}",
                            headers={"X-Author-Token": first["author_token"]})
    assert deleted.status_code == 204
    assert post_comment(body="Second thoughts.").status_code == 202


def test_reply_to_an_approved_comment(client, post_comment):
    parent = post_comment(body="Parent").get_json()["id"]
    reply = post_comment(body="Reply", parent_id=parent)
    assert reply.status_code == 202
    listing = client.get("/api/v1/comments?site=news&thread=2026/11/city-council-budget")
    assert {c["id"]: c["parent_id"] for c in listing.get_json()["comments"]} == {
        parent: None, reply.get_json()["id"]: parent}


def test_reply_to_a_comment_that_is_not_approved_is_refused(post_comment):
    spam = post_comment(nickname="bot").get_json()["id"]
    response = post_comment(body="Reply", parent_id=spam)
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["parent_id"]


def test_reply_across_threads_is_refused(post_comment):
    parent = post_comment(body="Parent", thread="one").get_json()["id"]
    response = post_comment(body="Reply", thread="two", parent_id=parent)
    assert response.status_code == 422


def test_reply_to_unknown_comment_is_refused(post_comment):
    assert post_comment(parent_id="does-not-exist").status_code == 422


def test_closed_thread_refuses_comments(app, post_comment):
    post_comment(thread="closing")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["threads", "close", "news", "closing"]).exit_code == 0
    response = post_comment(thread="closing", body="too late")
    assert response.status_code == 403
    assert response.get_json()["error"] == "thread_closed"


def test_thread_title_and_url_are_recorded_the_first_time(app, post_comment):
    from moderation.comments.lookup import find_thread

    post_comment(thread="t1", thread_title="Budget", thread_url="https://news.example/b")
    post_comment(thread="t1", body="later", thread_title="Changed")
    with app.app_context():
        thread = find_thread("news", "t1")
        assert (thread.title, thread.url) == ("Budget", "https://news.example/b")
