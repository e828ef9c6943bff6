"""Link-stuffing is the commonest spam shape: more links than the site allows is held."""

import re

from ...lifecycle import Status
from ...orm import Comment, Site
from .base import CheckResult

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class LinkCount:
    name = "links"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        count = len(_LINK.findall(comment.body))
        if count > site.max_links:
            detail = f"{count} links (site allows {site.max_links})"
            return CheckResult(Status.HELD, [{"check": self.name, "count": count,
                                              "allowed": site.max_links, "detail": detail}])
        return CheckResult()
