"""Score comments with every declared model, with the terms that pushed each score up.

This is the worker's entry point: ``load_scorer().score(texts)``. Texts are
normalised once; per model, the same TF-IDF weights give both the calibrated
probability and the explanation: each feature's contribution is its weight
times the logistic regression coefficient, and a word of the comment is
credited with the contributions of the features it contains; the words shown
to moderators are chosen from those by :mod:`models.driving_terms`.

A batch is scored with a handful of array operations rather than text by text:
each distinct word of the batch is analysed once (and cached across batches), its
n-gram indices are gathered for every occurrence, and the TF-IDF weights, the
decision values and every word's credit come out of flat arrays over the whole
batch. That is what makes one comment take well under a millisecond and a batch
of 256 a few tens of milliseconds; tests hold the probabilities equal to
``pipeline.predict_proba``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import artifacts, driving_terms, registry
from .artifacts import Artifact
from .normalise import normalise

_CACHE_SIZE = 2**16
_EMPTY = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True)
class ModelScore:
    """One model's score of one text."""

    probability: float        # calibrated, 0..1
    terms: tuple[str, ...]    # up to 5 words of the text that pushed it up, most first
    version: str


TextScores = dict[str, ModelScore]  # by model name, in the registry's order


class Batch:
    """Normalised texts split into words, with the batch's distinct words numbered.

    Every word occurrence has its word number and text; each text's distinct words
    are its (text, word) pairs, the candidates for its explanation terms, and the
    first occurrence of each is the one credited. Every model reads the same batch.
    """

    def __init__(self, normalised: Sequence[str], originals: Sequence[str] | None = None):
        self.texts = list(normalised)
        self.originals = self.texts if originals is None else list(originals)
        self.split = [text.split() for text in self.texts]
        number: dict[str, int] = {}
        setdefault = number.setdefault
        ids = [setdefault(word, len(number)) for words in self.split for word in words]
        self.words = list(number)
        counts = np.fromiter(map(len, self.split), dtype=np.intp, count=len(self.texts))
        self.occurrence_word = np.array(ids, dtype=np.intp)
        self.occurrence_text = np.repeat(np.arange(len(self.texts)), counts)
        pair_keys, first = np.unique(self.occurrence_text * max(len(number), 1)
                                     + self.occurrence_word, return_index=True)
        self.pair_text, self.pair_word = np.divmod(pair_keys, max(len(number), 1))
        self.pair_first = first  # where each pair first occurs: ties go to the earlier word
        self.occurrence_pair = np.full(len(ids), -1, dtype=np.intp)
        self.occurrence_pair[first] = np.arange(len(first))

    def __len__(self) -> int:
        return len(self.texts)


def _gather(lengths: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions, in the concatenation of per-word arrays of ``lengths``, of the arrays of
    the words ``which``, one after the other; and which entry of ``which`` each came from."""
    starts = np.cumsum(lengths) - lengths
    taken = lengths[which]
    total = int(taken.sum())
    owner = np.repeat(np.arange(len(which)), taken)
    return starts[which][owner] + np.arange(total) - (np.cumsum(taken) - taken)[owner], owner


class FeaturePart:
    """One fitted TfidfVectorizer of the union (``char_wb`` or ``word``), applied to a whole
    batch in array operations, without sklearn's per-call overhead.

    A text's n-grams are those of its words (cached per word: all char_wb n-grams, or
    the word n-grams inside one whitespace-separated word) plus, for word n-grams, the
    ones spanning words, found by numbering tokens and looking up consecutive token
    numbers in a sorted table. A word is credited with the distinct features inside it.
    """

    def __init__(self, vectorizer, offset: int, coef: np.ndarray):
        if vectorizer.analyzer not in ("char_wb", "word") or vectorizer.norm != "l2":
            raise artifacts.ArtifactError(f"unsupported vectorizer {vectorizer.analyzer!r} "
                                          f"with norm {vectorizer.norm!r}")
        self.vocabulary = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.size = len(self.idf)
        self.coef = np.asarray(coef[offset:offset + self.size], dtype=np.float64)
        self.analyze = vectorizer.build_analyzer()
        self.sublinear = vectorizer.sublinear_tf
        self.char = vectorizer.analyzer == "char_wb"
        self.ngram_range = vectorizer.ngram_range
        self.tokenize = None if self.char else vectorizer.build_tokenizer()
        self.tokens, self.tables = self._token_tables()
        self.word_features = functools.lru_cache(maxsize=_CACHE_SIZE)(self._word_features)
        self.word_token_numbers = functools.lru_cache(maxsize=_CACHE_SIZE)(
            self._word_token_numbers)

    def _word_features(self, word: str) -> np.ndarray:
        """The vocabulary indices of the n-grams inside ``word``, as often as they occur;
        the first instance of each (the distinct features the word is credited with) as
        the index, the others as ``~index`` (negative): one small array per cached word."""
        get = self.vocabulary.get
        seen: set[int] = set()
        found = [~i if i in seen or seen.add(i) else i
                 for i in map(get, self.analyze(word)) if i is not None]
        return np.array(found, dtype=np.int32)

    def _token_tables(self) -> tuple[dict[str, int], dict[int, tuple[np.ndarray, np.ndarray]]]:
        """For word n-grams of n >= 2: a number per token of the vocabulary's n-grams, and per
        n the sorted keys (token numbers in base len(tokens)) and the feature index of each."""
        low, high = max(self.ngram_range[0], 2), self.ngram_range[1]
        if self.char or high < 2:
            return {}, {}
        tokens: dict[str, int] = {}
        grams: dict[int, tuple[list[list[int]], list[int]]] = {n: ([], [])
                                                               for n in range(low, high + 1)}
        for term, index in self.vocabulary.items():
            parts = term.split(" ")
            if len(parts) >= 2:
                grams[len(parts)][0].append([tokens.setdefault(p, len(tokens)) for p in parts])
                grams[len(parts)][1].append(index)
        if (len(tokens) + 1) ** high >= 2**62:
            raise artifacts.ArtifactError("word n-gram vocabulary too large for the scorer")
        tables = {}
        for n, (ids, indices) in grams.items():
            keys = np.zeros(len(ids), dtype=np.int64)
            for column in np.array(ids, dtype=np.int64).reshape(len(ids), n).T:
                keys = keys * len(tokens) + column
            order = np.argsort(keys)
            tables[n] = keys[order], np.asarray(indices, dtype=np.intp)[order]
        return tokens, tables

    def _word_token_numbers(self, word: str) -> np.ndarray:
        """The token numbers of the word's tokens, -1 for a token in no vocabulary n-gram."""
        get = self.tokens.get
        return np.array([get(token, -1) for token in self.tokenize(word)], dtype=np.int64)

    def _spanning_ngrams(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """Word n-grams that span two or more words, for every text of the batch at once."""
        if not self.tables:
            return _EMPTY, _EMPTY
        per_word = [self.word_token_numbers(word) for word in batch.words]
        lengths = np.fromiter(map(len, per_word), dtype=np.intp, count=len(per_word))
        flat = np.concatenate(per_word) if per_word else _EMPTY.astype(np.int64)
        at, occurrence = _gather(lengths, batch.occurrence_word)
        tokens, text = flat[at], batch.occurrence_text[occurrence]
        found, rows = [], []
        for n, (keys, indices) in self.tables.items():
            windows = len(tokens) - n + 1
            if windows <= 0 or not len(keys):
                continue
            valid = ((text[:windows] == text[n - 1:]) &
                     (occurrence[:windows] != occurrence[n - 1:]))
            key = np.zeros(windows, dtype=np.int64)
            for k in range(n):
                column = tokens[k:k + windows]
                valid &= column >= 0
                key = key * len(self.tokens) + column
            wanted = np.flatnonzero(valid)
            at = np.minimum(np.searchsorted(keys, key[wanted]), len(keys) - 1)
            hit = keys[at] == key[wanted]
            found.append(indices[at[hit]])
            rows.append(text[wanted[hit]])
        if not found:
            return _EMPTY, _EMPTY
        return np.concatenate(found), np.concatenate(rows)

    def score(self, batch: Batch, explain: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """Per text, its share of ``x . coef``; per (text, word) pair, the word's credit."""
        per_word = [self.word_features(word) for word in batch.words]
        lengths = np.fromiter(map(len, per_word), dtype=np.intp, count=len(per_word))
        flat = np.concatenate(per_word).astype(np.intp) if per_word else _EMPTY
        at, owner = _gather(lengths, batch.occurrence_word)
        coded = flat[at]
        first = coded >= 0
        features, rows = np.where(first, coded, ~coded), batch.occurrence_text[owner]
        extra, extra_rows = self._spanning_ngrams(batch)
        if len(extra):
            features, rows = np.concatenate([features, extra]), np.concatenate([rows, extra_rows])
        keys = rows * self.size + features
        order = np.argsort(keys)
        ordered = keys[order]
        new = np.ones(len(keys), dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        group = np.cumsum(new) - 1
        tf = np.bincount(group).astype(np.float64)
        rows, features = np.divmod(ordered[new], self.size)
        weights = (1.0 + np.log(tf) if self.sublinear else tf) * self.idf[features]
        norms = np.sqrt(np.bincount(rows, weights * weights, minlength=len(batch)))
        values = weights / norms[rows] * self.coef[features]
        decision = np.bincount(rows, values, minlength=len(batch))
        if not explain:
            return decision, None
        # credit each (text, word) pair at the word's first occurrence, each feature once
        pair = batch.occurrence_pair[owner]
        credited = np.flatnonzero((pair >= 0) & first)
        inverse = np.empty(len(keys), dtype=np.intp)
        inverse[order] = group
        credit = np.bincount(pair[credited], values[inverse[credited]],
                             minlength=len(batch.pair_word))
        return decision, credit


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
        if union.transformer_weights:
            raise artifacts.ArtifactError(f"{artifact.task}: transformer weights not supported")
        estimator, sigmoid = calibrated[0].estimator, calibrated[0].calibrators[0]
        coef = np.ravel(estimator.coef_).astype(np.float64)
        self.intercept = float(np.ravel(estimator.intercept_)[0])
        self.a, self.b = float(sigmoid.a_), float(sigmoid.b_)
        self.parts, offset = [], 0
        for _, vectorizer in union.transformer_list:
            self.parts.append(FeaturePart(vectorizer, offset, coef))
            offset += len(vectorizer.vocabulary_)
        # a word's credit moves the log-odds by -a times it: shown only from MIN_CREDIT on
        self.min_credit = driving_terms.MIN_CREDIT / -self.a if self.a < 0 else np.inf

    @property
    def version(self) -> str:
        return self.artifact.version

    def probabilities(self, normalised: Sequence[str]) -> np.ndarray:
        return self.score_batch(Batch(normalised), explain=False)[0]

    def score(self, normalised: Sequence[str]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """Probabilities and top terms for already-normalised texts."""
        return self.score_batch(Batch(normalised), explain=True)

    def score_batch(self, batch: Batch, explain: bool) -> tuple[np.ndarray,
                                                                list[tuple[str, ...]]]:
        decision = np.full(len(batch), self.intercept)
        credit = np.zeros(len(batch.pair_word))
        for part in self.parts:
            share, credited = part.score(batch, explain)
            decision += share
            if explain:
                credit += credited
        probabilities = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        return probabilities, self._top_terms(batch, credit) if explain else []

    def _top_terms(self, batch: Batch, credit: np.ndarray) -> list[tuple[str, ...]]:
        """Per text, the words credited with at least the minimum, highest first (ties: the
        earlier word), shown as :func:`models.driving_terms.pick` chooses."""
        candidates: list[list[str]] = [[] for _ in range(len(batch))]
        strong = np.flatnonzero(credit >= self.min_credit)
        order = strong[np.lexsort((batch.pair_first[strong], -credit[strong],
                                   batch.pair_text[strong]))]
        words = batch.words
        for text, word in zip(batch.pair_text[order].tolist(),
                              batch.pair_word[order].tolist(), strict=True):
            candidates[text].append(words[word])
        return [driving_terms.pick(found, original) if found else ()
                for found, original in zip(candidates, batch.originals, strict=True)]


class Scorer:
    """The declared models, loaded once; safe to share between threads (it holds no mutable
    state beyond caches of per-word analysis)."""

    def __init__(self, loaded: Sequence[Artifact]):
        self.models = {artifact.task: TaskModel(artifact) for artifact in loaded}

    def score(self, texts: Sequence[str]) -> list[TextScores]:
        batch = Batch([normalise(text) for text in texts], texts)
        columns = []
        for name, model in self.models.items():
            probabilities, terms = model.score_batch(batch, explain=True)
            columns.append((name, probabilities.tolist(), terms, model.version))
        return [{name: ModelScore(probabilities[row], terms[row], version)
                 for name, probabilities, terms, version in columns}
                for row in range(len(texts))]

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
    """Load the declared models once per process and directory.

    Raises :class:`models.artifacts.ArtifactError` with a clear message when a
    file is missing, its hash differs from its metadata, or it was saved by
    another scikit-learn version.
    """
    directory = Path(artifacts_dir) if artifacts_dir else artifacts.ARTIFACTS_DIR
    return _load_scorer(directory.expanduser().resolve())


@functools.lru_cache(maxsize=4)
def _load_scorer(directory: Path) -> Scorer:
    return Scorer([artifacts.load(name, directory) for name in registry.names()])
