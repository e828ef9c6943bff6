"""Schemas of the moderation API (requests, and responses for the OpenAPI spec)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from models import registry

from ...lifecycle import MODERATOR_ACTIONS, Status
from ...orm import utcnow
from ...review.queue import ORDERS
from ...review.stats import BUCKETS, MAX_BUCKETS, buckets_between
from .fields import Identifier, Text


def _reason() -> Text:
    """A moderator's free-text reason, kept in the audit log: controls stripped, optional."""
    return Text(min_length=0, max_length=1000, multiline=True, allow_none=True)


class QueueQuery(Schema):
    site = Identifier(required=True, validate=validate.Length(min=1, max=64))
    status = fields.Enum(Status, by_value=True, load_default=Status.HELD)
    order = fields.String(load_default="risk", validate=validate.OneOf(list(ORDERS)))
    thread = Identifier(validate=validate.Length(max=512))
    reason = Identifier(validate=validate.Length(max=120), metadata={
        "description": "What decided the status, by prefix: check:links, check:word_lists, "
                       "model:toxicity, …"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=300))


class DecisionRequest(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(MODERATOR_ACTIONS))
    reason = _reason()


class BulkItem(DecisionRequest):
    id = fields.String(required=True, validate=validate.Length(min=1, max=32))


class BulkRequest(Schema):
    decisions = fields.List(fields.Nested(BulkItem), required=True,
                            validate=validate.Length(min=1, max=500))


class BanRequest(Schema):
    reason = _reason()


class AuditQuery(Schema):
    site = Identifier(required=True, validate=validate.Length(min=1, max=64))
    moderator = Identifier(validate=validate.Length(max=80))
    comment = Identifier(validate=validate.Length(max=32))
    since = fields.AwareDateTime(default_timezone=UTC)
    until = fields.AwareDateTime(default_timezone=UTC)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, validate=validate.Length(max=300))


class ThreadRef(Schema):
    key = fields.String()
    title = fields.String(allow_none=True)
    url = fields.String(allow_none=True)


class AuthorHistory(Schema):
    approved = fields.Integer()
    held = fields.Integer()
    rejected = fields.Integer()
    spam = fields.Integer()


class HistoryEntry(Schema):
    """Dumps a StatusChange."""

    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String()
    reason = fields.String(allow_none=True)
    at = fields.DateTime(format="iso", attribute="created_at")


# One <model>_score per declared model, read from the comment's scores mapping (null: unscored).
ModelScoreFields = Schema.from_dict({
    model.score_key: fields.Float(allow_none=True, attribute=f"comment.scores.{model.name}",
                                  dump_default=None, metadata={"description": model.title})
    for model in registry.MODELS}, name="ModelScoreFields")


class ReviewComment(ModelScoreFields):
    """Dumps a review.queue.ReviewedComment: the comment's own fields, then the review's."""

    id = fields.String(attribute="comment.public_id")
    site = fields.String(attribute="comment.site_id")
    status = fields.Enum(Status, by_value=True, attribute="comment.status")
    thread = fields.Nested(ThreadRef, attribute="comment.thread")
    parent_id = fields.String(allow_none=True, attribute="comment.parent_public_id")
    author_name = fields.String(attribute="comment.author_name")
    author_email = fields.String(allow_none=True, metadata={"description": "Masked: j***@e***.com"})
    author_url = fields.String(allow_none=True, attribute="comment.author_url")
    body = fields.String(attribute="comment.body")
    body_html = fields.String(attribute="comment.body_html")
    risk = fields.Float(attribute="comment.risk")
    reasons = fields.List(fields.Dict(), attribute="comment.reasons")
    model_versions = fields.Dict(keys=fields.String(), values=fields.String(),
                                 attribute="comment.model_versions")
    decided_by = fields.String(allow_none=True, attribute="comment.decided_by")
    created_at = fields.DateTime(format="iso", attribute="comment.created_at")
    decided_at = fields.DateTime(format="iso", allow_none=True, attribute="comment.decided_at")
    author_history = fields.Nested(AuthorHistory, allow_none=True)
    author_verified = fields.Boolean(metadata={
        "description": "The author confirmed their address (reply notifications' double opt-in)."})
    actions = fields.List(fields.String(), metadata={
        "description": "What this moderator may do to the comment now (see /actions)."})


class ReviewCommentDetail(ReviewComment):
    history = fields.List(fields.Nested(HistoryEntry))


class QueuePage(Schema):
    comments = fields.List(fields.Nested(ReviewComment))
    next_cursor = fields.String(allow_none=True)


class BulkResult(Schema):
    id = fields.String()
    ok = fields.Boolean()
    status = fields.Enum(Status, by_value=True, allow_none=True)
    error = fields.String(allow_none=True)
    message = fields.String(allow_none=True)


class BulkResponse(Schema):
    results = fields.List(fields.Nested(BulkResult))
    succeeded = fields.Integer()
    failed = fields.Integer()


class ModeratorAction(Schema):
    name = fields.String()
    target = fields.Enum(Status, by_value=True)
    sources = fields.List(fields.Enum(Status, by_value=True))
    label = fields.String(metadata={"description": "The review page's button."})
    done = fields.String(metadata={"description": "What the review page says once it is done."})
    key = fields.String(metadata={"description": "The review page's keyboard shortcut."})


class ModeratorActions(Schema):
    actions = fields.List(fields.Nested(ModeratorAction))


class ScoringModel(Schema):
    name = fields.String()
    title = fields.String(metadata={"description": "What the review page calls its score."})
    score_key = fields.String(metadata={"description": "Its score's key in a comment."})


class ScoringModels(Schema):
    models = fields.List(fields.Nested(ScoringModel))


class BanResponse(Schema):
    banned = fields.Boolean()


class AuditEntry(HistoryEntry):
    """Dumps a StatusChange with its comment loaded."""

    comment_id = fields.String(attribute="comment.public_id")
    reasons = fields.List(fields.Dict(), attribute="details.reasons", dump_default=list, metadata={
        "description": "Why scoring made this change: its reasons as in the queue (`check`, the "
                       "check's parameters, the English `detail`) without `terms`, for the "
                       "review page to word in the moderator's language; `reason` joins their "
                       "details. Empty for a moderator's change (`reason` is their own words) "
                       "and for changes logged before reasons were kept."})


class AuditPage(Schema):
    entries = fields.List(fields.Nested(AuditEntry))
    next_cursor = fields.String(allow_none=True)


# Dates the dashboard can mean: no bucket arithmetic overflows near datetime's limits.
_STATS_DATES = validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC),
                              max=datetime(2100, 1, 1, tzinfo=UTC))


class StatsQuery(Schema):
    site = Identifier(required=True, validate=validate.Length(min=1, max=64))
    start = fields.AwareDateTime(
        data_key="from", default_timezone=UTC, validate=_STATS_DATES,
        metadata={"description": "Start of the period (default: 7 days before `to`), rounded "
                                 "down to its bucket."})
    end = fields.AwareDateTime(
        data_key="to", default_timezone=UTC, validate=_STATS_DATES,
        metadata={"description": "End of the period, exclusive (default: now)."})
    bucket = fields.String(load_default="hour", validate=validate.OneOf(list(BUCKETS)))

    @validates_schema
    def _period(self, data: dict, **kwargs) -> None:
        start, end = data.get("start"), data.get("end") or utcnow()
        if start is None:
            return
        if start >= end:
            raise ValidationError("Must be after from.", "to")
        if buckets_between(start, end, data.get("bucket", "hour")) > MAX_BUCKETS:
            raise ValidationError(f"At most {MAX_BUCKETS} buckets: a shorter period or "
                                  "bucket=day.", "from")

    @post_load
    def _defaults(self, data: dict, **kwargs) -> dict:
        data.setdefault("end", utcnow())
        data.setdefault("start", data["end"] - timedelta(days=7))
        return data


class StatsCounts(Schema):
    approved = fields.Integer(metadata={"description": "Moves into approved."})
    held = fields.Integer(metadata={"description": "Moves into held (awaiting a moderator)."})
    spam = fields.Integer()
    rejected = fields.Integer(metadata={"description": "Moves into rejected, takedowns aside."})
    taken_down = fields.Integer(metadata={"description": "A moderator's takedown: approved to "
                                                         "rejected."})
    automatic = fields.Integer(metadata={"description": "Of those moves, made by scoring, a "
                                                        "check or a model."})
    moderator = fields.Integer(metadata={"description": "Of those moves, made by a moderator."})
    decided = fields.Integer(metadata={"description": "First decisions timed (approved, spam "
                                                      "or rejected out of pending or held)."})
    median_seconds = fields.Float(allow_none=True, metadata={
        "description": "Median seconds from submission to the first decision, interpolated "
                       "as PostgreSQL's percentile_cont. Exact on SQLite, and on PostgreSQL "
                       "for a completed hour of a period by hour or a completed UTC day of a "
                       "period by day. The totals and the other buckets come from waits "
                       "binned 2 % wide, each taken as its bin's mean: exact while a bin "
                       "holds one distinct wait, else within 2 % (about 1 % typically)."})
    p90_seconds = fields.Float(allow_none=True, metadata={
        "description": "90th percentile of the same, with the same precision."})


class StatsBucket(StatsCounts):
    start = fields.DateTime(format="iso")


class StatsQueue(Schema):
    at = fields.DateTime(format="iso", metadata={"description": "Now: the queue as it is."})
    pending = fields.Integer()
    held = fields.Integer()
    oldest_pending = fields.DateTime(format="iso", allow_none=True)
    oldest_held = fields.DateTime(format="iso", allow_none=True)


class StatsReason(Schema):
    check = fields.String(metadata={"description": "A check of `reasons[*].check`."})
    comments = fields.Integer(metadata={"description": "Comments held in the period it named."})


class Stats(Schema):
    site = fields.String()
    from_ = fields.DateTime(format="iso", data_key="from", attribute="from")
    to = fields.DateTime(format="iso")
    bucket = fields.String()
    buckets = fields.List(fields.Nested(StatsBucket), metadata={
        "description": "Every bucket of the period, oldest first, empty ones included."})
    totals = fields.Nested(StatsCounts)
    queue = fields.Nested(StatsQueue)
    top_reasons = fields.List(fields.Nested(StatsReason), metadata={
        "description": "The checks that held comments in the period, most frequent first."})
