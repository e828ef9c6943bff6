"""A third model, declared the way a shipped one is: one :class:`models.registry.Model` and
its training data (``insults.csv``, 60 rows from two made-up forums).

Loaded as a pytest plugin (``-p tests.models.toy.insult_model``), so the declaration is in
the registry before the app is imported, as it would be in ``models/registry.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from models import features, folds, registry
from models.datasets import Corpus, concat
from models.registry import Card, Model, Thresholds
from models.splits import HeldOut

DATA_DIR = Path(__file__).parent
FILE = "insults.csv"


def forums(data_dir: Path) -> list[Corpus]:
    with (data_dir / FILE).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    sources = sorted({row["source"] for row in rows})
    return [Corpus(source, [row["text"] for row in rows if row["source"] == source],
                   np.array([int(row["insult"]) for row in rows if row["source"] == source],
                            dtype=np.int8))
            for source in sources]


def held_out(data_dir: Path) -> list[HeldOut]:
    """Each forum left out in turn, then both scored by the model trained on both."""
    corpora = forums(data_dir)
    splits, full = folds.leave_one_out("insult", corpora, [(c, 1.0) for c in corpora])
    return [*splits, HeldOut("forums", concat("forums", corpora), full)]


INSULT = Model(
    name="insult", title="Insult", pipeline=features.spam_pipeline, held_out=held_out,
    data_files=lambda data_dir: [data_dir / FILE],
    thresholds=Thresholds(splits="forum-", act="auto_reject", verdict="rejected",
                          act_precision=0.95, hold_recall=0.9),
    label="insult",
    card=Card(adjective="an insult", sources=("Sixty made-up forum comments (tests only).",),
              evaluation="Leave one forum out.", threshold_notes="as spam's, on the forums.",
              intended_use="Showing that a model is one declaration.", selection="None."))

registry.MODELS = (*registry.MODELS, INSULT)
