"""The shipped spam and toxicity models in the scoring pipeline: what they decide, and why."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models.scoring import ModelScore
from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment, Site
from moderation.scoring.checks import DEFAULT_CHECKS
from moderation.scoring.checks.model_scores import scorer, thresholds_for, verdict
from tests.conftest import make_app, moderator_headers

SPAM = ("Make $5000 a week from home!!! Click http://cash-now.example to earn money, "
        "free gift cards, subscribe to my channel")
ABUSE = "You are a pathetic idiot and a moron. Shut up, you stupid loser."
CIVIL = (
    "The council should publish the full budget before Thursday's vote.",
    "Thanks for the clear reporting on the school closures.",
    "I think the new bus timetable is an improvement for commuters.",
    "My street flooded too; the drains have not been cleared in years.",
    "Does anyone know whether the library will keep its Sunday hours?",
)


@pytest.fixture
def app(database_url, tmp_path, monkeypatch):
    """The app with every check the service runs, models included."""
    app = make_app(database_url, tmp_path, monkeypatch, SCORING_CHECKS=DEFAULT_CHECKS)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_spam_and_abuse_are_not_published_and_civil_comments_are(post_comment, client, site):
    decided = {body: post_comment(body=body).get_json()["status"]
               for body in (SPAM, ABUSE, *CIVIL)}
    assert decided[SPAM] in {"spam", "held"}
    assert decided[ABUSE] in {"rejected", "held"}
    assert all(decided[body] == "approved" for body in CIVIL), decided

    listed = client.get(f"/api/v1/comments?site={site}&thread=2026/11/city-council-budget"
                        "&limit=50").get_json()
    published = {comment["body_html"] for comment in listed["comments"]}
    assert len(published) == len(CIVIL)
    assert not any("idiot" in html or "cash-now" in html for html in published)


def test_a_moderator_sees_the_scores_the_versions_and_the_terms_that_drove_them(
        app, client, post_comment, site):
    held = post_comment(body=ABUSE).get_json()
    headers = moderator_headers(app, "maria", site)
    detail = client.get(f"/api/v1/moderation/comments/{held['id']}", headers=headers).get_json()

    assert detail["toxicity_score"] > detail["spam_score"]
    assert detail["risk"] == pytest.approx(detail["toxicity_score"])
    assert set(detail["model_versions"]) == {"spam", "toxicity"}
    toxicity = next(r for r in detail["reasons"] if r.get("model") == "toxicity")
    assert {"idiot", "moron", "stupid"} & set(toxicity["terms"])
    assert "toxicity" in toxicity["detail"] and "at" in toxicity["detail"]
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.public_id == held["id"]))
        assert comment.model_versions == detail["model_versions"]


def test_the_queue_puts_the_riskiest_first(app, client, site, site_policy):
    # everything waits (nothing refused outright), so the models' order shows
    site_policy(premoderate=True, score_thresholds={"toxicity": {"auto_reject": 1.0},
                                                    "spam": {"auto_spam": 1.0}})
    posted = {body: client.post("/api/v1/comments", json={
        "site": site, "thread": "t", "body": body, "author_name": "A",
        "author_email": f"a{n}@example.com"}).get_json()["id"]
        for n, body in enumerate((CIVIL[0], ABUSE, CIVIL[1]))}
    headers = moderator_headers(app, "maria", site)
    queue = client.get(f"/api/v1/moderation/queue?site={site}&status=held&order=risk",
                       headers=headers).get_json()
    assert queue["comments"][0]["id"] == posted[ABUSE]


def _score(spam: float, toxicity: float) -> dict[str, ModelScore]:
    return {"spam": ModelScore(spam, (), "s1"), "toxicity": ModelScore(toxicity, (), "t1")}


LIMITS = {"spam": {"hold": 0.5, "auto_spam": 0.9},
          "toxicity": {"hold": 0.6, "auto_reject": 1.0}}


@pytest.mark.parametrize(("spam", "toxicity", "expected"), [
    (0.95, 0.99, (Status.SPAM, "spam")),       # the most severe rule wins
    (0.1, 1.0, (Status.HELD, "toxicity")),     # 1.0 is off, even for a score rounded to 1.0
    (0.1, 0.7, (Status.HELD, "toxicity")),
    (0.6, 0.1, (Status.HELD, "spam")),
    (0.49, 0.59, (None, None)),
])
def test_the_first_threshold_a_score_reaches_decides(spam, toxicity, expected):
    assert verdict(_score(spam, toxicity), LIMITS)[:2] == expected


def test_a_site_overrides_single_thresholds():
    site = Site(id="news", score_thresholds={"toxicity": {"hold": 0.95}})
    limits = thresholds_for(site, LIMITS)
    assert limits["toxicity"] == {"hold": 0.95, "auto_reject": 1.0}
    assert limits["spam"] == LIMITS["spam"]
    assert verdict(_score(0.1, 0.7), limits)[:2] == (None, None)


def test_readiness_fails_naming_the_models_when_they_cannot_load(database_url, tmp_path,
                                                                 monkeypatch):
    empty = tmp_path / "no-models"
    empty.mkdir()
    app = make_app(database_url, tmp_path, monkeypatch, MODELS_DIR=str(empty))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["models"] == "not loaded"
    assert "models" in response.get_json()["message"]
    with app.app_context():
        db.engine.dispose()


def test_a_site_tunes_its_thresholds_from_the_command_line(app, client, site, post_comment):
    runner = app.test_cli_runner()
    strict = runner.invoke(args=["sites", "thresholds", site, "--set", "toxicity.hold=0.01",
                                 "--set", "spam.hold=1"])
    assert strict.exit_code == 0, strict.output
    in_force = json.loads(strict.output)
    assert in_force["toxicity"]["hold"] == 0.01 and in_force["spam"]["hold"] == 1
    assert post_comment(body=CIVIL[0]).get_json()["status"] == "held"

    reset = runner.invoke(args=["sites", "thresholds", site, "--reset"])
    with app.app_context():
        assert json.loads(reset.output) == scorer().thresholds


@pytest.mark.parametrize("setting", ["toxicity.auto_spam=0.5", "spam.hold=1.5", "spam.hold=x",
                                     "hold=0.5"])
def test_a_threshold_that_cannot_work_is_refused_by_name(app, site, setting):
    result = app.test_cli_runner().invoke(args=["sites", "thresholds", site, "--set", setting])
    assert result.exit_code != 0
    assert "--set" in result.output and setting.partition("=")[0] in result.output
