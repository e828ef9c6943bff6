"""The evaluation's own figures: calibration error and the worst left-out corpus."""

from __future__ import annotations

import numpy as np
import pytest

from models import evaluation
from models.datasets import Corpus
from models.splits import HeldOut, TrainingSet


def test_calibration_error_is_the_weighted_gap_between_score_and_rate() -> None:
    labels = np.array([1, 0, 0, 0] * 25 + [1, 1, 1, 0] * 25)
    calibrated = np.array([0.25] * 100 + [0.75] * 100)
    assert evaluation.expected_calibration_error(labels, calibrated) == pytest.approx(0.0)
    overconfident = np.array([0.05] * 100 + [0.95] * 100)
    assert evaluation.expected_calibration_error(labels, overconfident) == pytest.approx(0.2)


def test_the_worst_left_out_corpus_is_reported_and_the_civil_share_held() -> None:
    def split(name: str, labels: list[int], left_out: bool = True) -> HeldOut:
        corpus = Corpus(name, [str(i) for i in range(len(labels))], np.array(labels))
        return HeldOut(name, corpus, TrainingSet("t", ()), left_out)

    predictions = [(split("easy", [0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])),
                   (split("hard", [0, 0, 1, 1]), np.array([0.1, 0.7, 0.6, 0.9])),
                   (split("in-domain", [0, 1, 0, 1], left_out=False),
                    np.array([0.9, 0.1, 0.8, 0.2]))]
    rows = evaluation.metric_rows("toxicity", "shipped", predictions, {"hold": 0.5})
    assert [row["split"] for row in rows] == ["easy", "hard", "in-domain", evaluation.WORST]
    assert rows[1]["civil_held"] == 0.5 and rows[0]["civil_held"] == 0.0
    assert rows[-1]["roc_auc"] == rows[1]["roc_auc"] == 0.75
