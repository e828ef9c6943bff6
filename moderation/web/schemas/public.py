"""Request and response schemas: the single source for validation, output and the OpenAPI spec."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...lifecycle import Status
from .fields import EmailAddress, HttpUrl, Identifier, OptionalText, Text

HONEYPOT_FIELD = "nickname"


class CommentSubmission(Schema):
    site = Identifier(required=True, validate=validate.Length(min=1, max=64))
    thread = Text(required=True, max_length=512)
    body = Text(required=True, max_length=5000, multiline=True)
    author_name = Text(required=True, max_length=80)
    author_email = EmailAddress(required=True)
    author_url = HttpUrl()
    parent_id = OptionalText(max_length=32, allow_none=True)
    thread_title = OptionalText(max_length=300, allow_none=True)
    thread_url = HttpUrl()
    notify_replies = fields.Boolean(load_default=False, metadata={
        "description": "Email me replies (double opt-in: a confirmation is sent first)."})
    # The widget's honeypot: hidden from humans, filled by bots.
    nickname = fields.String(allow_none=True, data_key=HONEYPOT_FIELD,
                             metadata={"description": "Honeypot: leave empty."})


class CommentEdit(Schema):
    body = Text(required=True, max_length=5000, multiline=True)


class ThreadQuery(Schema):
    site = Identifier(required=True, validate=validate.Length(min=1, max=64))
    thread = Text(required=True, max_length=512)
    sort = fields.String(load_default="oldest", validate=validate.OneOf(["oldest", "newest"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))


class CountsQuery(Schema):
    site = Identifier(required=True, validate=validate.Length(min=1, max=64))
    thread = fields.List(Text(max_length=512), required=True,
                         validate=validate.Length(min=1, max=100))


class SubmissionAccepted(Schema):
    id = fields.String()
    status = fields.Enum(Status, by_value=True)
    author_token = fields.String()


class PublicComment(Schema):
    """The fields anyone may see; never the email, token or IP digests. Dumps a Comment or a
    row of the widget's page (comments/store.py), both of which name public ids as below."""

    public_id = fields.String(data_key="id")
    parent_public_id = fields.String(data_key="parent_id", allow_none=True)
    author_name = fields.String()
    author_url = fields.String(allow_none=True)
    body_html = fields.String()
    created_at = fields.DateTime(format="iso")


class AuthorComment(PublicComment):
    """What the author sees of their own comment: also its status and edit deadline."""

    status = fields.Enum(Status, by_value=True)
    editable_until = fields.DateTime(format="iso")


class ThreadPage(Schema):
    site = fields.String()
    thread = fields.String()
    total = fields.Integer()
    comments = fields.List(fields.Nested(PublicComment))
    next_cursor = fields.String(allow_none=True)


class Counts(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class Error(Schema):
    error = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()))
