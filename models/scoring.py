"""Score comments for spam and toxicity, with the terms that pushed each score up.

This is the worker's entry point: ``load_scorer().score(texts)``. Texts are
normalised once; per model, the same TF-IDF weights give both the calibrated
probability and the explanation: each feature's contribution is its weight
times the logistic regression coefficient, and a word of the comment is
credited with the contributions of the features it contains.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import artifacts
from .artifacts import Artifact
from .normalise import normalise

MAX_TERMS = 5
_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}<>*"


@dataclass(frozen=True)
class TextScore:
    spam: float                       # calibrated probability 0..1
    toxicity: float                   # calibrated probability 0..1
    spam_terms: tuple[str, ...]       # up to 5 terms that pushed spam up, most first
    toxicity_terms: tuple[str, ...]   # up to 5 terms that pushed toxicity up
    spam_version: str
    toxicity_version: str


class FeaturePart:
    """One fitted TfidfVectorizer of the union, applied one text at a time without sklearn's
    per-call overhead (input validation, sparse matrix assembly): what makes one comment
    take well under a millisecond. Tests hold it equal to ``pipeline.predict_proba``."""

    def __init__(self, vectorizer, offset: int, coef: np.ndarray):
        self.vocabulary = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.coef = coef[offset:offset + len(self.idf)]
        self.analyze = vectorizer.build_analyzer()
        self.sublinear = vectorizer.sublinear_tf
        self.per_word = vectorizer.analyzer == "char_wb"  # its n-grams never cross words
        self.word_features = functools.lru_cache(maxsize=2**16)(self._features)
        self.distinct_features = functools.lru_cache(maxsize=2**16)(self._distinct)

    def _features(self, text: str) -> np.ndarray:
        """Vocabulary indices of the n-grams of ``text``, repeated as often as they occur."""
        get = self.vocabulary.get
        found = [i for i in map(get, self.analyze(text)) if i is not None]
        return np.array(found, dtype=np.intp)

    def _distinct(self, word: str) -> tuple[int, ...]:
        return tuple(set(self.word_features(word).tolist()))

    def contributions(self, text: str, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted feature indices of one normalised text and their weight x coefficient."""
        if self.per_word:
            found = [self.word_features(word) for word in words]
            features = np.concatenate(found) if found else np.zeros(0, dtype=np.intp)
        else:
            features = self._features(text)
        indices, tf = np.unique(features, return_counts=True)
        if not len(indices):
            return indices, np.zeros(0)
        weights = (1.0 + np.log(tf) if self.sublinear else tf) * self.idf[indices]
        weights /= np.sqrt(weights @ weights)
        return indices, weights * self.coef[indices]

    def credit(self, word: str, contribution: dict[int, float]) -> float:
        """The summed contribution of the distinct features ``word`` contains."""
        return sum(contribution.get(i, 0.0) for i in self.distinct_features(word))


class TaskModel:
    """One loaded pipeline: calibrated probability and top terms for normalised texts.

    The pipeline is a TF-IDF union, a logistic regression and a Platt sigmoid; the
    probability is ``expit(-(a * (x . coef + intercept) + b))``. Each feature's share
    of ``x . coef`` is its contribution, and a word is credited with the
    contributions of the features it contains.
    """

    def __init__(self, artifact: Artifact):
        self.artifact = artifact
        union = artifact.pipeline.named_steps["features"]
        calibrated = artifact.pipeline.named_steps["classifier"].calibrated_classifiers_
        if len(calibrated) != 1 or len(calibrated[0].calibrators) != 1:
            raise artifacts.ArtifactError(f"{artifact.task}: expected one calibrated model "
                                          "(CalibratedClassifierCV with ensemble=False)")
        estimator, sigmoid = calibrated[0].estimator, calibrated[0].calibrators[0]
        coef = np.ravel(estimator.coef_).astype(np.float64)
        self.intercept = float(np.ravel(estimator.intercept_)[0])
        self.a, self.b = float(sigmoid.a_), float(sigmoid.b_)
        self.parts, offset = [], 0
        for _, vectorizer in union.transformer_list:
            self.parts.append(FeaturePart(vectorizer, offset, coef))
            offset += len(vectorizer.vocabulary_)

    @property
    def version(self) -> str:
        return self.artifact.version

    def probabilities(self, normalised: Sequence[str]) -> np.ndarray:
        return np.array([self._score(text, explain=False)[0] for text in normalised])

    def score(self, normalised: Sequence[str]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """Probabilities and top terms for already-normalised texts."""
        scored = [self._score(text, explain=True) for text in normalised]
        return np.array([p for p, _ in scored]), [terms for _, terms in scored]

    def _score(self, text: str, explain: bool) -> tuple[float, tuple[str, ...]]:
        words = text.split()
        shares = [part.contributions(text, words) for part in self.parts]
        decision = self.intercept + sum(float(values.sum()) for _, values in shares)
        probability = 1.0 / (1.0 + math.exp(self.a * decision + self.b))
        if not explain:
            return probability, ()
        unique = list(dict.fromkeys(words))
        by_index = [dict(zip(i.tolist(), v.tolist(), strict=True)) for i, v in shares]
        credit = np.array([
            sum(part.credit(word, share) for part, share in zip(self.parts, by_index, strict=True))
            for word in unique])
        return probability, _top_terms(unique, credit)


class Scorer:
    """Both models, loaded once; safe to share between threads (it holds no mutable state)."""

    def __init__(self, spam: Artifact, toxicity: Artifact):
        self.models = {"spam": TaskModel(spam), "toxicity": TaskModel(toxicity)}

    def score(self, texts: Sequence[str]) -> list[TextScore]:
        normalised = [normalise(text) for text in texts]
        spam, spam_terms = self.models["spam"].score(normalised)
        toxicity, toxicity_terms = self.models["toxicity"].score(normalised)
        spam_version, toxicity_version = (m.version for m in self.models.values())
        return [TextScore(float(s), float(t), s_terms, t_terms, spam_version, toxicity_version)
                for s, t, s_terms, t_terms in zip(spam, toxicity, spam_terms, toxicity_terms,
                                                  strict=True)]

    def probabilities(self, task: str, texts: Sequence[str]) -> np.ndarray:
        """One task's probabilities only: no explanation, for bulk scoring."""
        return self.models[task].probabilities([normalise(text) for text in texts])

    @property
    def thresholds(self) -> dict[str, dict[str, float]]:
        return {task: model.artifact.thresholds for task, model in self.models.items()}

    @property
    def versions(self) -> dict[str, str]:
        return {task: model.version for task, model in self.models.items()}


def load_scorer(artifacts_dir: str | Path | None = None) -> Scorer:
    """Load both models once per process and directory.

    Raises :class:`models.artifacts.ArtifactError` with a clear message when a
    file is missing, its hash differs from its metadata, or it was saved by
    another scikit-learn version.
    """
    directory = Path(artifacts_dir) if artifacts_dir else artifacts.ARTIFACTS_DIR
    return _load_scorer(directory.expanduser().resolve())


@functools.lru_cache(maxsize=4)
def _load_scorer(directory: Path) -> Scorer:
    return Scorer(artifacts.load("spam", directory), artifacts.load("toxicity", directory))


def _top_terms(words: Sequence[str], credit: np.ndarray) -> tuple[str, ...]:
    terms: list[str] = []
    for i in np.argsort(-credit, kind="stable"):
        if credit[i] <= 0 or len(terms) == MAX_TERMS:
            break
        term = words[i].strip(_EDGE_PUNCTUATION) or words[i]
        if term not in terms:
            terms.append(term)
    return tuple(terms)
