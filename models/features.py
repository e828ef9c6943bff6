"""Build the scikit-learn pipelines: features and estimator, from built-in components only.

A pipeline takes texts already passed through :func:`models.normalise.normalise`
(the scorer and the trainer both do that first), so the saved artifact holds only
scikit-learn types that skops can load without trusting custom code.

The configuration was chosen by measurement; the model cards list what was
tried and how each candidate scored.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

WORD_TOKENS = r"(?u)\b\w[\w']*\b|_url_|_email_|@user"
SPAM_C = 16.0
TOXICITY_C = 2.0      # the plain logistic regression of the toxicity ensemble
TOXICITY_NB_C = 2.0   # the one on naive-Bayes-scaled features
NB_ALPHA = 1.0        # smoothing of the naive-Bayes log-count ratios


def char_vectorizer() -> TfidfVectorizer:
    """Character n-grams inside word boundaries: robust to spelling tricks and new domains."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                           sublinear_tf=True, lowercase=False,
                           dtype=np.float32)


def word_vectorizer() -> TfidfVectorizer:
    """Word unigrams and bigrams, keeping the link/e-mail/mention tokens of the normaliser."""
    return TfidfVectorizer(analyzer="word", token_pattern=WORD_TOKENS, ngram_range=(1, 2),
                           min_df=2, sublinear_tf=True, lowercase=False,
                           dtype=np.float32)


def logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", max_iter=1000)


def char_and_word_features() -> FeatureUnion:
    return FeatureUnion([("char", char_vectorizer()), ("word", word_vectorizer())])


def calibrated(union: FeatureUnion, c: float) -> Pipeline:
    """Features, then a logistic regression whose scores are calibrated by Platt scaling.

    ``ensemble=False`` fits one model on all the data and the sigmoid on
    cross-validated scores: one set of coefficients to explain, one cheap
    ``predict_proba``.
    """
    estimator = CalibratedClassifierCV(logistic(c), method="sigmoid", cv=5, ensemble=False)
    return Pipeline([("features", union), ("classifier", estimator)])


def spam_pipeline() -> Pipeline:
    """The shipped spam model."""
    return calibrated(char_and_word_features(), c=SPAM_C)


class NBLogisticEnsemble(ClassifierMixin, BaseEstimator):
    """The sum of two logistic regressions on the same TF-IDF features: a plain one, and
    one on features scaled by their naive-Bayes log-count ratio (NB-SVM, Wang & Manning
    2012, with a logistic loss).

    Scaling feature j by r_j and fitting w is the same linear function as weights
    w_j * r_j on the unscaled feature, so the sum is one linear model:
    ``coef_ = w_plain + r * w_nb``. :func:`portable` swaps it for a plain
    ``LogisticRegression`` holding those coefficients once fitted, so the saved
    artifact holds only built-in scikit-learn types and the scorer reads it as any
    other logistic regression. Used only while training.
    """

    def __init__(self, C: float = TOXICITY_C, nb_C: float = TOXICITY_NB_C,
                 alpha: float = NB_ALPHA):
        self.C = C
        self.nb_C = nb_C
        self.alpha = alpha

    def fit(self, X, y, sample_weight=None) -> NBLogisticEnsemble:
        X = sp.csr_matrix(X)
        y = np.asarray(y)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        ratio = nb_ratio(X, y, weights, self.alpha)
        plain = logistic(self.C).fit(X, y, sample_weight=weights)
        scaled = logistic(self.nb_C).fit(X.multiply(ratio).tocsr(), y, sample_weight=weights)
        self.classes_ = plain.classes_
        self.coef_ = plain.coef_ + scaled.coef_ * ratio
        self.intercept_ = plain.intercept_ + scaled.intercept_
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self)
        return np.asarray(X @ self.coef_.ravel() + self.intercept_[0]).ravel()

    def predict_proba(self, X) -> np.ndarray:
        positive = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - positive, positive])

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def to_logistic(self) -> LogisticRegression:
        """A fitted built-in LogisticRegression computing the same decision function."""
        check_is_fitted(self)
        model = logistic(self.C)
        model.classes_ = self.classes_
        model.coef_ = np.asarray(self.coef_, dtype=np.float64)
        model.intercept_ = np.asarray(self.intercept_, dtype=np.float64)
        model.n_features_in_ = self.n_features_in_
        model.n_iter_ = np.zeros(1, dtype=np.int32)
        return model


def nb_ratio(X, y: np.ndarray, weights: np.ndarray, alpha: float = NB_ALPHA) -> np.ndarray:
    """Naive-Bayes log-count ratio of each feature: log of (smoothed, weighted) share of
    positive texts containing it over the share of negative texts containing it."""
    present = sp.csr_matrix(X, copy=True)
    present.data = (present.data > 0).astype(np.float64)
    positive = alpha + present.T @ (weights * (y == 1))
    negative = alpha + present.T @ (weights * (y == 0))
    return np.log((positive / positive.sum()) / (negative / negative.sum()))


def toxicity_pipeline() -> Pipeline:
    """The shipped toxicity model (see :class:`NBLogisticEnsemble`)."""
    estimator = CalibratedClassifierCV(NBLogisticEnsemble(), method="sigmoid", cv=5,
                                       ensemble=False)
    return Pipeline([("features", char_and_word_features()), ("classifier", estimator)])


def portable(pipeline: Pipeline) -> Pipeline:
    """Replace a fitted :class:`NBLogisticEnsemble` by the equivalent LogisticRegression,
    in place, so skops can save and load the pipeline without trusting our own code."""
    classifier = pipeline.named_steps["classifier"]
    for calibrated_classifier in classifier.calibrated_classifiers_:
        if isinstance(calibrated_classifier.estimator, NBLogisticEnsemble):
            calibrated_classifier.estimator = calibrated_classifier.estimator.to_logistic()
    if isinstance(classifier.estimator, NBLogisticEnsemble):
        template = classifier.estimator
        classifier.estimator = logistic(template.C)
        classifier.nb_ensemble_ = {
            "C": template.C, "nb_C": template.nb_C, "alpha": template.alpha}
    return pipeline


def baseline_pipeline() -> Pipeline:
    """The plain baseline of the evaluation table: word and char_wb 2-5-gram TF-IDF + logistic
    regression with default settings, on raw text."""
    union = FeatureUnion([
        ("word", TfidfVectorizer(sublinear_tf=True, dtype=np.float32)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                 sublinear_tf=True, dtype=np.float32))])
    return Pipeline([("features", union), ("classifier", LogisticRegression(max_iter=1000))])


def describe(pipeline: Pipeline) -> dict[str, Any]:
    """What a fitted shipped pipeline is made of, for its metadata and model card."""
    union = pipeline.named_steps["features"]
    classifier = pipeline.named_steps["classifier"]
    return {
        "features": {name: {"analyzer": v.analyzer, "ngram_range": list(v.ngram_range),
                            "min_df": v.min_df, "vocabulary": len(v.vocabulary_),
                            "tf": "sublinear"} for name, v in union.transformer_list},
        "estimator": _estimator(classifier),
        "calibration": f"CalibratedClassifierCV(method={classifier.method}, cv={classifier.cv}, "
                       "ensemble=False)",
    }


def _estimator(classifier: CalibratedClassifierCV) -> str:
    nb = getattr(classifier, "nb_ensemble_", None)
    if nb:
        return (f"LogisticRegression(C={nb['C']}) + LogisticRegression(C={nb['nb_C']}) on "
                f"naive-Bayes-scaled features (alpha={nb['alpha']}), summed into one "
                "LogisticRegression, solver=liblinear")
    return f"LogisticRegression(C={classifier.estimator.C}, solver=liblinear)"
