"""Fit the declared models (:mod:`models.registry`) and write artifacts with model cards.

Each model is fitted on the training set of its widest fold (:mod:`models.folds`)
and evaluated on its held-out splits, where its thresholds are chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.pipeline import Pipeline

from . import artifacts, cards, datasets, evaluation, features, registry
from .normalise import normalise
from .registry import Model
from .splits import HeldOut, TrainingSet


def final_training_set(splits: Sequence[HeldOut]) -> TrainingSet:
    """The training set of the shipped model: the one of the last (widest) split."""
    return splits[-1].train


def fit(model: Model, training: TrainingSet) -> Pipeline:
    """Fit the model's pipeline on normalised texts, with per-corpus weights."""
    pipeline = model.pipeline()
    texts = [normalise(text) for text in training.texts]
    pipeline.fit(texts, training.labels, classifier__sample_weight=training.weights)
    return features.portable(pipeline)


def refitter(model: Model):
    """Fit the model's recipe on a fold's training set, as a predictor of its held-out texts."""
    return lambda training: evaluation.model_predictor(fit(model, training))


def data_block(model: Model, data_dir: Path) -> dict[str, Any]:
    """Which corpus files trained it, and their digest: the metadata's ``data``."""
    files = model.data_files(data_dir)
    return {"sha256": datasets.file_digest(files),
            "files": [path.relative_to(data_dir).as_posix() for path in files]}


def train(data_dir: Path, out_dir: Path, names: Sequence[str] | None = None,
          log=print) -> dict[str, dict[str, Any]]:
    """Fit, evaluate on held-out splits, pick thresholds, save artifacts and model cards
    (``names``: of the declared models; all of them by default)."""
    written = {}
    for model in map(registry.get, names or registry.names()):
        splits = model.held_out(data_dir)
        training = final_training_set(splits)
        log(f"{model.name}: fitting on {len(training.texts)} texts")
        pipeline = fit(model, training)
        log(f"{model.name}: evaluating on held-out splits")
        predictor = evaluation.model_predictor(pipeline)
        predictions = evaluation.held_out_predictions(splits, refitter(model),
                                                      prefit={training.name: predictor})
        thresholds = evaluation.choose_thresholds(model.thresholds, predictions)
        metadata = {
            "thresholds": thresholds,
            **evaluation.assess(model, splits, predictions, predictor, thresholds),
            "training": training.describe(),
            "pipeline": features.describe(pipeline),
            "data": data_block(model, data_dir),
        }
        saved = artifacts.save(pipeline, model.name, out_dir, metadata,
                               created=datetime.now(UTC))
        cards.write(out_dir, saved)
        cards.write_evaluation(out_dir, saved)
        log(f"{model.name}: wrote {artifacts.model_path(out_dir, model.name)} "
            f"({saved['version']})")
        written[model.name] = saved
    return written
