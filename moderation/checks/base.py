"""What a check is, and how their verdicts combine into one decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..orm import Comment, Site
from ..status import Status

# The most severe verdict wins; spam also stops the remaining checks.
SEVERITY = {Status.APPROVED: 0, Status.HELD: 1, Status.REJECTED: 2, Status.SPAM: 3}


@dataclass
class CheckResult:
    verdict: Status | None = None
    reasons: list[dict] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    model_versions: dict[str, str] = field(default_factory=dict)
    actor: str | None = None


class Check(Protocol):
    name: str

    def run(self, comment: Comment, site: Site) -> CheckResult: ...


@dataclass
class Outcome:
    status: Status
    actor: str
    reasons: list[dict]
    scores: dict[str, float]
    model_versions: dict[str, str]


def decide(checks: Iterable[Check], comment: Comment, site: Site) -> Outcome:
    status, actor = Status.APPROVED, "scoring"
    reasons: list[dict] = []
    scores: dict[str, float] = {}
    versions: dict[str, str] = {}
    for check in checks:
        result = check.run(comment, site)
        reasons += result.reasons
        scores |= result.scores
        versions |= result.model_versions
        if result.verdict and SEVERITY[result.verdict] > SEVERITY[status]:
            status, actor = result.verdict, result.actor or f"check:{check.name}"
        if status == Status.SPAM:
            break
    return Outcome(status, actor, reasons, scores, versions)
