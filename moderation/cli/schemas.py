"""What the CLI prints as JSON, each shape dumped by one schema from what a service returns."""

from __future__ import annotations

from marshmallow import Schema, fields

from ..lifecycle import Status


class ExportedComment(Schema):
    """Dumps a data_requests.ExportedComment."""

    id = fields.String(attribute="comment.public_id")
    site = fields.String(attribute="comment.site_id")
    thread = fields.String(attribute="comment.thread.key")
    author_name = fields.String(attribute="comment.author_name")
    author_email = fields.String()
    author_url = fields.String(allow_none=True, attribute="comment.author_url")
    body = fields.String(attribute="comment.body")
    status = fields.Enum(Status, by_value=True, attribute="comment.status")
    created_at = fields.DateTime(format="iso", attribute="comment.created_at")
    ip_address_hash_kept = fields.Boolean()


class ExportedBan(Schema):
    site = fields.String(attribute="site_id")
    reason = fields.String(allow_none=True)
    created_at = fields.DateTime(format="iso")


class ExportedSubscription(Schema):
    site = fields.String(attribute="site_id")
    created_at = fields.DateTime(format="iso")
    confirmed_at = fields.DateTime(format="iso", allow_none=True)
    unsubscribed_at = fields.DateTime(format="iso", allow_none=True)
    undeliverable_at = fields.DateTime(format="iso", allow_none=True)


class AuthorExport(Schema):
    """Dumps a data_requests.AuthorData: everything stored about one address."""

    comments = fields.List(fields.Nested(ExportedComment))
    bans = fields.List(fields.Nested(ExportedBan))
    subscriptions = fields.List(fields.Nested(ExportedSubscription))
    moderator_digests = fields.List(fields.String())


class ModeratorLine(Schema):
    """Dumps a Moderator, never its token digest."""

    name = fields.String()
    site = fields.String(allow_none=True, attribute="site_id")
    role = fields.String()
    created_at = fields.DateTime(format="iso")
    revoked = fields.Function(lambda moderator: moderator.revoked_at is not None)


class SiteSummary(Schema):
    """Dumps a sites.SiteOverview: the site's policy, its digest's addresses masked."""

    id = fields.String(attribute="site.id")
    name = fields.String(attribute="site.name")
    origins = fields.List(fields.String(), attribute="site.allowed_origins")
    premoderate = fields.Boolean(attribute="site.premoderate")
    flood_interval = fields.Integer(attribute="site.flood_interval_seconds")
    max_links = fields.Integer(attribute="site.max_links")
    edit_window = fields.Integer(attribute="site.edit_window_seconds")
    auto_approve_after = fields.Integer(attribute="site.auto_approve_after")
    auto_approve_verified_only = fields.Boolean(attribute="site.auto_approve_verified_only")
    erasure_mode = fields.String(attribute="site.erasure_mode")
    mail_from = fields.String(allow_none=True, attribute="site.mail_from")
    moderator_emails = fields.List(fields.String())
    digest_held_age = fields.Integer(attribute="site.digest_held_age_seconds")
    digest_held_count = fields.Integer(attribute="site.digest_held_count")
    digest_interval = fields.Integer(attribute="site.digest_interval_seconds")
