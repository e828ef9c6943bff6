"""The demo newsroom: a site, a sample article's comments and a moderator, for ``make run``.

Seeding is idempotent: running it again adds missing origins, leaves existing
comments alone, and issues a fresh token for the demo moderator (tokens are
stored hashed, so an old one cannot be shown again).
"""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .comments.lookup import find_thread
from .comments.submission import submit_comment
from .errors import ApiError
from .extensions import db
from .orm import Moderator, Site
from .privacy import token_digest
from .review.moderators import create_moderator
from .sites import create_site, normalise_origin

DEMO_SITE = "demo"
DEMO_URL = "http://127.0.0.1:8000"
DEMO_ORIGINS = (DEMO_URL, "http://localhost:8000")
DEMO_MODERATOR = "demo-moderator"
# Comments mentioning these are held for a moderator, so the demo shows the review queue.
HELD_WORDS = ("lawsuit",)
# Told of the held comment by the moderators' digest (an .eml under instance/mail/ without
# SMTP_URL), which `moderation serve` sends without a broker.
DEMO_DESK = "desk@demo.example"
ARTICLE = {
    "thread": "2026/05/riverside-library-opens",
    "title": "The old tram depot reopens as a riverside library",
}
OTHER_ARTICLES = (
    {"thread": "2026/05/night-buses-return", "title": "Night buses return to the hill routes"},
    {"thread": "2026/05/allotment-waiting-list", "title": "The allotment waiting list, explained"},
)
# (name, email, text, index of the comment it replies to)
SAMPLE_COMMENTS = (
    ("Maren Ostby", "maren@example.org",
     "I went on opening day. The reading room under the old gantry crane is *wonderful*, "
     "and the children's corner was full by ten.", None),
    ("Tomasz Wilk", "tomasz@example.org",
     "Does anyone know whether the repair café moves in here too, or stays at the market hall?",
     None),
    ("Ada Greenhalgh", "ada@example.org",
     "It moves in next month: the workshop is the glass box by the river entrance.", 1),
    ("Lucas Ferreira", "lucas@example.org",
     "Somebody should file a lawsuit over how long the tram tracks outside stayed unrepaired.",
     None),
)


def seed_site(origins: tuple[str, ...] | list[str] = DEMO_ORIGINS) -> Site:
    """The demo site (not pre-moderated; held words hold; one held comment is a digest for
    its desk); adds any origin it lacks."""
    site = db.session.get(Site, DEMO_SITE)
    if site is None:
        return create_site(DEMO_SITE, "Demo Newsroom", list(origins),
                           held_words=list(HELD_WORDS), flood_interval_seconds=10,
                           moderator_emails=[DEMO_DESK], digest_held_count=1)
    wanted = {normalise_origin(origin) for origin in origins}
    if not wanted <= set(site.allowed_origins or []):
        site.allowed_origins = sorted(wanted | set(site.allowed_origins or []))
        db.session.commit()
    return site


def seed_comments() -> int:
    """Sample comments on the demo article, through the real submission path; once only."""
    if find_thread(DEMO_SITE, ARTICLE["thread"]) is not None:
        return 0
    posted: list[str | None] = []
    for name, email, text, parent in SAMPLE_COMMENTS:
        data = {"site": DEMO_SITE, "thread": ARTICLE["thread"], "thread_title": ARTICLE["title"],
                "body": text, "author_name": name, "author_email": email,
                "parent_id": posted[parent] if parent is not None else None}
        try:
            posted.append(submit_comment(data, ip=None, origin=None).public_id)
        except ApiError:
            # A reply to a comment still queued for scoring (a worker is configured): skip it.
            posted.append(None)
    return sum(public_id is not None for public_id in posted)


def issue_moderator_token() -> str:
    """A fresh token for the demo moderator (demo site only); the previous one stops working."""
    moderator = db.session.scalar(select(Moderator).where(Moderator.name == DEMO_MODERATOR))
    if moderator is None:
        return create_moderator(DEMO_MODERATOR, DEMO_SITE, "moderator")[1]
    token = "mod_" + secrets.token_urlsafe(32)
    moderator.token_digest, moderator.revoked_at = token_digest(token), None
    db.session.commit()
    return token


@click.command("demo")
@with_appcontext
@click.option("--url", default=DEMO_URL, show_default=True,
              help="Where `moderation serve` will listen: allowed as an origin, used in the links.")
def demo(url: str) -> None:
    """Create the demo newsroom (site, sample comments, moderator) and print where to look."""
    if current_app.config["MODERATION_ENV"] == "production":
        raise click.ClickException("the demo newsroom is for development, not production")
    base = url.rstrip("/")
    seed_site((*DEMO_ORIGINS, base))
    seed_comments()
    token = issue_moderator_token()
    click.echo(f"Demo article with the comment widget: {base}/")
    click.echo(f"Review page:                          {base}/moderate/?site={DEMO_SITE}")
    click.echo("Demo moderator token (new on every run; paste it into the review page):")
    click.echo(token)
