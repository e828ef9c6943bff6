"""Opaque keyset cursors: the position after the last row of a page, as (sort values…, id)."""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import UTC, datetime

from sqlalchemy import and_, or_
from sqlalchemy.sql import ColumnElement

from ..errors import ValidationFailed


def encode_cursor(*values: object) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> tuple:
    """Decode and type-check a cursor; anything a client made up is a 422 naming ``cursor``."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("wrong shape")
        return tuple(_typed(value, kind) for value, kind in zip(values, types, strict=True))
    except (ValueError, TypeError, OverflowError, binascii.Error) as error:
        raise ValidationFailed(fields={"cursor": ["Not a valid cursor."]}) from error


def _typed(value: object, kind: type) -> object:
    """Clients can send anything as a cursor: whatever we did not issue must not reach SQL."""
    if kind is datetime:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError("wrong type")
    if kind is int and not 0 <= value < 2**63:  # beyond what any database can bind
        raise ValueError("out of range")
    return value


def after(columns: tuple[ColumnElement, ...], position: tuple, descending: bool) -> ColumnElement:
    """Rows strictly after ``position`` in the order of ``columns``, all in one direction."""
    first, *rest = columns
    value, *remaining = position
    beyond = first < value if descending else first > value
    if not rest:
        return beyond
    return or_(beyond, and_(first == value, after(tuple(rest), tuple(remaining), descending)))
