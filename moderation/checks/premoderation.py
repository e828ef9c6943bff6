"""Sites that pre-moderate see every comment before it is published."""

from ..orm import Comment, Site
from ..status import Status
from .base import CheckResult


class Premoderation:
    name = "premoderation"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        if site.premoderate:
            return CheckResult(Status.HELD, [{"check": self.name, "detail": "site pre-moderates"}])
        return CheckResult()
