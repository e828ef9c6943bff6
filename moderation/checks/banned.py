"""Authors a moderator banned from the site are rejected without further review."""

from sqlalchemy import select

from ..extensions import db
from ..orm import Ban, Comment, Site
from ..status import Status
from .base import CheckResult


class BannedAuthor:
    name = "banned_author"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        if comment.email_digest is None:
            return CheckResult()
        banned = db.session.scalar(select(Ban.id).where(
            Ban.site_id == site.id, Ban.email_digest == comment.email_digest))
        if banned is not None:
            return CheckResult(Status.REJECTED, [{"check": self.name, "detail": "author banned"}])
        return CheckResult()
