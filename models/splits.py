"""What a model is trained on and scored on: weighted training sets and held-out splits.

Their own module because training builds them, evaluation scores them and the
cards describe them: none of those needs to import another for the shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .datasets import Corpus


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
    """One evaluation split: test rows the model trained on ``train`` never saw;
    ``left_out`` when no row of the test corpus was trained on (leave one corpus out)."""

    name: str
    test: Corpus
    train: TrainingSet
    left_out: bool = False
