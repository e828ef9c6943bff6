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
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

WORD_TOKENS = r"(?u)\b\w[\w']*\b|_url_|_email_|@user"
SPAM_C = 16.0
TOXICITY_C = 1.0


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


def toxicity_pipeline() -> Pipeline:
    """The shipped toxicity model."""
    return calibrated(char_and_word_features(), c=TOXICITY_C)


def baseline_pipeline() -> Pipeline:
    """The plain baseline of the evaluation table: word TF-IDF + logistic regression, raw text."""
    return Pipeline([("features", TfidfVectorizer()),
                     ("classifier", LogisticRegression(max_iter=1000))])




def describe(pipeline: Pipeline) -> dict[str, Any]:
    """What a fitted shipped pipeline is made of, for its metadata and model card."""
    union = pipeline.named_steps["features"]
    classifier = pipeline.named_steps["classifier"]
    return {
        "features": {name: {"analyzer": v.analyzer, "ngram_range": list(v.ngram_range),
                            "min_df": v.min_df, "vocabulary": len(v.vocabulary_),
                            "tf": "sublinear"} for name, v in union.transformer_list},
        "estimator": f"LogisticRegression(C={classifier.estimator.C}, solver=liblinear)",
        "calibration": f"CalibratedClassifierCV(method={classifier.method}, cv={classifier.cv}, "
                       "ensemble=False)",
    }
