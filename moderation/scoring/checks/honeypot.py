"""A filled honeypot field means a bot: spam, with no need to look further."""

from ...lifecycle import Status
from ...orm import Comment, Site
from .base import CheckResult


class Honeypot:
    name = "honeypot"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        if comment.honeypot_filled:
            return CheckResult(Status.SPAM, [{"check": self.name, "detail": "honeypot filled"}])
        return CheckResult()
