"""Every model, declared once: training, evaluation, cards, scoring and the app iterate these.

A model is its name, the pipeline it fits, its corpora and folds, how its
thresholds are chosen and what each one does to a comment, the moderator label
it learns from, its card text, and the key its score has in the moderation API.
Adding one is one :class:`Model` in :data:`MODELS` and its training data; the
app (scoring, site thresholds, the review page) finds it here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.pipeline import Pipeline

from . import card_text, datasets, features, folds
from .splits import HeldOut

HOLD = "hold"
HELD = "held"  # the lifecycle status a hold puts a comment in


@dataclass(frozen=True)
class Thresholds:
    """How the thresholds are chosen from held-out scores on the splits named ``splits*``:
    ``act`` (a comment at or above it gets ``verdict`` with no moderator) at the lowest score
    with ``act_precision`` on every such split, the hold at ``hold_recall`` on every one."""

    splits: str
    act: str
    verdict: str  # a lifecycle status: "spam" or "rejected"
    act_precision: float
    hold_recall: float

    @property
    def rules(self) -> dict[str, str]:
        """Each threshold a site may tune, and the status a score at or above it asks for."""
        return {HOLD: HELD, self.act: self.verdict}


@dataclass(frozen=True)
class Card:
    """The words of the model card that no figure gives."""

    adjective: str  # "Calibrated probability that a comment is <adjective>."
    sources: Sequence[str]
    evaluation: str
    threshold_notes: str
    intended_use: str
    selection: str


@dataclass(frozen=True)
class Model:
    """One model: everything about it that is not a figure measured on its data."""

    name: str
    title: str  # what the review page calls its score
    pipeline: Callable[[], Pipeline]
    held_out: Callable[[Path], list[HeldOut]]  # the folds; the last one trains the shipped model
    data_files: Callable[[Path], list[Path]]  # hashed into the metadata
    thresholds: Thresholds
    label: str  # the field of a moderator label (`moderation labels`) it learns from
    card: Card
    fairness: bool = False  # scored on the identity templates of models/fairness.py

    @property
    def score_key(self) -> str:
        """Its score's key in the moderation API."""
        return f"{self.name}_score"


MODELS: tuple[Model, ...] = (
    Model(
        name="spam", title="Spam", pipeline=features.spam_pipeline,
        held_out=folds.spam_held_out, data_files=datasets.spam_files,
        thresholds=Thresholds(splits="youtube", act="auto_spam", verdict="spam",
                              act_precision=0.98, hold_recall=0.95),
        label="spam",
        card=Card(adjective="spam", sources=card_text.SPAM_SOURCES,
                  evaluation=card_text.SPAM_EVALUATION,
                  threshold_notes=card_text.SPAM_THRESHOLD_NOTES,
                  intended_use=card_text.SPAM_INTENDED_USE, selection=card_text.SPAM_SELECTION)),
    Model(
        name="toxicity", title="Toxicity", pipeline=features.toxicity_pipeline,
        held_out=folds.toxicity_held_out, data_files=datasets.toxicity_files,
        thresholds=Thresholds(splits="tweeteval-offensive", act="auto_reject",
                              verdict="rejected", act_precision=0.95, hold_recall=0.90),
        label="toxic",
        card=Card(adjective="toxic (offensive or hateful)", sources=card_text.TOXICITY_SOURCES,
                  evaluation=card_text.TOXICITY_EVALUATION,
                  threshold_notes=card_text.TOXICITY_THRESHOLD_NOTES,
                  intended_use=card_text.TOXICITY_INTENDED_USE,
                  selection=card_text.TOXICITY_SELECTION),
        fairness=True),
)


def names() -> tuple[str, ...]:
    return tuple(model.name for model in MODELS)


def get(name: str) -> Model:
    """The declared model ``name``; KeyError names the declared ones."""
    for model in MODELS:
        if model.name == name:
            return model
    raise KeyError(f"no model {name!r} (declared: {', '.join(names())})")
