"""Authors a moderator banned from the site are rejected without further review."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select

from ...extensions import db
from ...lifecycle import Status
from ...orm import Ban, Comment, Site
from ...platform.database import one_of
from .base import BatchCheck, CheckResult, Prepared


class BannedAuthor(BatchCheck):
    name = "banned_author"

    def prepare(self, comments: Sequence[Comment], sites: Mapping[str, Site]) -> Prepared:
        """One query for the whole batch."""
        digests = {comment.email_digest for comment in comments} - {None}
        bans = {(site_id, digest) for site_id, digest in db.session.execute(
            select(Ban.site_id, Ban.email_digest).where(
                one_of(Ban.site_id, {comment.site_id for comment in comments}),
                one_of(Ban.email_digest, digests)))} if digests else set()
        return Prepared(self, {comment.id: self.verdict(
            (comment.site_id, comment.email_digest) in bans) for comment in comments})

    def verdict(self, banned: bool) -> CheckResult:
        if banned:
            return CheckResult(Status.REJECTED, [{"check": self.name, "detail": "author banned"}])
        return CheckResult()
