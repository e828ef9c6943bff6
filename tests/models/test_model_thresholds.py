"""How the shipped thresholds are chosen from held-out scores."""

from __future__ import annotations

import numpy as np
import pytest

from models import evaluation, registry
from models.datasets import CIVIL_REFERENCE, Corpus
from models.splits import HeldOut, TrainingSet

TRAIN = TrainingSet("toxicity", ())
TOXICITY = registry.get("toxicity").thresholds


def prediction(name: str, labels: list[int], scores: list[float]) -> evaluation.Prediction:
    corpus = Corpus(name, [f"text {i}" for i in range(len(labels))], np.array(labels))
    return HeldOut(name, corpus, TRAIN), np.array(scores)


def test_precision_threshold_is_the_lowest_score_reaching_the_precision():
    labels = np.array([1] * 30 + [0] * 10 + [1] * 10)
    scores = np.linspace(1.0, 0.01, len(labels))
    threshold = evaluation.precision_threshold(labels, scores, 0.95)
    flagged = scores >= threshold
    assert labels[flagged].mean() >= 0.95
    assert threshold == pytest.approx(scores[30], abs=1e-4)  # 30 of 31 flagged are right


def test_recall_threshold_catches_the_share_of_positives_asked_for():
    labels = np.array([1, 0] * 50)
    scores = np.linspace(0.99, 0.0, 100)
    threshold = evaluation.recall_threshold(labels, scores, 0.9)
    assert (scores[labels == 1] >= threshold).mean() >= 0.9


@pytest.mark.parametrize("share", [0.0, 0.05, 0.2])
def test_share_threshold_flags_at_most_that_share(share):
    scores = np.random.default_rng(7).random(1000)
    threshold = evaluation.share_threshold(scores, share)
    assert (scores >= threshold).mean() <= share
    assert (scores >= threshold - 0.001).mean() > share - 0.01


def test_the_hold_rises_until_the_civil_reference_is_mostly_published():
    tweets = prediction("tweeteval-offensive-val", [1] * 40 + [0] * 60,
                        list(np.linspace(0.99, 0.3, 40)) + list(np.linspace(0.6, 0.0, 60)))
    recall_only = evaluation.choose_thresholds(TOXICITY, [tweets])
    civil_scores = np.linspace(0.0, 0.5, 200)  # ordinary text often scores above that hold
    civil = prediction(CIVIL_REFERENCE, [0] * 200, list(civil_scores))

    chosen = evaluation.choose_thresholds(TOXICITY, [tweets, civil])

    assert (civil_scores >= recall_only["hold"]).mean() > 0.05
    assert chosen["hold"] > recall_only["hold"]
    assert (civil_scores >= chosen["hold"]).mean() <= evaluation.CIVIL_HOLD_SHARE
    assert chosen["auto_reject"] == recall_only["auto_reject"] > chosen["hold"]


def test_the_hold_also_publishes_most_civil_comments_of_left_out_news():
    tweets = prediction("tweeteval-offensive", [1] * 40 + [0] * 60,
                        list(np.linspace(0.99, 0.3, 40)) + list(np.linspace(0.6, 0.0, 60)))
    civil = prediction(CIVIL_REFERENCE, [0] * 100, [0.01] * 100)
    news_civil = np.linspace(0.0, 0.55, 100)
    news = prediction("fox-news", [0] * 100 + [1] * 20, list(news_civil) + [0.95] * 20)

    chosen = evaluation.choose_thresholds(TOXICITY, [tweets, civil, news])

    assert (news_civil >= evaluation.choose_thresholds(TOXICITY, [tweets, civil])["hold"]
            ).mean() > 0.05
    assert (news_civil >= chosen["hold"]).mean() <= evaluation.CIVIL_HOLD_SHARE


def test_a_share_threshold_lies_above_the_first_score_it_must_not_flag():
    scores = np.array([0.9, 0.7101] + [0.1] * 18)  # 0.7101 * 10_000 is 7100.99... in floats
    threshold = evaluation.share_threshold(scores, 0.05)
    assert threshold == 0.7102 and (scores >= threshold).mean() <= 0.05
