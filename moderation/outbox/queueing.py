"""Publish a named job: by task name to the broker, or to an in-process handler without one.

The app never imports the worker: with a broker it sends the task's name
through a publish-only Celery client (``workers/`` consumes); with none (the
embedded default) each area registers a handler for its jobs, which runs at
once in this process. Publishing never fails its caller: a broker outage
costs latency, not data, since what was not published is still in the
outbox (pending comments, pending webhook deliveries) for the relay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import Celery
from flask import Flask, current_app
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from ..platform.logs import request_id

log = logging.getLogger(__name__)

SCORE_COMMENTS = "workers.tasks.score_comments"
DELIVER_WEBHOOK = "workers.tasks.deliver_webhook"
_HANDLERS = "moderation.job_handlers"

# Shared with the worker's own Celery app (workers/celery_app.py), which also publishes.
PUBLISHING = {
    "task_ignore_result": True,
    # A publisher must not hang on a dead broker: fail fast, the relay tries again.
    "task_publish_retry": False,
    "broker_connection_timeout": 2,
    "broker_connection_retry_on_startup": True,
    # max_retries 0: one connection attempt, not kombu's retries for up to the timeout.
    "broker_transport_options": {"socket_connect_timeout": 2, "socket_timeout": 5,
                                 "max_retries": 0},
    "timezone": "UTC",
}


def publisher(app: Flask) -> Celery:
    """A Celery app that only sends (it knows no tasks), configured from the Flask config."""
    celery = Celery(app.name, set_as_current=False)
    celery.conf.update(broker_url=app.config["CELERY_BROKER_URL"], **PUBLISHING)
    return celery


def has_broker() -> bool:
    return bool(current_app.config["CELERY_BROKER_URL"])


def client() -> Celery:
    """This app's Celery client: the worker's own app in a worker, else a publisher made on
    first use (never Celery's process-wide default, which may be another app's)."""
    celery = current_app.extensions.get("celery")
    if celery is None:
        celery = current_app.extensions["celery"] = publisher(current_app._get_current_object())
    return celery


def register(app: Flask, name: str, handler: Callable[..., object]) -> None:
    """The in-process handler of the job ``name`` (used only without a broker)."""
    app.extensions[_HANDLERS][name] = handler


def publish(name: str, *args: object) -> object:
    """Send the job; returns False if the broker refused it. In-process, returns what its
    handler returned."""
    if not has_broker():
        with current_app.app_context():  # a session of its own, as a worker would have
            return current_app.extensions[_HANDLERS][name](*args)
    try:
        client().send_task(
            name, args, headers={"request_id": request_id.get()})
    except (BrokerError, RedisError, OSError) as error:
        log.warning("broker unavailable, %s left in the outbox: %s", name,
                    type(error).__name__)
        return False
    return True


def init_app(app: Flask) -> None:
    app.extensions[_HANDLERS] = {}
