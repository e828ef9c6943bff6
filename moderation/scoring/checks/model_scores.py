"""The spam and toxicity models: calibrated scores, mapped to a verdict by the site's thresholds.

Defaults come with the shipped models (chosen on held-out data: auto-spam only
at high precision, hold at high toxicity recall); a site may override any of
them in ``score_thresholds``, e.g. ``{"toxicity": {"hold": 0.6}}``. A threshold
of 1.0 or more is off: a probability may round to 1.0, a disabled rule must not fire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import current_app

from models.scoring import Scorer, TextScore, load_scorer

from ...lifecycle import Actor, Role, Status
from ...orm import Comment, Site
from .base import CheckResult, Prepared

OFF = 1.0
# Most severe first: the first rule a score reaches decides.
RULES = ((Status.SPAM, "spam", "auto_spam"), (Status.REJECTED, "toxicity", "auto_reject"),
         (Status.HELD, "toxicity", "hold"), (Status.HELD, "spam", "hold"))


def scorer() -> Scorer:
    """The models of ``MODELS_DIR`` (default: the shipped ones), loaded once per process."""
    return load_scorer(current_app.config["MODELS_DIR"])


def thresholds_for(site: Site, defaults: dict[str, dict[str, float]]) -> dict[str, dict]:
    overrides = site.score_thresholds or {}
    return {model: {**limits, **overrides.get(model, {})} for model, limits in defaults.items()}


def verdict(score: TextScore, limits: dict[str, dict]) -> tuple[Status | None, str | None, str]:
    """The most severe verdict the scores reach, which model reached it, and which rule."""
    for status, model, rule in RULES:
        threshold = limits[model].get(rule, OFF)
        if threshold < OFF and getattr(score, model) >= threshold:
            return status, model, f"{rule} at {threshold:g}"
    return None, None, ""


class ModelScores:
    """Scores one comment, or a whole batch in one call: the models cost far less per text
    in a batch (one sparse matrix product) than one text at a time."""

    name = "models"

    def run(self, comment: Comment, site: Site) -> CheckResult:
        models = scorer()
        return result(models.score([comment.body])[0], site, models.thresholds)

    def prepare(self, comments: Sequence[Comment], sites: Mapping[str, Site]) -> Prepared:
        models = scorer()
        scores = models.score([comment.body for comment in comments])
        return Prepared(self, {
            comment.id: result(score, sites[comment.site_id], models.thresholds)
            for comment, score in zip(comments, scores, strict=True)})


def result(score: TextScore, site: Site, defaults: dict[str, dict[str, float]]) -> CheckResult:
    """The verdict, reasons, scores and versions of one comment's model scores."""
    status, decisive, rule = verdict(score, thresholds_for(site, defaults))
    versions = {"spam": score.spam_version, "toxicity": score.toxicity_version}
    terms = {"spam": score.spam_terms, "toxicity": score.toxicity_terms}
    reasons = []
    for model in ("spam", "toxicity"):
        value = getattr(score, model)
        detail = f"{model} {value:.2f}" + (f" ({rule})" if model == decisive else "")
        reasons.append({"check": ModelScores.name, "model": model, "score": round(value, 4),
                        "detail": detail, "terms": list(terms[model])})
    return CheckResult(status, reasons, scores={"spam": score.spam, "toxicity": score.toxicity},
                       model_versions=versions,
                       actor=str(Actor(Role.MODEL, versions[decisive])) if decisive else None)
