"""The declared models (``models/registry.py``): calibrated scores, mapped to a verdict by the
site's thresholds.

Defaults come with the shipped models (chosen on held-out data: auto-spam only
at high precision, hold at high toxicity recall); a site may override any of
them in ``score_thresholds``, e.g. ``{"toxicity": {"hold": 0.6}}``. A threshold
of 1.0 or more is off: a probability may round to 1.0, a disabled rule must not fire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import current_app

from models import registry
from models.scoring import Scorer, TextScores, load_scorer

from ...lifecycle import Actor, Role, Status
from ...orm import Comment, Site
from .base import SEVERITY, BatchCheck, CheckResult, Prepared

OFF = 1.0


def scorer() -> Scorer:
    """The models of ``MODELS_DIR`` (default: the shipped ones), loaded once per process."""
    return load_scorer(current_app.config["MODELS_DIR"])


def rules() -> list[tuple[Status, str, str]]:
    """(verdict, model, threshold) of every declared model, the most severe verdict first;
    among equal ones the later-declared model first (toxicity's hold before spam's)."""
    declared = [(Status(verdict), model.name, rule)
                for model in reversed(registry.MODELS)
                for rule, verdict in model.thresholds.rules.items()]
    return sorted(declared, key=lambda found: -SEVERITY[found[0]])


def parse_threshold(setting: str) -> tuple[str, str, float]:
    """``toxicity.hold=0.7`` → ``("toxicity", "hold", 0.7)``; ValueError says what is wrong."""
    name, _, value = setting.partition("=")
    model, _, rule = name.strip().partition(".")
    tunable = {declared.name: tuple(declared.thresholds.rules) for declared in registry.MODELS}
    if rule not in tunable.get(model, ()):
        choices = ", ".join(f"{m}.{r}" for m, names in tunable.items() for r in names)
        raise ValueError(f"{name!r} is not one of {choices}")
    try:
        threshold = float(value)
    except ValueError:
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"{name} must be a number from 0 to 1, not {value!r}")
    return model, rule, threshold


def thresholds_for(site: Site, defaults: dict[str, dict[str, float]]) -> dict[str, dict]:
    overrides = site.score_thresholds or {}
    return {model: {**limits, **overrides.get(model, {})} for model, limits in defaults.items()}


def verdict(scores: TextScores, limits: dict[str, dict]
            ) -> tuple[Status | None, str | None, str | None, float | None]:
    """The most severe verdict the scores reach: which model reached it, by which rule at
    which threshold."""
    for status, model, rule in rules():
        threshold = limits[model].get(rule, OFF)
        if threshold < OFF and scores[model].probability >= threshold:
            return status, model, rule, threshold
    return None, None, None, None


class ModelScores(BatchCheck):
    """Scores a whole batch in one call: the models cost far less per text in a batch (one
    sparse matrix product) than one text at a time."""

    name = "models"

    def prepare(self, comments: Sequence[Comment], sites: Mapping[str, Site]) -> Prepared:
        models = scorer()
        scores = models.score([comment.body for comment in comments])
        return Prepared(self, {
            comment.id: result(score, sites[comment.site_id], models.thresholds)
            for comment, score in zip(comments, scores, strict=True)})


def result(scores: TextScores, site: Site,
           defaults: dict[str, dict[str, float]]) -> CheckResult:
    """The verdict, reasons, scores and versions of one comment's model scores."""
    status, decisive, rule, threshold = verdict(scores, thresholds_for(site, defaults))
    reasons = []
    for model, score in scores.items():
        # The rule it reached, if any (None says so: the page words it without one).
        reason = {"check": ModelScores.name, "model": model, "rule": None,
                  "score": round(score.probability, 4), "terms": list(score.terms)}
        detail = f"{model} {score.probability:.2f}"
        if model == decisive:
            reason |= {"rule": rule, "threshold": threshold}
            detail += f" ({rule} at {threshold:g})"
        reasons.append({**reason, "detail": detail})
    return CheckResult(status, reasons,
                       scores={model: score.probability for model, score in scores.items()},
                       model_versions={model: score.version for model, score in scores.items()},
                       actor=str(Actor(Role.MODEL, scores[decisive].version)) if decisive
                       else None)
