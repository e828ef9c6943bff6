"""Scoring in batches: each pending comment of a batch is decided once, in one transaction.

The batch is what the relay publishes and the worker's ``score_comments`` task decides;
these tests call it directly on comments left pending (the broker is unreachable).
"""

from __future__ import annotations

import logging
import threading

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from models.scoring import ModelScore
from moderation import scoring
from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Ban, Comment, Site, StatusChange, Thread
from moderation.scoring.checks import DEFAULT_CHECKS, prepare
from moderation.scoring.checks.banned import BannedAuthor
from moderation.scoring.checks.model_scores import ModelScores
from tests.conftest import RULE_CHECKS, comment_payload
from tests.integration_fixtures import closed_port
from workers.celery_app import celery_init_app


@pytest.fixture
def pending(app, client, site):
    """Post comments that stay pending (no broker answers) and return their database ids."""
    app.config["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{closed_port()}/0"

    def post(**overrides) -> int:
        response = client.post("/api/v1/comments", json=comment_payload(**overrides))
        assert response.get_json()["status"] == "pending", response.get_json()
        with app.app_context():
            return db.session.scalar(select(Comment.id).where(
                Comment.public_id == response.get_json()["id"]))

    return post


def decisions(comment_ids) -> dict[int, list[tuple[str, str]]]:
    """Each comment's changes out of pending: (new status, actor)."""
    found: dict[int, list] = {comment_id: [] for comment_id in comment_ids}
    for comment_id, status, actor in db.session.execute(
            select(StatusChange.comment_id, StatusChange.to_status, StatusChange.actor)
            .where(StatusChange.comment_id.in_(found), StatusChange.from_status == "pending")):
        found[comment_id].append((status, actor))
    return found


def statuses(comment_ids) -> dict[int, Status]:
    return dict(db.session.execute(
        select(Comment.id, Comment.status).where(Comment.id.in_(comment_ids))).all())


def test_a_mixed_batch_decides_each_pending_comment_once(app, pending, site):
    clean = pending(body="A clean remark on the budget.")
    bot = pending(body="A bot's remark.", nickname="filled")
    links = pending(body="http://a.example http://b.example http://c.example")
    banned = pending(body="From a banned author.", author_email="banned@example.com")
    decided_before = pending(body="Already decided elsewhere.")
    with app.app_context():
        digest = db.session.scalar(select(Comment.email_digest).where(Comment.id == banned))
        db.session.add(Ban(site_id=site, email_digest=digest, moderator="maria"))
        db.session.commit()
        assert scoring.score_comments([decided_before]) == {decided_before: Status.APPROVED}
        batch = [clean, bot, links, banned, decided_before, clean, 987654]

        assert scoring.score_comments(batch) == {
            clean: Status.APPROVED, bot: Status.SPAM, links: Status.HELD,
            banned: Status.REJECTED}
        made = decisions([clean, bot, links, banned, decided_before])
        assert made == {clean: [("approved", "scoring")], bot: [("spam", "check:honeypot")],
                        links: [("held", "check:links")],
                        banned: [("rejected", "check:banned_author")],
                        decided_before: [("approved", "scoring")]}
        assert scoring.score_comments(batch) == {}  # a re-run is a no-op
        assert decisions(made) == made


def test_approvals_in_a_batch_republish_each_thread_once(app, pending):
    ids = [pending(thread=f"t{n % 2}", body=f"Remark {n}.") for n in range(5)]
    with app.app_context():
        before = dict(db.session.execute(select(Thread.key, Thread.published_version)).all())
        assert set(scoring.score_comments(ids).values()) == {Status.APPROVED}
        after = {key: (count, version) for key, count, version in db.session.execute(
            select(Thread.key, Thread.approved_count, Thread.published_version))}
    assert after == {"t0": (3, before["t0"] + 1), "t1": (2, before["t1"] + 1)}


class Exploding:
    """A check that raises on one comment's text: a bug the comment's input triggers."""

    name = "exploding"

    def __init__(self, victim: str, error: Exception | None = None):
        self.victim, self.error = victim, error or RuntimeError("boom")

    def run(self, comment, site):
        if comment.body == self.victim:
            raise self.error
        return RULE_CHECKS[0].run(comment, site)


def test_a_database_error_mid_batch_leaves_every_comment_of_it_pending(app, pending):
    ids = [pending(thread=f"crash-{n}", body=f"Remark {n}.") for n in range(4)]
    app.config["SCORING_CHECKS"] = (*RULE_CHECKS, Exploding(
        "Remark 2.", OperationalError("UPDATE", {}, Exception("server closed the connection"))))
    with app.app_context():
        with pytest.raises(OperationalError):
            scoring.score_comments(ids)
        assert set(statuses(ids).values()) == {Status.PENDING}
        assert decisions(ids) == {comment_id: [] for comment_id in ids}
        assert set(db.session.scalars(select(Thread.approved_count))) == {0}
        assert set(db.session.scalars(select(Comment.scoring_failures))) == {0}
        app.config["SCORING_CHECKS"] = RULE_CHECKS
        assert len(scoring.score_comments(ids)) == 4  # and the re-run decides them all
        assert all(len(made) == 1 for made in decisions(ids).values())


def failures(comment_id: int) -> int:
    return db.session.scalar(select(Comment.scoring_failures).where(Comment.id == comment_id))


def test_a_comment_whose_checks_raise_fails_alone_and_its_third_failure_holds_it(
        app, pending, caplog):
    ids = [pending(thread=f"poison-{n}", body=f"Remark {n}.") for n in range(4)]
    poison = ids[2]
    app.config["SCORING_CHECKS"] = (*RULE_CHECKS, Exploding("Remark 2."))
    caplog.set_level(logging.INFO, logger="moderation.scoring")
    with app.app_context():
        public_id = db.session.scalar(select(Comment.public_id).where(Comment.id == poison))
        expected = {**dict.fromkeys(ids, Status.APPROVED), poison: Status.PENDING}
        assert scoring.score_comments(ids) == expected
        assert statuses(ids) == expected
        assert db.session.scalar(select(func.sum(Thread.approved_count))) == 3
        assert failures(poison) == 1

        assert scoring.score_comments(ids) == {poison: Status.PENDING}  # the sweeper's retry
        assert failures(poison) == 2
        assert scoring.score_comments(ids) == {poison: Status.HELD}
        held = db.session.get(Comment, poison)
        assert held.reasons == [{"check": "scoring_error", "count": 3,
                                "detail": "scoring failed 3 times"}]
        assert (held.scores, held.scoring_failures) == ({}, 0)
        assert decisions([poison]) == {poison: [("held", "scoring")]}
        assert scoring.score_comments(ids) == {}
    failed = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 3 and all(public_id in line and "RuntimeError" in line
                                     and "Remark" not in line for line in failed)
    assert failed[-1].endswith("failure 3 of 3; held")


def test_in_process_a_comment_whose_checks_raise_is_held_at_once_and_so_is_an_edit(
        app, client, site):
    app.config["SCORING_CHECKS"] = (*RULE_CHECKS, Exploding("poison"))
    accepted = client.post("/api/v1/comments", json=comment_payload(body="poison")).get_json()
    assert accepted["status"] == "held"  # three tries in the request: no sweeper runs here
    clean = client.post("/api/v1/comments", json=comment_payload(body="Fine.")).get_json()
    assert clean["status"] == "approved"
    token = {"X-Author-Token": clean["author_token"]}
    assert client.patch(f"/api/v1/comments/{clean['id']}", json={"body": "poison"},
                        headers=token).status_code == 200
    edited = client.get(f"/api/v1/comments/{clean['id']}", headers=token).get_json()
    assert edited["status"] == "held"
    with app.app_context():
        held = db.session.scalar(select(Comment).where(Comment.public_id == clean["id"]))
        assert held.reasons == [{"check": "scoring_error", "count": 3,
                                "detail": "scoring failed 3 times"}]


class CountingScorer:
    """Stands in for the models: counts calls and scores by the text."""

    def __init__(self):
        self.calls: list[int] = []
        self.thresholds = {"spam": {"auto_spam": 0.9, "hold": 0.7}, "toxicity": {"hold": 0.5}}

    def score(self, texts):
        self.calls.append(len(texts))
        return [{"spam": ModelScore(0.95 if "cash" in text else 0.1, (), "spam-1"),
                 "toxicity": ModelScore(0.6 if "idiot" in text else 0.1, (), "toxicity-1")}
                for text in texts]


class PoisonedScorer(CountingScorer):
    """Models that raise on one text, as normalise did on "@a" * 2500: the whole batch's call
    fails with it."""

    def score(self, texts):
        if "poison" in texts:
            raise RecursionError("maximum recursion depth exceeded")
        return super().score(texts)


def test_a_comment_that_breaks_the_models_batch_call_fails_alone(app, pending, monkeypatch):
    models = PoisonedScorer()
    monkeypatch.setattr("moderation.scoring.checks.model_scores.scorer", lambda: models)
    app.config["SCORING_CHECKS"] = DEFAULT_CHECKS
    ids = [pending(thread=f"m{n}", body=body)
           for n, body in enumerate(["First remark.", "poison", "Last remark."])]
    with app.app_context():
        assert scoring.score_comments(ids) == dict(zip(
            ids, [Status.APPROVED, Status.PENDING, Status.APPROVED], strict=True))
        assert failures(ids[1]) == 1


def test_the_models_score_a_batch_in_one_call_with_the_verdicts_of_one_at_a_time(
        app, pending, monkeypatch):
    fake = CountingScorer()
    monkeypatch.setattr("moderation.scoring.checks.model_scores.scorer", lambda: fake)
    app.config["SCORING_CHECKS"] = DEFAULT_CHECKS
    bodies = ["Earn cash now.", "You idiot.", "A calm remark."]
    ids = [pending(body=body, thread=f"m{n}") for n, body in enumerate(bodies)]
    with app.app_context():
        comments = db.session.scalars(select(Comment).where(Comment.id.in_(ids))
                                      .order_by(Comment.id)).all()
        sites = {site.id: site for site in db.session.scalars(select(Site))}
        one_by_one = [ModelScores().run(comment, sites[comment.site_id]) for comment in comments]
        fake.calls.clear()
        batch = next(check for check in prepare(DEFAULT_CHECKS, comments, sites)
                     if check.name == "models")
        assert [batch.run(comment, sites[comment.site_id]) for comment in comments] == one_by_one
        assert fake.calls == [3]
        db.session.rollback()

        fake.calls.clear()
        assert scoring.score_comments(ids) == dict(zip(
            ids, [Status.SPAM, Status.HELD, Status.APPROVED], strict=True))
        assert fake.calls == [3]


def test_bans_read_for_a_batch_give_the_verdicts_of_one_at_a_time(app, pending, site):
    ids = [pending(author_email=f"author{n}@example.com", body=f"Remark {n}.") for n in range(3)]
    with app.app_context():
        comments = db.session.scalars(select(Comment).where(Comment.id.in_(ids))).all()
        db.session.add(Ban(site_id=site, email_digest=comments[1].email_digest, moderator="m"))
        db.session.flush()
        sites = {site: db.session.get(Site, site)}
        check = BannedAuthor()
        prepared = check.prepare(comments, sites)
        assert ([prepared.run(comment, sites[site]) for comment in comments]
                == [check.run(comment, sites[site]) for comment in comments])
        assert [prepared.run(c, sites[site]).verdict for c in comments] == [
            None, Status.REJECTED, None]
        db.session.rollback()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_overlapping_batches_in_two_threads_decide_each_comment_once(app, pending):
    ids = [pending(thread=f"o{n % 3}", body=f"Remark {n}.") for n in range(40)]
    results, errors = [], []

    def work(batch):
        try:
            with app.app_context():
                results.append(scoring.score_comments(batch))
        except Exception as error:  # reported below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(batch,))
               for batch in (ids, list(reversed(ids)), ids[::2], ids[1::2])]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors
    assert sorted(comment_id for result in results for comment_id in result) == sorted(ids)
    with app.app_context():
        assert all(len(made) == 1 for made in decisions(ids).values())
        assert db.session.scalar(select(func.sum(Thread.approved_count))) == 40


def test_the_task_retries_a_batch_the_database_refused(app, pending, monkeypatch):
    comment_id = pending()
    real, calls = scoring.score_comments, []

    def flaky(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("UPDATE", {}, Exception("server closed the connection"))
        return real(*args)

    monkeypatch.setattr("workers.tasks.SCORING_RETRY_DELAYS", (0.0,))
    monkeypatch.setattr(scoring, "score_comments", flaky)
    assert run_task(app, [comment_id]) == 1
    assert len(calls) == 2
    with app.app_context():
        assert statuses([comment_id]) == {comment_id: Status.APPROVED}


def test_the_task_skips_a_malformed_id_and_scores_a_comment_named_twice_once(app, pending):
    first, second = pending(body="First remark."), pending(body="Second remark.")
    observed = REGISTRY.get_sample_value("moderation_scoring_duration_seconds_count") or 0
    assert run_task(app, [first, "not-an-id", first, second]) == 2
    with app.app_context():
        assert decisions([first, second]) == {first: [("approved", "scoring")],
                                              second: [("approved", "scoring")]}
    assert REGISTRY.get_sample_value("moderation_scoring_duration_seconds_count") == observed + 2


def run_task(app, comment_ids: list) -> int:
    """The worker's task as a worker runs it (in the app's context), without a broker."""
    return celery_init_app(app).tasks["workers.tasks.score_comments"](comment_ids)
