"""Sites that pre-moderate see every comment first, except from authors they came to trust.

Trust is WordPress's "previously approved author", keyed on the email HMAC
(not the name, which anyone can type) and needing at least two approved
comments and no refused one, so one lucky comment does not open the gate. A site
may also ask that the author confirmed their address (a verified author).
"""

from sqlalchemy import func, select

from ...extensions import db
from ...lifecycle import REFUSED, Status
from ...notifications.subscriptions import verified_authors
from ...orm import Comment, Site
from .base import CheckResult


def is_trusted(comment: Comment, site: Site) -> bool:
    if site.auto_approve_after < 2 or comment.email_digest is None:
        return False
    if site.auto_approve_verified_only and not verified_authors(site.id, {comment.email_digest}):
        return False
    counts = dict(db.session.execute(
        select(Comment.status, func.count())
        .where(Comment.site_id == site.id, Comment.email_digest == comment.email_digest,
               Comment.status.in_((Status.APPROVED, *REFUSED)))
        .group_by(Comment.status)
    ).all())
    refused = sum(counts.get(status, 0) for status in REFUSED)
    return refused == 0 and counts.get(Status.APPROVED, 0) >= site.auto_approve_after


class Premoderation:
    name = "premoderation"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        if not site.premoderate:
            return CheckResult()
        if is_trusted(comment, site):
            return CheckResult(reasons=[{"check": self.name, "rule": "trusted_author",
                                         "detail": "trusted author"}])
        return CheckResult(Status.HELD, [{"check": self.name, "rule": "premoderated",
                                          "detail": "site pre-moderates"}])
