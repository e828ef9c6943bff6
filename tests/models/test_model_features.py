"""The toxicity estimator: an LR + NB-LR ensemble saved as one plain logistic regression."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from models import features, registry, training
from models.datasets import Corpus
from models.splits import TrainingSet
from tests.models.conftest import KIND, TOXIC


def _data(rows: int = 80) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = sp.random(rows, 30, density=0.2, random_state=4).toarray()
    y = (rng.random(rows) < 0.4).astype(int)
    X[:, 0] = y  # feature 0 marks the positives
    return sp.csr_matrix(X), y, rng.uniform(0.2, 1.0, rows)


def test_the_ensemble_is_the_sum_of_a_plain_and_a_scaled_logistic_regression() -> None:
    X, y, w = _data()
    ensemble = features.NBLogisticEnsemble(C=2.0, nb_C=3.0).fit(X, y, sample_weight=w)
    ratio = features.nb_ratio(X, y, w)
    plain = LogisticRegression(C=2.0, solver="liblinear").fit(X, y, sample_weight=w)
    scaled = LogisticRegression(C=3.0, solver="liblinear").fit(
        X.multiply(ratio).tocsr(), y, sample_weight=w)
    expected = plain.decision_function(X) + scaled.decision_function(X.multiply(ratio).tocsr())
    assert np.allclose(ensemble.decision_function(X), expected)
    assert ratio[0] > 0  # present in every positive


def test_the_folded_logistic_regression_scores_like_the_ensemble() -> None:
    X, y, w = _data()
    ensemble = features.NBLogisticEnsemble().fit(X, y, sample_weight=w)
    folded = ensemble.to_logistic()
    assert type(folded) is LogisticRegression
    assert np.allclose(folded.decision_function(X), ensemble.decision_function(X))
    assert np.allclose(folded.predict_proba(X), ensemble.predict_proba(X))


def test_a_fitted_toxicity_pipeline_holds_only_built_in_estimators() -> None:
    texts = [t.format(i) for i in range(30) for t in TOXIC + KIND]
    labels = np.array([1] * len(TOXIC) + [0] * len(KIND))[np.arange(len(texts)) % 8]
    corpus = Corpus("tweeteval-offensive-train", texts, labels.astype(np.int8))
    pipeline = training.fit(registry.get("toxicity"), TrainingSet("toxicity", ((corpus, 1.0),)))
    classifier = pipeline.named_steps["classifier"]
    assert type(classifier.estimator) is LogisticRegression
    assert all(type(c.estimator) is LogisticRegression
               for c in classifier.calibrated_classifiers_)
    assert "naive-Bayes" in features.describe(pipeline)["estimator"]
    scores = pipeline.predict_proba(["you stupid clown", "thanks for the article"])[:, 1]
    assert scores[0] > scores[1]
