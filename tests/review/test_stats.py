"""The dashboard's numbers: outcomes, who decided, time to decision, the queue, top reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from moderation.extensions import db
from moderation.orm import Site, StatusChange
from tests.conftest import moderator_headers
from tests.review.conftest import API, decide, set_columns


def stats(client, auth, query: str = "", site: str = "news") -> dict:
    response = client.get(f"{API}/stats?site={site}{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_outcomes_count_every_move_and_a_takedown_apart(client, auth, held):
    first, second, third = held(body="one"), held(body="two"), held(body="three")
    decide(client, auth, first, "approve")
    decide(client, auth, second, "reject")
    decide(client, auth, third, "spam")
    decide(client, auth, first, "takedown")
    totals = stats(client, auth)["totals"]
    assert {key: totals[key] for key in ("held", "approved", "rejected", "spam", "taken_down")} \
        == {"held": 3, "approved": 1, "rejected": 1, "spam": 1, "taken_down": 1}
    # premoderation held all three (automatic); alice made the other four moves
    assert (totals["automatic"], totals["moderator"]) == (3, 4)


def test_each_move_lands_in_its_own_hour(app, client, auth, held):
    comment = held()
    decide(client, auth, comment, "approve")
    now = datetime.now(UTC)
    with app.app_context():  # held three hours ago, approved now
        db.session.execute(update(StatusChange).where(StatusChange.to_status == "held")
                           .values(created_at=now - timedelta(hours=3)))
        db.session.commit()
    body = stats(client, auth, f"&from={(now - timedelta(hours=5)):%Y-%m-%dT%H:%M:%SZ}"
                               f"&to={now:%Y-%m-%dT%H:%M:%SZ}&bucket=hour")
    hours = body["buckets"]
    assert len(hours) == 6 and hours[0]["start"] == body["from"]
    assert [row["held"] for row in hours] == [0, 0, 1, 0, 0, 0]
    assert [row["approved"] for row in hours] == [0, 0, 0, 0, 0, 1]


def test_time_to_decision_runs_from_submission_to_the_first_decision(app, client, auth, held):
    for seconds in (100, 300, 1000):
        comment = held(body=f"waited {seconds}")
        set_columns(app, comment, created_at=datetime.now(UTC) - timedelta(seconds=seconds))
        decide(client, auth, comment, "approve")
    decide(client, auth, comment, "takedown")  # a re-decision is not timed again
    totals = stats(client, auth)["totals"]
    assert totals["decided"] == 3
    assert totals["median_seconds"] == pytest.approx(300, abs=5)
    assert totals["p90_seconds"] == pytest.approx(300 + 0.8 * 700, abs=5)  # percentile_cont


def test_queue_counts_what_awaits_now_with_the_oldest(app, client, auth, held):
    old = held(body="old")
    held(body="newer")
    decide(client, auth, held(body="decided"), "approve")
    set_columns(app, old, created_at=datetime(2026, 11, 1, 8, tzinfo=UTC))
    queue = stats(client, auth)["queue"]
    assert (queue["held"], queue["pending"]) == (2, 0)
    assert queue["oldest_held"].startswith("2026-11-01T08:00")
    assert queue["oldest_pending"] is None


def test_top_reasons_name_the_checks_that_held_comments(app, client, auth, held):
    with app.app_context():
        db.session.get(Site, "news").held_words = ["lawsuit"]
        db.session.commit()
    held(body="a lawsuit is coming")
    held(body="another lawsuit")
    held(body="nothing to see")
    reasons = [(row["check"], row["comments"]) for row in stats(client, auth)["top_reasons"]]
    assert reasons[:2] == [("premoderation", 3), ("word_lists", 2)]


def test_stats_are_per_site_and_scoped_like_the_queue(app, client, auth, held):
    held(body="news one")
    held(site="sport", body="sport one")
    held(site="sport", body="sport two")
    assert stats(client, auth)["totals"]["held"] == 1
    assert stats(client, auth, site="sport")["totals"]["held"] == 2
    sport_only = moderator_headers(app, "sam", "sport")
    assert client.get(f"{API}/stats?site=news", headers=sport_only).status_code == 403


def test_an_empty_period_is_every_bucket_at_zero(client, auth, site):
    body = stats(client, auth, "&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z&bucket=day")
    assert [row["start"][:10] for row in body["buckets"]] == [
        f"2026-01-0{day}" for day in range(1, 8)]
    assert body["totals"]["approved"] == 0 and body["totals"]["median_seconds"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
    ("&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=hour", "from"),
    ("&bucket=week", "bucket"),
    ("&from=1900-01-01T00:00:00Z", "from"),
])
def test_bad_periods_are_422_naming_the_field(client, auth, site, query, field):
    response = client.get(f"{API}/stats?site=news{query}", headers=auth)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_a_year_by_day_is_allowed(client, auth, site):
    body = stats(client, auth, "&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=day")
    assert len(body["buckets"]) == 365


def test_stats_are_in_the_openapi_document(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/api/v1/moderation/stats"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {
        "site", "from", "to", "bucket"}

