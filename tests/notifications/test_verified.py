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


def test_a_site_may_auto_approve_only_verified_authors(app, client, post_comment, inbox):
    from tests.notifications.conftest import link_in

    runner = app.test_cli_runner()
    result = runner.invoke(args=["sites", "update", "news", "--premoderate",
                                 "--auto-approve-after", "2", "--auto-approve-verified-only"])
    assert result.exit_code == 0, result.output
    headers = moderator_headers(app, "alice")
    for n in (1, 2):  # two approved comments each, none refused
        for author in ("ann", "bob"):
            held = post_comment(author_email=f"{author}@example.com", body=f"{author} {n}",
                                notify_replies=author == "ann").get_json()["id"]
            client.post(f"/api/v1/moderation/comments/{held}/decision",
                        json={"decision": "approve"}, headers=headers)
    client.get(link_in(inbox.to("ann@example.com")[0], "/notifications/confirm"))
    ann = post_comment(author_email="ann@example.com", body="ann, trusted").get_json()
    bob = post_comment(author_email="bob@example.com", body="bob, unverified").get_json()
    assert (ann["status"], bob["status"]) == ("approved", "held")
