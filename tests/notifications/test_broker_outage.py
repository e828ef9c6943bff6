"""A confirmation asked for while the broker is down is not lost for the hour: it stays owed
on its subscription, and once the broker is back the sweeper publishes it and a real worker
sends it, once."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from moderation import create_app
from moderation.extensions import db
from moderation.orm import Subscription
from moderation.sites import create_site
from tests import conftest
from tests import integration_fixtures as processes
from tests.conftest import comment_payload, make_app

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

REDIS_DB = 10


@pytest.fixture
def broker(redis_url):
    url = processes.redis_db(redis_url, REDIS_DB)
    yield url
    processes.redis_db(redis_url, REDIS_DB)


def owed(app) -> list:
    with app.app_context():
        due = db.session.scalars(db.select(Subscription.confirmation_due_at)).all()
        db.session.rollback()
        return due


def test_a_confirmation_asked_during_an_outage_is_sent_once_the_broker_is_back(
        postgres_database, broker, inbox, tmp_path, monkeypatch):
    mail = {"SMTP_URL": inbox.url, "PUBLIC_BASE_URL": "http://comments.test"}
    keys = [Fernet.generate_key().decode()]
    down = make_app(postgres_database, tmp_path, monkeypatch, EMAIL_ENCRYPTION_KEYS=keys,
                    CELERY_BROKER_URL=f"redis://127.0.0.1:{processes.closed_port()}/0",
                    MAIL_CLAIM_SECONDS=0, **mail)
    with down.app_context():
        create_site("news", "Daily News", ["https://news.example"], flood_interval_seconds=0)
    response = down.test_client().post("/api/v1/comments", json=comment_payload(
        author_email="ann@example.com", notify_replies=True))
    assert response.status_code == 202
    assert inbox.messages == [] and owed(down) != [None]  # refused by the broker, still owed
    processes.close_broker_connections(down)

    back = create_app(conftest.test_config(postgres_database, EMAIL_ENCRYPTION_KEYS=keys,
                                           CELERY_BROKER_URL=broker, MAIL_CLAIM_SECONDS=0,
                                           **mail))
    runner = back.test_cli_runner()
    for _ in range(2):  # published twice before a worker runs: the address still gets one
        assert runner.invoke(args=["sweep", "--older-than", "0"]).exit_code == 0
    for name, value in mail.items():  # the worker builds its app from the environment
        monkeypatch.setenv(name, value)
    with processes.celery_worker(back, broker, tmp_path):
        processes.wait_for(lambda: inbox.to("ann@example.com"), timeout=30)
        processes.wait_for(lambda: owed(back) == [None], timeout=30)
        again = back.test_client().post("/api/v1/comments", json=comment_payload(
            author_email="ann@example.com", notify_replies=True, body="Asked again."))
        assert again.status_code == 202
        assert runner.invoke(args=["sweep", "--older-than", "0"]).exit_code == 0
        processes.wait_for(lambda: processes.queue_drained(broker), timeout=30)
    [confirmation] = inbox.to("ann@example.com")  # at most one an hour, outage or not
    assert "/notifications/confirm?token=" in confirmation.get_body(("plain",)).get_content()
    processes.close_broker_connections(back)
