"""Schemas of the notification links."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class LinkToken(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=512))


class Confirmed(Schema):
    confirmed = fields.Boolean(required=True)
