"""GET|PATCH|DELETE /api/v1/comments/{id} with X-Author-Token: the author's own comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from moderation.extensions import db
from moderation.orm import Comment

THREAD = "2026/11/city-council-budget"
LIST = f"/api/v1/comments?site=news&thread={THREAD}"
COUNTS = f"/api/v1/counts?site=news&thread={THREAD}"
PUBLIC_FIELDS = {"id", "parent_id", "author_name", "author_url", "body_html", "created_at"}


@pytest.fixture
def own(post_comment):
    """Post a comment and return ``(id, headers carrying its author token)``."""

    def post(**overrides) -> tuple[str, dict]:
        accepted = post_comment(**overrides).get_json()
        return accepted["id"], {"X-Author-Token": accepted["author_token"]}

    return post


@pytest.fixture
def held(own, site_policy):
    site_policy(premoderate=True)
    return own()


def url(comment_id: str) -> str:
    return f"/api/v1/comments/{comment_id}"


def listed(client) -> list[str]:
    return [comment["id"] for comment in client.get(LIST).get_json()["comments"]]


def count(client) -> int:
    return client.get(COUNTS).get_json()["counts"][THREAD]


def test_the_author_sees_their_held_comment_with_its_status(client, held):
    comment_id, token = held
    response = client.get(url(comment_id), headers=token)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "held"
    assert (body["id"], body["body_html"]) == (
        comment_id, "<p>A thoughtful remark about the budget.</p>")
    assert set(body) >= PUBLIC_FIELDS
    assert "author_email" not in body and "author_token" not in body


@pytest.mark.parametrize("headers", [{}, {"X-Author-Token": "not-the-token"},
                                     {"X-Author-Token": ""}])
def test_a_held_comment_is_not_found_without_its_token(client, held, headers):
    response = client.get(url(held[0]), headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_another_comments_token_does_not_open_a_held_comment(client, held, own):
    _, other_token = own(body="Someone else's comment.")
    assert client.get(url(held[0]), headers=other_token).status_code == 404


def test_an_approved_comment_is_readable_by_anyone_without_status(client, own):
    comment_id, _ = own()
    response = client.get(url(comment_id))
    assert response.status_code == 200
    assert set(response.get_json()) == PUBLIC_FIELDS


def test_the_author_sees_their_approved_comment_with_status(client, own):
    comment_id, token = own()
    body = client.get(url(comment_id), headers=token).get_json()
    assert body["status"] == "approved"
    assert body["editable_until"] > body["created_at"]


@pytest.mark.parametrize("comment_id", ["does-not-exist", "%00", "x" * 300])
def test_an_unknown_comment_is_not_found(client, site, comment_id):
    response = client.get(url(comment_id))
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_editing_re_renders_the_body(client, own):
    comment_id, token = own()
    response = client.patch(url(comment_id), json={"body": "On *reflection*, no."},
                            headers=token)
    assert response.status_code == 200
    body = response.get_json()
    assert body["body_html"] == "<p>On <em>reflection</em>, no.</p>"
    assert body["status"] == "approved"
    [listed_comment] = client.get(LIST).get_json()["comments"]
    assert listed_comment["body_html"] == body["body_html"]


def test_an_edit_is_scored_again(client, own, site_policy):
    comment_id, token = own()
    site_policy(held_words=["embargo"])
    response = client.patch(url(comment_id), json={"body": "I broke the embargo."},
                            headers=token)
    assert response.status_code == 200
    assert response.get_json()["status"] == "held"
    assert listed(client) == []
    assert count(client) == 0
    assert client.get(url(comment_id)).status_code == 404


def test_the_author_may_edit_a_held_comment(client, held):
    comment_id, token = held
    response = client.patch(url(comment_id), json={"body": "Second thoughts."}, headers=token)
    assert response.status_code == 200
    assert response.get_json()["body_html"] == "<p>Second thoughts.</p>"


def test_deleting_removes_the_comment_everywhere(client, own):
    comment_id, token = own()
    assert count(client) == 1
    response = client.delete(url(comment_id), headers=token)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get(url(comment_id), headers=token).status_code == 404
    assert listed(client) == []
    assert count(client) == 0


def test_a_deleted_comment_cannot_be_edited_or_deleted_again(client, own):
    comment_id, token = own()
    client.delete(url(comment_id), headers=token)
    assert client.patch(url(comment_id), json={"body": "Back."}, headers=token).status_code == 404
    assert client.delete(url(comment_id), headers=token).status_code == 404


@pytest.mark.parametrize("method, payload", [("patch", {"body": "Too late."}),
                                             ("delete", None)])
def test_changes_are_refused_after_the_edit_window(client, own, site_policy, backdate,
                                                   method, payload):
    site_policy(edit_window_seconds=60)
    comment_id, token = own()
    backdate(61, comment_id)
    response = client.open(url(comment_id), method=method.upper(), json=payload,
                           headers=token)
    assert response.status_code == 403
    body = response.get_json()
    assert body["error"] == "edit_window_closed"
    assert "edit window" in body["message"]
    assert listed(client) == [comment_id]
    assert client.get(url(comment_id)).get_json()["body_html"] == (
        "<p>A thoughtful remark about the budget.</p>")


def test_changes_are_allowed_just_inside_the_edit_window(client, own, site_policy, backdate):
    site_policy(edit_window_seconds=60)
    comment_id, token = own()
    backdate(55, comment_id)
    assert client.patch(url(comment_id), json={"body": "Just in time."},
                        headers=token).status_code == 200


def test_a_zero_edit_window_allows_no_changes(client, own, site_policy):
    site_policy(edit_window_seconds=0)
    comment_id, token = own()
    response = client.delete(url(comment_id), headers=token)
    assert response.status_code == 403
    assert response.get_json()["error"] == "edit_window_closed"


@pytest.mark.parametrize("method, payload", [("patch", {"body": "Vandalised."}),
                                             ("delete", None)])
@pytest.mark.parametrize("headers", [{}, {"X-Author-Token": "forged"}])
def test_an_approved_comment_cannot_be_changed_without_its_token(client, own, method, payload,
                                                                 headers):
    comment_id, _ = own()
    response = client.open(url(comment_id), method=method.upper(), json=payload,
                           headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert listed(client) == [comment_id]
    assert client.get(url(comment_id)).get_json()["body_html"] == (
        "<p>A thoughtful remark about the budget.</p>")


@pytest.mark.parametrize("method, payload", [("patch", {"body": "Vandalised."}),
                                             ("delete", None)])
def test_a_held_comment_cannot_be_changed_without_its_token(client, held, method, payload):
    response = client.open(url(held[0]), method=method.upper(), json=payload)
    assert response.status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({}, "body"), ({"body": "   "}, "body"), ({"body": "x" * 5001}, "body"),
    ({"body": "Fine.", "author_name": "Someone Else"}, "_unknown"),
])
def test_an_invalid_edit_names_the_failing_field(client, own, payload, field):
    comment_id, token = own()
    response = client.patch(url(comment_id), json=payload, headers=token)
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_failed"
    assert list(response.get_json()["fields"]) == [field]


def test_an_edit_must_be_json(client, own):
    comment_id, token = own()
    response = client.patch(url(comment_id), data="body=hi", headers=token,
                            content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def close_thread(app) -> None:
    assert app.test_cli_runner().invoke(args=["threads", "close", "news", THREAD]).exit_code == 0


def test_an_edit_on_a_closed_thread_is_refused(app, client, own):
    comment_id, token = own()
    close_thread(app)
    response = client.patch(url(comment_id), json={"body": "Reopened?"}, headers=token)
    assert response.status_code == 403
    assert response.get_json()["error"] == "thread_closed"
    assert client.get(url(comment_id)).get_json()["body_html"] == (
        "<p>A thoughtful remark about the budget.</p>")


def test_the_author_may_still_delete_on_a_closed_thread(app, client, own):
    comment_id, token = own()
    close_thread(app)
    assert client.delete(url(comment_id), headers=token).status_code == 204
    assert listed(client) == []


def edit(client, comment: tuple[str, dict], n: int):
    comment_id, token = comment
    return client.patch(url(comment_id), json={"body": f"Edit {n}."}, headers=token)


def test_an_eleventh_edit_within_fifteen_minutes_is_rate_limited(client, own):
    comment = own()
    assert [edit(client, comment, n).status_code for n in range(10)] == [200] * 10
    refused = edit(client, comment, 10)
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    assert client.get(url(comment[0])).get_json()["body_html"] == "<p>Edit 9.</p>"
    assert client.delete(url(comment[0]), headers=comment[1]).status_code == 204


@pytest.mark.parametrize("app_config", [{"COMMENT_EDIT_LIMIT": "2/minute"}])
def test_the_edit_cap_opens_again_after_its_period(app, client, own):
    comment = own()
    assert [edit(client, comment, n).status_code for n in range(3)] == [200, 200, 429]
    with app.app_context():
        stored = db.session.scalar(select(Comment).where(Comment.public_id == comment[0]))
        stored.recent_edits_since -= timedelta(seconds=61)
        db.session.commit()
    assert [edit(client, comment, n).status_code for n in range(3)] == [200, 200, 429]
