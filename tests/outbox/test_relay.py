"""The relay: pending comments are claimed once, handed on in batches, and again once aged."""

from __future__ import annotations

import threading
import time

import psycopg
from sqlalchemy import event, insert, select, text

from moderation.extensions import db
from moderation.lifecycle import Status
from moderation.orm import Comment
from moderation.outbox import relay
from tests.conftest import comment_payload


def pending_comments(app, client, count: int) -> list[int]:
    """Comments left pending: the broker is configured (unreachable), so nothing scores them."""
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    for number in range(count):
        response = client.post("/api/v1/comments", json=comment_payload(body=f"Remark {number}."))
        assert response.get_json()["status"] == "pending"
    with app.app_context():
        ids = db.session.scalars(select(Comment.id).order_by(Comment.id)).all()
        db.session.rollback()
    return list(ids)


def test_two_relays_racing_claim_each_comment_once(app, client, site):
    ids = pending_comments(app, client, 30)
    claims: list[list[int]] = []
    start = threading.Barrier(2)

    def claim_all() -> None:
        with app.app_context():
            start.wait()
            mine = []
            while batch := relay.claim(limit=3):
                mine += batch
            claims.append(mine)
            db.session.remove()

    racers = [threading.Thread(target=claim_all) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    assert sorted(claims[0] + claims[1]) == ids


def test_a_claim_is_taken_again_only_once_it_has_aged(app, client, site):
    ids = pending_comments(app, client, 3)
    with app.app_context():
        assert relay.claim() == ids
        assert relay.claim() == []  # claimed a moment ago: someone is handling them
        assert relay.claim(claim_age=0) == ids  # the message was lost: hand them on again


def test_the_submission_does_not_talk_to_the_broker(app, client, site, monkeypatch):
    def refuse(*_args):
        raise AssertionError("published on the request path")

    monkeypatch.setattr(relay.queueing, "publish", refuse)
    pending_comments(app, client, 1)


def test_a_pending_comment_is_handed_on_by_the_next_poll_without_a_wake_up(
        app, client, site, database_url, monkeypatch):
    """No NOTIFY per comment (it made PostgreSQL commit submissions one at a time): the
    relay's pass every POLL_SECONDS finds the comment by itself."""
    listener = None
    if database_url.startswith("postgresql"):
        listener = psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True)
        listener.execute("LISTEN comments_pending")
    published: list[int] = []
    monkeypatch.setattr(relay.queueing, "publish", lambda _job, ids: published.extend(ids))
    running = relay.InProcessRelay(app)
    try:
        ids = pending_comments(app, client, 1)
        deadline = time.monotonic() + 10 * relay.POLL_SECONDS
        while published != ids and time.monotonic() < deadline:
            time.sleep(relay.POLL_SECONDS / 4)
    finally:
        running.stop()
    assert published == ids
    if listener is not None:
        assert list(listener.notifies(timeout=0.1)) == []
        listener.close()


def test_owed_mail_is_looked_for_once_a_second_while_comments_are_every_poll(
        app, monkeypatch):
    passes: list[bool] = []  # each pass: whether it looked for owed mail
    monkeypatch.setattr(relay, "_pass", passes.append)
    running = relay.InProcessRelay(app)
    time.sleep(1.5 * relay.MAIL_EVERY_SECONDS)
    running.stop()
    assert 1 <= sum(passes) <= 2 < len(passes)


def claim_plans(app) -> list[str]:
    """The plan of each claim statement ``relay.claim`` runs, as the database explains it."""
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("UPDATE COMMENTS"):
            statements.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            relay.claim()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        explain = "EXPLAIN " if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        connection = db.session.connection()
        plans = ["\n".join(str(row[-1]) for row in connection.exec_driver_sql(
            explain + statement, parameters)) for statement, parameters in statements]
        db.session.rollback()
    return plans


def test_the_claim_reads_its_batch_in_id_order_off_an_index(app, client, site):
    """No sort of every unclaimed comment to take a batch (a backlog then cost its square to
    drain). SQLite reads them in id order off the (status, queued_at, id) index, whose
    ``queued_at IS NULL`` is one value; PostgreSQL does not count it so, and reads them off
    ix_comments_unclaimed, which it takes only while the claim's condition is the index's
    own (orm.NEVER_HANDED_ON)."""
    pending_comments(app, client, 3)
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        row = db.session.execute(select(Comment.__table__)).mappings().first()
        copied = {column: value for column, value in row.items() if column != "id"}
        decided = [copied | {"public_id": f"decided-{n}", "status": Status.APPROVED,
                             "queued_at": row["created_at"]} for n in range(3000)]
        db.session.execute(insert(Comment.__table__), decided)
        db.session.execute(text("ANALYZE comments" if postgresql else "ANALYZE"))
        db.session.commit()
    _aged, never_handed_on = claim_plans(app)
    assert ("Sort" if postgresql else "TEMP B-TREE") not in never_handed_on
    assert ("ix_comments_unclaimed" if postgresql else "ix_comments_status_queued"
            ) in never_handed_on
