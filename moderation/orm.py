"""Database tables: sites, threads, comments and the append-only status-change log."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .lifecycle import Status


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_public_id() -> str:
    """Opaque, unguessable comment ids: sequential ids would leak volume and invite scraping."""
    return secrets.token_urlsafe(12)


class UTCDateTime(db.TypeDecorator):
    """Timezone-aware UTC on every backend (SQLite forgets the zone)."""

    impl = db.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Site(db.Model):
    """A news site (tenant) and its moderation policy."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    flood_interval_seconds: Mapped[int] = mapped_column(default=15)
    max_links: Mapped[int] = mapped_column(default=2)
    blocked_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    held_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    premoderate: Mapped[bool] = mapped_column(default=False)
    edit_window_seconds: Mapped[int] = mapped_column(default=15 * 60)
    score_thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    # Skip pre-moderation for authors with this many approved comments and none refused (0: off).
    auto_approve_after: Mapped[int] = mapped_column(default=0)
    # Trust only authors who confirmed their address (notifications' double opt-in).
    auto_approve_verified_only: Mapped[bool] = mapped_column(default=False)
    # What a privacy erasure does to an author's comments: "anonymise" or "delete".
    erasure_mode: Mapped[str] = mapped_column(String(16), default="anonymise")
    # Signed notifications of status changes to the site's own systems; the signing secret
    # is kept encrypted like emails (privacy.seal_secret).
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    webhook_secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The From of this site's mail (None: MAIL_FROM).
    mail_from: Mapped[str | None] = mapped_column(String(320))
    # Who gets the moderators' digest: a JSON list of addresses, sealed like an email
    # (sites.moderator_emails opens it); None, no digest.
    moderator_emails_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    # A digest is due once the oldest held comment is this old, or this many are held;
    # at most one per digest interval (digest_sent_at: the last).
    digest_held_age_seconds: Mapped[int] = mapped_column(default=3600)
    digest_held_count: Mapped[int] = mapped_column(default=20)
    digest_interval_seconds: Mapped[int] = mapped_column(default=4 * 3600)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Thread(db.Model):
    """An article, keyed by whatever the site uses (slug, id or canonical URL)."""

    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    key: Mapped[str] = mapped_column(String(512))
    title: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2048))
    closed: Mapped[bool] = mapped_column(default=False)
    # Bumped whenever the set of published comments changes: the list's ETag.
    published_version: Mapped[int] = mapped_column(default=0)
    approved_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        # the hot read: approved comments of a thread in order
        Index("ix_comments_thread_status_created", "thread_id", "status", "created_at", "id"),
        # duplicate and flood checks (by address, ix_comments_ip_created), an author's comments
        Index("ix_comments_thread_body_address", "thread_id", "body_digest", "ip_digest"),
        Index("ix_comments_author_created", "email_digest", "created_at"),
        Index("ix_comments_ip_created", "ip_digest", "created_at"),
        # the sweeper
        Index("ix_comments_status_created", "status", "created_at"),
        # the relay (outbox/relay.py): its probe and aged claims (ix_comments_unclaimed,
        # below the class, serves its claims of comments never handed on)
        Index("ix_comments_status_queued", "status", "queued_at", "id"),
        # the review queue, riskiest first, and authors' histories
        Index("ix_comments_queue_risk", "site_id", "status", "risk", "id"),
        Index("ix_comments_site_author_status", "site_id", "email_digest", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    author_name: Mapped[str] = mapped_column(String(80))
    email_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_digest: Mapped[str | None] = mapped_column(String(64))
    author_url: Mapped[str | None] = mapped_column(String(2048))
    author_token_digest: Mapped[str] = mapped_column(String(64))
    ip_digest: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    body_digest: Mapped[str] = mapped_column(String(64))
    body_html: Mapped[str] = mapped_column(Text)
    honeypot_filled: Mapped[bool] = mapped_column(default=False)
    status: Mapped[Status] = mapped_column(
        db.Enum(Status, native_enum=False, length=16,
                values_callable=lambda statuses: [s.value for s in statuses]),
        default=Status.PENDING,
    )
    # Each declared model's score (models/registry.py), by model name; empty until scored.
    scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    # Queue order: the highest of the model scores (0 until scored by a model).
    risk: Mapped[float] = mapped_column(default=0.0)
    # Scoring runs that raised on this comment since it was last decided; the third holds it.
    scoring_failures: Mapped[int] = mapped_column(default=0)
    # When a relay last handed it to the queue (None: not yet); the outbox's claim.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)
    # Optimistic concurrency: a change to a row someone else changed first fails (409).
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}
    reasons: Mapped[list[dict]] = mapped_column(JSON, default=list)
    model_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The author's edit cap (COMMENT_EDIT_LIMIT): edits in the window begun at recent_edits_since.
    recent_edits: Mapped[int] = mapped_column(default=0)
    recent_edits_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()
    thread: Mapped[Thread] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    @property
    def parent_public_id(self) -> str | None:
        """What the public API calls the parent: its public id, never the row's."""
        return self.parent.public_id if self.parent else None

    @property
    def editable_until(self) -> datetime:
        """Its author may edit or delete it until then (the site's edit window)."""
        return self.created_at + timedelta(seconds=self.site.edit_window_seconds)


# Pending, with the status written into the SQL: a prepared statement's generic plan knows
# nothing of a bound value, and for "any pending?" PostgreSQL then chose to scan the whole
# table expecting a hit within a few rows.
PENDING = Comment.status == literal_column(f"'{Status.PENDING.value}'")
# Never handed on to scoring: what the relay claims, a batch at a time in id order. Its
# partial index (migration 0019) holds only these comments, so a claim reads about its batch
# instead of every unclaimed comment; the planner uses it only for this very predicate.
NEVER_HANDED_ON = and_(PENDING, Comment.queued_at.is_(None))
Index("ix_comments_unclaimed", Comment.id, postgresql_where=NEVER_HANDED_ON,
      sqlite_where=NEVER_HANDED_ON)


class Moderator(db.Model):
    """A person working the review queue; only a hash of their token is kept."""

    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"))  # None: every site
    role: Mapped[str] = mapped_column(String(16), default="moderator")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Ban(db.Model):
    """An author barred from a site, by email HMAC: their new comments are rejected."""

    __tablename__ = "bans"
    __table_args__ = (UniqueConstraint("site_id", "email_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    email_digest: Mapped[str] = mapped_column(String(64))
    moderator: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(db.Model):
    """An address that asked a site for reply notifications (double opt-in, issue #17).

    The address is sealed like a comment's (privacy.seal_email) and found by its HMAC; until
    ``confirmed_at`` only the one confirmation email may be sent to it.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("site_id", "email_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    email_digest: Mapped[str] = mapped_column(String(64))
    email_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set, nothing more is sent: the reader unsubscribed, or the address bounced (CLI).
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undeliverable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Replies published up to here were notified: a rerun of a job sends nothing twice.
    notified_through: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outbox of this address's mail (notifications/due.py): set, a confirmation or a
    # reply email is owed, and a relay publishes its job once this time has come.
    confirmation_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    replies_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(db.Model):
    """Outbox and delivery log: written with the status change, sent after commit.

    A row names the comment and the status its event announces, never what the comment
    says: webhooks.deliver builds the body when it sends, so an erasure leaves nothing here
    to scrub and an event still waiting goes out with the comment as it is by then.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # X-Moderation-Delivery: random, so receivers learn nothing of other tenants' volume
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    event: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # delivered | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatusChange(db.Model):
    """Append-only: who or what moved a comment from one status to another, and why."""

    __tablename__ = "status_changes"
    # the dashboard (review/stats.py): a site's moves into a status over a period, read
    # index-only on PostgreSQL, with no join to the comments
    __table_args__ = (Index("ix_status_changes_site_moves", "site_id", "to_status", "created_at",
                            postgresql_include=["from_status", "actor", "comment_created_at",
                                                "comment_id"]),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    # copies of the comment's, which never change: the dashboard counts and times a site's
    # moves from the log alone
    site_id: Mapped[str] = mapped_column(String(64))
    comment_created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    comment: Mapped[Comment] = relationship()
