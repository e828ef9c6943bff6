"""Ops commands: sites, threads and the sweeper."""

from __future__ import annotations

import json


def test_sites_create_and_list(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["sites", "create", "daily", "--origin", "https://Daily.example/",
                                  "--origin", "https://m.daily.example", "--premoderate"])
    assert created.exit_code == 0, created.output
    output = runner.invoke(args=["sites", "list"]).output
    listed = [json.loads(line) for line in output.splitlines()]
    assert listed == [{"id": "daily", "name": "daily", "premoderate": True, "flood_interval": 15,
                       "max_links": 2, "edit_window": 900,
                       "origins": ["https://daily.example", "https://m.daily.example"]}]


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


def test_sweep_reports_what_it_enqueued(app, post_comment):
    post_comment()  # decided in-process: nothing is left pending
    result = app.test_cli_runner().invoke(args=["sweep", "--older-than", "0"])
    assert result.exit_code == 0 and result.output.strip() == "enqueued 0 pending comments"
