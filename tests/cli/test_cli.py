"""Ops commands: sites, threads and the sweeper."""

from __future__ import annotations

import json


def test_sites_create_and_list(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["sites", "create", "daily", "--origin", "https://Daily.example/",
                                  "--origin", "https://m.daily.example", "--premoderate",
                                  "--moderator-email", "desk@newsroom.example"])
    assert created.exit_code == 0, created.output
    output = runner.invoke(args=["sites", "list"]).output
    listed = [json.loads(line) for line in output.splitlines()]
    assert listed == [{"id": "daily", "name": "daily", "premoderate": True, "flood_interval": 15,
                       "max_links": 2, "edit_window": 900,
                       "origins": ["https://daily.example", "https://m.daily.example"],
                       "auto_approve_after": 0, "auto_approve_verified_only": False,
                       "erasure_mode": "anonymise", "mail_from": None,
                       "moderator_emails": ["d***@n***.example"], "digest_held_age": 3600,
                       "digest_held_count": 20, "digest_interval": 14400}]


def test_sites_create_refuses_a_duplicate_unless_asked_not_to(app):
    runner = app.test_cli_runner()
    args = ["sites", "create", "daily", "--origin", "https://daily.example"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output
    assert runner.invoke(args=[*args, "--if-missing"]).exit_code == 0


def test_sites_create_rejects_a_non_http_origin(app):
    result = app.test_cli_runner().invoke(
        args=["sites", "create", "daily", "--origin", "ftp://daily.example"])
    assert result.exit_code != 0 and "not an http(s) origin" in result.output


def test_closing_an_unknown_thread_fails_clearly(app, site):
    result = app.test_cli_runner().invoke(args=["threads", "close", site, "nope"])
    assert result.exit_code != 0 and "no such thread" in result.output


def test_sweep_reports_what_it_published(app, post_comment):
    post_comment()  # decided in-process: nothing is left pending
    result = app.test_cli_runner().invoke(args=["sweep", "--older-than", "0"])
    assert result.exit_code == 0
    assert result.output.strip() == "published 0 pending comments, deliveries and owed emails"


def test_labels_are_the_latest_moderator_decisions(app, client, site):
    from moderation.extensions import db
    from moderation.orm import Site
    from tests.conftest import comment_payload, moderator_headers

    with app.app_context():
        db.session.get(Site, site).premoderate = True
        db.session.commit()
    moderator, admin = moderator_headers(app, "mo"), moderator_headers(app, "chief", role="admin")
    ids = {}
    for body in ("fair point", "buy cheap pills", "you are an idiot", "undecided"):
        ids[body] = client.post("/api/v1/comments",
                                json=comment_payload(body=body)).get_json()["id"]
    for body, decision, who in (("fair point", "spam", moderator),
                                ("fair point", "approve", admin),  # the latest decision counts
                                ("buy cheap pills", "spam", moderator),
                                ("you are an idiot", "reject", moderator)):
        response = client.post(f"/api/v1/moderation/comments/{ids[body]}/decision",
                               json={"decision": decision}, headers=who)
        assert response.status_code == 200
    result = app.test_cli_runner().invoke(args=["labels"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["text"], r["spam"], r["toxic"]) for r in rows} == {
        ("fair point", 0, 0), ("buy cheap pills", 1, 0), ("you are an idiot", 0, 1)}
    assert "exported 3 labelled comments" in result.stderr


def test_a_plain_http_webhook_is_set_with_a_warning(app, site):
    result = app.test_cli_runner().invoke(
        args=["sites", "webhook", site, "--url", "http://hooks.example/in"])
    assert result.exit_code == 0
    assert "warning: the webhook URL is http://" in result.stderr
    https = app.test_cli_runner().invoke(
        args=["sites", "webhook", site, "--url", "https://hooks.example/in"])
    assert "warning" not in https.stderr
