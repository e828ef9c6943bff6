"""What a check is, and how their verdicts combine into one decision.

A check decides one comment at a time (``run``). Scoring works in batches, so a
check whose per-comment work is cheaper in bulk (a model, a database lookup) is a
``BatchCheck``: it has only ``prepare(comments, sites)``, called once per batch
before any ``run``, which returns the batch's verdicts as a ``Prepared`` check, and
one comment is a batch of one. It returns a new object rather than storing the
batch on itself, because the check instances are shared by every thread of a process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ...lifecycle import Actor, Role, Status
from ...orm import Comment, Site

# The most severe verdict wins; spam also stops the remaining checks.
SEVERITY = {Status.APPROVED: 0, Status.HELD: 1, Status.REJECTED: 2, Status.SPAM: 3}
# A reason's fields that quote the comment: the words a word list or a model found in its text.
QUOTING = frozenset({"terms"})


def without_quotes(reasons: Iterable[dict]) -> list[dict]:
    """The reasons without the comment's own words: what may be kept once its text is erased,
    and all the status log keeps, so an erasure has only the comment itself to clean."""
    return [{key: value for key, value in reason.items() if key not in QUOTING}
            for reason in reasons]


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


class Prepared:
    """A check with its verdicts on one batch computed up front by its ``prepare``; a
    comment outside that batch is run through the check itself."""

    def __init__(self, check: Check, verdicts: dict[int, CheckResult]):
        self.check, self.verdicts, self.name = check, verdicts, check.name

    def run(self, comment: Comment, site: Site) -> CheckResult:
        verdict = self.verdicts.get(comment.id)
        return verdict if verdict is not None else self.check.run(comment, site)


class BatchCheck:
    """A check written for a batch: ``run`` on one comment prepares a batch of one."""

    name: str

    def prepare(self, comments: Sequence[Comment], sites: Mapping[str, Site]) -> Prepared:
        raise NotImplementedError

    def run(self, comment: Comment, site: Site) -> CheckResult:
        return self.prepare([comment], {comment.site_id: site}).verdicts[comment.id]


def prepare(checks: Iterable[Check], comments: Sequence[Comment],
            sites: Mapping[str, Site]) -> list[Check]:
    """The checks for one batch: each one's ``prepare`` result if it has one, else itself."""
    prepared = []
    for check in checks:
        hook = getattr(check, "prepare", None)
        prepared.append(hook(comments, sites) if hook is not None and comments else check)
    return prepared


@dataclass
class Outcome:
    status: Status
    actor: str
    reasons: list[dict]
    scores: dict[str, float]
    model_versions: dict[str, str]


def decide(checks: Iterable[Check], comment: Comment, site: Site) -> Outcome:
    status, actor = Status.APPROVED, str(Role.SCORING)
    reasons: list[dict] = []
    scores: dict[str, float] = {}
    versions: dict[str, str] = {}
    for check in checks:
        result = check.run(comment, site)
        reasons += result.reasons
        scores |= result.scores
        versions |= result.model_versions
        if result.verdict and SEVERITY[result.verdict] > SEVERITY[status]:
            status, actor = result.verdict, result.actor or str(Actor(Role.CHECK, check.name))
        if status == Status.SPAM:
            break
    return Outcome(status, actor, reasons, scores, versions)
