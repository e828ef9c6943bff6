"""Verified authors: a confirmed address shows as verified on the review page's data."""

from __future__ import annotations

from tests.conftest import moderator_headers


def test_the_queue_marks_authors_who_confirmed_their_address(
        app, client, subscriber, post_comment, site_policy):
    site_policy(premoderate=True)
    post_comment(author_email="ann@example.com", body="Held, but from a verified author.")
    post_comment(author_email="bob@example.com", notify_replies=True, body="Bob never confirms.")
    queue = client.get("/api/v1/moderation/queue?site=news&status=held",
                       headers=moderator_headers(app, "alice")).get_json()["comments"]
    verified = {c["body"]: c["author_verified"] for c in queue}
    assert verified == {"Held, but from a verified author.": True, "Bob never confirms.": False}
    detail = client.get(f"/api/v1/moderation/comments/{subscriber}",
                        headers=moderator_headers(app, "bob")).get_json()
    assert detail["author_verified"] is True
