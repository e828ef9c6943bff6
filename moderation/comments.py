"""Finding a comment by the opaque id clients hold."""

from __future__ import annotations

import re

from sqlalchemy import select

from .extensions import db
from .orm import Comment

# What ``orm.new_public_id`` makes; anything else (a NUL, which PostgreSQL refuses) cannot exist.
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def find_by_public_id(public_id: str) -> Comment | None:
    if not PUBLIC_ID.fullmatch(public_id):
        return None
    return db.session.scalar(select(Comment).where(Comment.public_id == public_id))
