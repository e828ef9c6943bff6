"""Render an email from its templates and deliver it: SMTP_URL, or an .eml file without one.

``smtp://``, ``smtps://`` (TLS from the start) and ``smtp+starttls://``, each with
optional ``user:password@``. With no SMTP_URL (``make run``'s embedded default) each
email is written under instance/mail/ and its file name logged, never its address.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

log = logging.getLogger(__name__)

_PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}


def compose(to: str, subject: str, template: str, headers: dict[str, str] | None = None,
            sender: str | None = None, **context: object) -> EmailMessage:
    """A text body with an HTML alternative, from ``mail/<template>.txt`` and ``.html``;
    from ``sender`` (a site's own address), else MAIL_FROM."""
    message = EmailMessage()
    message["From"] = sender or current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@{message['From'].rpartition('@')[2]}>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(render_template(f"mail/{template}.txt", **context))
    message.add_alternative(render_template(f"mail/{template}.html", **context), subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    """Send it; an SMTP error propagates so the task retries with backoff."""
    url = current_app.config["SMTP_URL"]
    if not url:
        _write_eml(message)
        return
    parts = urlsplit(url)
    if parts.scheme not in _PORTS:
        raise ValueError("SMTP_URL must start smtp://, smtps:// or smtp+starttls://")
    host, port = parts.hostname or "localhost", parts.port or _PORTS[parts.scheme]
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(host, port, timeout=10) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)


def _write_eml(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.eml"
    path.write_bytes(message.as_bytes())
    log.info("email written to %s", path.name)
