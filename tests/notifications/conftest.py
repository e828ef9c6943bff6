"""A real SMTP server in the test process (aiosmtpd) that the app sends to."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the server received, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()  # recipients the server answers 550

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def app_config(inbox) -> dict:
    return {"SMTP_URL": inbox.url, "PUBLIC_BASE_URL": "http://comments.test"}


def link_in(message: EmailMessage, path: str) -> str:
    """The path and query of the link to ``path`` in the email's text body."""
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", text).group(1)


@pytest.fixture
def subscriber(client, post_comment, inbox) -> str:
    """Ann's published comment, posted with the box ticked and her address confirmed."""
    response = post_comment(author_email="ann@example.com", author_name="Ann",
                            notify_replies=True, body="Ann's first remark.")
    assert client.get(link_in(inbox.messages[-1], "/notifications/confirm")
                      ).status_code == 200
    return response.get_json()["id"]
