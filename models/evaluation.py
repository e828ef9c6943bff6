"""Leave-one-corpus-out evaluation: per-corpus metrics for the shipped recipe and two baselines.

Every figure comes from a corpus the scored model never saw any of, the way a
news site's comments meet a model trained elsewhere; the worst left-out corpus,
not a pooled number, is what selection and the retrain gate look at.
Thresholds are chosen here from the same held-out scores, so the
precision/recall reported at them is what moderators should expect.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import Pipeline

from . import fairness, report
from .datasets import CIVIL_REFERENCE
from .features import baseline_pipeline
from .normalise import normalise
from .registry import HOLD, Model, Thresholds
from .splits import HeldOut, TrainingSet

Predictor = Callable[[Sequence[str]], np.ndarray]
Prediction = tuple[HeldOut, np.ndarray]

CIVIL_HOLD_SHARE = 0.05  # at most this share of each civil set may be held
# whose civil texts are capped: the civil reference, and Fox News's non-hateful comments (the
# news comments most like a site's own; Civil Comments' civil rows are borderline, not typical)
CIVIL_SPLITS = (CIVIL_REFERENCE, "fox-news")
MIN_FLAGGED = 20  # a precision measured on fewer flagged texts is noise
PROFANITY_CHECK = "alt-profanity-check"
BASELINE = "word+char tf-idf + logreg"
WORST = "worst-left-out"
ECE_BINS = 10


def model_predictor(pipeline: Pipeline) -> Predictor:
    """Scores of a shipped-style pipeline, which reads normalised text."""
    return lambda texts: pipeline.predict_proba([normalise(t) for t in texts])[:, 1]


def baseline_predictor(training: TrainingSet) -> Predictor:
    """The plain baseline: word+char TF-IDF + logistic regression on raw, unweighted text."""
    pipeline = baseline_pipeline().fit(training.texts, training.labels)
    return lambda texts: pipeline.predict_proba(list(texts))[:, 1]


def profanity_check_predictor() -> Predictor | None:
    """alt-profanity-check (the ``bench`` extra), or None when it is not installed."""
    if importlib.util.find_spec("profanity_check") is None:
        return None
    from profanity_check import predict_prob

    return lambda texts: np.asarray(predict_prob(list(texts)), dtype=float)


def held_out_predictions(splits: Sequence[HeldOut], fit: Callable[[TrainingSet], Predictor],
                         prefit: Mapping[str, Predictor] | None = None) -> list[Prediction]:
    """Score each split's test texts with a model fitted on its training set (fitted once each)."""
    fitted = dict(prefit or {})
    predictions = []
    for split in splits:
        if split.train.name not in fitted:
            fitted[split.train.name] = fit(split.train)
        predictions.append((split, fitted[split.train.name](split.test.texts)))
    return predictions


def choose_thresholds(policy: Thresholds, predictions: Sequence[Prediction]) -> dict[str, float]:
    """Pick the shipped thresholds from held-out scores on the comment-like splits.

    Automatic actions must be precise on every split, holds must catch enough on
    every split (the policy says which splits and how precise: spam uses the
    left-out YouTube videos, toxicity left-out TweetEval offensive; see the
    registry). Then the hold rises until it holds at most 5 % of the civil
    reference and of the civil comments of left-out Fox News: on a news site most
    comments are civil, and a queue of false holds is not moderated.
    """
    chosen = [(split.test.labels, scores) for split, scores in predictions
              if split.name.startswith(policy.splits)]
    auto = max(precision_threshold(labels, scores, policy.act_precision)
               for labels, scores in chosen)
    hold = min(recall_threshold(labels, scores, policy.hold_recall) for labels, scores in chosen)
    for split, scores in predictions:
        if split.name in CIVIL_SPLITS:
            civil = scores[split.test.labels == 0]
            hold = max(hold, share_threshold(civil, CIVIL_HOLD_SHARE))
    return {HOLD: min(hold, auto), policy.act: auto}


def share_threshold(scores: np.ndarray, share: float) -> float:
    """The lowest score (to 4 places) at or above which at most ``share`` of ``scores`` lie."""
    ranked = np.sort(scores)[::-1]
    allowed = int(np.floor(share * len(ranked)))
    if allowed >= len(ranked):
        return 0.0
    return round(float(np.floor(np.round(ranked[allowed] * 10_000, 6)) / 10_000 + 0.0001), 4)


def precision_threshold(labels: np.ndarray, scores: np.ndarray, target: float) -> float:
    """The lowest score at which flagging everything at or above it reaches ``target`` precision.

    Returns 1.0 (never act) when no such score flags at least MIN_FLAGGED texts.
    """
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(labels[order])
    flagged = np.arange(1, len(order) + 1)
    ok = (hits / flagged >= target) & (flagged >= MIN_FLAGGED)
    last_tie = np.r_[scores[order][1:] != scores[order][:-1], True]
    ok &= last_tie
    return round(float(scores[order][np.flatnonzero(ok)[-1]]), 4) if ok.any() else 1.0


def recall_threshold(labels: np.ndarray, scores: np.ndarray, target: float) -> float:
    """The highest score at which flagging everything at or above it reaches ``target`` recall."""
    positives = np.sort(scores[labels == 1])[::-1]
    if not len(positives):
        return 1.0
    needed = int(np.ceil(target * len(positives)))
    return float(np.floor(positives[needed - 1] * 10_000) / 10_000)


def expected_calibration_error(labels: np.ndarray, scores: np.ndarray,
                               bins: int = ECE_BINS) -> float:
    """Mean gap between predicted probability and observed rate, over equal-width score bins
    weighted by their share of texts: how far a threshold's meaning drifts on this corpus."""
    which = np.minimum((scores * bins).astype(int), bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, scores, bins) - np.bincount(which, labels, bins))
    return float(gap.sum() / max(count.sum(), 1))


def metrics(labels: np.ndarray, scores: np.ndarray,
            thresholds: Mapping[str, float]) -> dict[str, Any]:
    """ROC-AUC, average precision, ECE, the share of civil (negative) texts held, and
    precision/recall at each threshold."""
    both_classes = 0 < labels.sum() < len(labels)
    civil = labels == 0
    row: dict[str, Any] = {
        "n": len(labels), "positive": int(labels.sum()),
        "roc_auc": round(float(roc_auc_score(labels, scores)), 4) if both_classes else None,
        "average_precision": (round(float(average_precision_score(labels, scores)), 4)
                              if both_classes else None),
        "ece": round(expected_calibration_error(labels, scores), 4) if len(labels) else None,
        "civil_held": (round(float((scores[civil] >= thresholds["hold"]).mean()), 4)
                       if civil.any() and "hold" in thresholds else None),
    }
    for name, threshold in thresholds.items():
        flagged = scores >= threshold
        hits = int((flagged & (labels == 1)).sum())
        row[f"precision@{name}"] = round(hits / flagged.sum(), 4) if flagged.any() else None
        row[f"recall@{name}"] = round(hits / labels.sum(), 4) if labels.any() else None
        row[f"flagged@{name}"] = round(float(flagged.mean()), 4) if len(flagged) else None
    return row


def metric_rows(task: str, model: str, predictions: Sequence[Prediction],
                thresholds: Mapping[str, float]) -> list[dict[str, Any]]:
    rows = [{"task": task, "split": split.name, "model": model,
             **metrics(split.test.labels, scores, thresholds)} for split, scores in predictions]
    left_out = [row for (split, _), row in zip(predictions, rows, strict=True)
                if split.left_out and row["roc_auc"] is not None]
    if left_out:
        rows.append({"task": task, "split": WORST, "model": model,
                     "roc_auc": min(row["roc_auc"] for row in left_out),
                     "average_precision": min(row["average_precision"] for row in left_out),
                     "ece": max(row["ece"] for row in left_out)})
    return rows


def evaluate(task: str, splits: Sequence[HeldOut], shipped: Sequence[Prediction],
             thresholds: Mapping[str, float]) -> list[dict[str, Any]]:
    """Rows for the shipped model's held-out ``shipped`` predictions and both baselines."""
    rows = metric_rows(task, "shipped", shipped, thresholds)
    rows += metric_rows(task, BASELINE, held_out_predictions(splits, baseline_predictor),
                        thresholds)
    profanity = profanity_check_predictor()
    if profanity is None:
        rows.append({"task": task, "split": "all", "model": PROFANITY_CHECK,
                     "note": "not installed (pip install '.[bench]')"})
    else:
        rows += metric_rows(task, PROFANITY_CHECK,
                            held_out_predictions(splits, lambda _: profanity), thresholds)
    return rows


def assess(model: Model, splits: Sequence[HeldOut], shipped: Sequence[Prediction],
           predictor: Predictor, thresholds: Mapping[str, float]) -> dict[str, Any]:
    """The figures a model's metadata and card carry: the rows of :func:`evaluate`, and for a
    model declared with ``fairness`` the identity fairness rows of the shipped ``predictor``."""
    figures: dict[str, Any] = {"metrics": evaluate(model.name, splits, shipped, thresholds)}
    if model.fairness:
        figures["fairness"] = fairness.evaluate(predictor, thresholds[HOLD])
    return figures


def format_table(rows: Sequence[Mapping[str, Any]], keys: Sequence[str] | None = None) -> str:
    """The metric rows as a table (``keys``: by default, the metric rows' columns)."""
    if keys is None:
        keys = ["task", "split", "model", "n", "positive", "roc_auc", "average_precision", "ece",
                "civil_held"]
        keys += sorted({k for row in rows for k in row
                        if k.startswith(("precision@", "recall@", "flagged@"))})
        if any("note" in row for row in rows):
            keys.append("note")
    return report.table(rows, keys)
