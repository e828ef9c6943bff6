"""Assemble the training sets, fit the shipped pipelines, and write artifacts with model cards.

Training sets weigh their corpora (see the model cards for why): the SMS corpus
teaches spam vocabulary but is another domain, so it counts for less than the
YouTube comments; TweetEval-hate and Davidson label "toxic" differently from
TweetEval-offensive (the definition closest to moderating comments), so they
count for less. Davidson is split by class: its "neither" tweets are clean tweets
like any other and count fully, its "offensive" class (mostly slang and quoted
profanity) counts least. Half of the civil reference of the toxicity model (the
YouTube comments and SMS messages that are not spam) is added as clean examples
of ordinary text; the other half stays held out for choosing the hold threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from . import artifacts, cards, datasets, evaluation, features
from .datasets import Corpus
from .normalise import normalise

SMS_WEIGHT = 0.1
TOXICITY_WEIGHTS = {"tweeteval-offensive-train": 1.0, "tweeteval-hate-train": 0.3,
                    "davidson-train-hate": 0.3, "davidson-train-offensive": 0.15,
                    "davidson-train-neither": 1.0, "civil-train": 0.3}
CIVIL_TRAIN_FRACTION = 0.5  # of the toxicity civil reference; the rest stays held out


@dataclass(frozen=True)
class TrainingSet:
    """Corpora and the weight each row of them gets when fitting."""

    name: str
    parts: tuple[tuple[Corpus, float], ...]

    @property
    def texts(self) -> list[str]:
        return [text for corpus, _ in self.parts for text in corpus.texts]

    @property
    def labels(self) -> np.ndarray:
        return np.concatenate([corpus.labels for corpus, _ in self.parts])

    @property
    def weights(self) -> np.ndarray:
        return np.concatenate([np.full(len(corpus), w, dtype=float) for corpus, w in self.parts])

    def describe(self) -> list[dict[str, Any]]:
        return [{"corpus": c.name, "rows": len(c), "positive": int(c.labels.sum()), "weight": w}
                for c, w in self.parts]


@dataclass(frozen=True)
class HeldOut:
    """One evaluation split: test rows the model trained on ``train`` never saw."""

    name: str
    test: Corpus
    train: TrainingSet


def civil_reference(corpora: Sequence[Corpus]) -> Corpus:
    """The clean rows of another task's corpora: ordinary text this model never trained on.

    Held-out corpora are the other domain's own mix of positives; a news site's
    comments are mostly civil, and how many of those a threshold would hold is
    what decides whether moderators can keep up. See ``evaluation.choose_thresholds``.
    """
    clean = datasets.concat(datasets.CIVIL_REFERENCE, corpora)
    return clean.subset(datasets.CIVIL_REFERENCE, np.flatnonzero(clean.labels == 0))


def spam_held_out(data_dir: Path) -> list[HeldOut]:
    """Leave-one-video-out over the YouTube files, the SMS test split (second domain), and
    the civil reference: non-offensive, non-hateful tweets of the TweetEval val splits."""
    videos = datasets.load_youtube(data_dir)
    sms_train, sms_test = datasets.sms_split(datasets.load_sms(data_dir))
    splits = []
    for video in videos:
        others = tuple((v, 1.0) for v in videos if v is not video)
        train = TrainingSet(f"spam-without-{video.name}", (*others, (sms_train, SMS_WEIGHT)))
        splits.append(HeldOut(video.name, video, train))
    full = TrainingSet("spam", (*((v, 1.0) for v in videos), (sms_train, SMS_WEIGHT)))
    splits.append(HeldOut("sms-test", sms_test, full))
    civil = civil_reference([datasets.load_tweeteval(data_dir, task, "val")
                             for task in datasets.TWEETEVAL_TASKS])
    splits.append(HeldOut(civil.name, civil, full))
    return splits


def toxicity_held_out(data_dir: Path) -> list[HeldOut]:
    """The TweetEval val splits, the fixed 20 % Davidson test split and the civil reference
    (the held-out half of the YouTube and SMS messages that are not spam), one training set."""
    davidson_train, davidson_test = datasets.davidson_split(datasets.load_davidson(data_dir))
    civil_train, civil = civil_split(
        civil_reference([*datasets.load_youtube(data_dir), datasets.load_sms(data_dir)]))
    train_parts = (datasets.load_tweeteval(data_dir, "offensive", "train"),
                   datasets.load_tweeteval(data_dir, "hate", "train"),
                   *by_class(davidson_train), civil_train)
    full = TrainingSet("toxicity",
                       tuple((c, TOXICITY_WEIGHTS[c.name]) for c in train_parts))
    tests = (datasets.load_tweeteval(data_dir, "offensive", "val"),
             datasets.load_tweeteval(data_dir, "hate", "val"), davidson_test)
    return [HeldOut(test.name, test, full) for test in (*tests, civil)]


def civil_split(civil: Corpus) -> tuple[Corpus, Corpus]:
    """(``civil-train``, the held-out ``civil-reference``): a fixed split by text hash."""
    train, test = datasets.held_out_split(civil, 1 - CIVIL_TRAIN_FRACTION, salt="civil")
    return (train.subset("civil-train", np.arange(len(train))),
            test.subset(datasets.CIVIL_REFERENCE, np.arange(len(test))))


def by_class(davidson: Corpus) -> list[Corpus]:
    """Davidson split by its class (hate, offensive, neither), each weighted on its own."""
    groups = np.array(davidson.groups)
    return [davidson.subset(f"{davidson.name}-{cls}", np.flatnonzero(groups == cls))
            for cls in datasets.DAVIDSON_CLASSES]


HELD_OUT = {"spam": spam_held_out, "toxicity": toxicity_held_out}
PIPELINES = {"spam": features.spam_pipeline, "toxicity": features.toxicity_pipeline}


def final_training_set(splits: Sequence[HeldOut]) -> TrainingSet:
    """The training set of the shipped model: the one of the last (widest) split."""
    return splits[-1].train


def fit(task: str, training: TrainingSet) -> Pipeline:
    """Fit the task's shipped pipeline on normalised texts, with per-corpus weights."""
    pipeline = PIPELINES[task]()
    texts = [normalise(text) for text in training.texts]
    pipeline.fit(texts, training.labels, classifier__sample_weight=training.weights)
    return features.portable(pipeline)


def train(data_dir: Path, out_dir: Path, tasks: Sequence[str] = artifacts.TASKS,
          log=print) -> dict[str, dict[str, Any]]:
    """Fit, evaluate on held-out splits, pick thresholds, save artifacts and model cards."""
    written = {}
    for task in tasks:
        splits = HELD_OUT[task](data_dir)
        training = final_training_set(splits)
        log(f"{task}: fitting on {len(training.texts)} texts")
        pipeline = fit(task, training)
        log(f"{task}: evaluating on held-out splits")
        predictions = evaluation.held_out_predictions(
            splits, lambda ts, task=task: evaluation.model_predictor(fit(task, ts)),
            prefit={training.name: evaluation.model_predictor(pipeline)})
        thresholds = evaluation.choose_thresholds(task, predictions)
        rows = evaluation.evaluate(task, splits, predictions, thresholds)
        metadata = {
            "thresholds": thresholds,
            "metrics": rows,
            "training": training.describe(),
            "pipeline": features.describe(pipeline),
            "data": {"sha256": datasets.file_digest(datasets.TASK_FILES[task](data_dir)),
                     "files": [p.relative_to(data_dir).as_posix()
                               for p in datasets.TASK_FILES[task](data_dir)]},
        }
        saved = artifacts.save(pipeline, task, out_dir, metadata, created=datetime.now(UTC))
        cards.write(out_dir, saved)
        log(f"{task}: wrote {artifacts.model_path(out_dir, task)} ({saved['version']})")
        written[task] = saved
    return written
