"""How the training sets are assembled from the corpora."""

from __future__ import annotations

from pathlib import Path

from models import datasets, training


def test_toxicity_trains_on_half_the_civil_text_and_keeps_the_rest_held_out(
        data_dir: Path) -> None:
    splits = training.toxicity_held_out(data_dir)
    civil = next(s for s in splits if s.name == datasets.CIVIL_REFERENCE)
    parts = {corpus.name: (corpus, weight) for corpus, weight in civil.train.parts}
    civil_train = parts["civil-train"][0]
    assert len(civil_train) and len(civil.test)
    assert not set(civil_train.texts) & set(civil.test.texts)
    assert civil_train.labels.sum() == 0 and civil.test.labels.sum() == 0
    assert {name: weight for name, (_, weight) in parts.items()} == training.TOXICITY_WEIGHTS


def test_davidson_is_weighted_by_class(data_dir: Path) -> None:
    davidson = datasets.load_davidson(data_dir)
    by_class = training.by_class(davidson)
    assert [c.name for c in by_class] == [f"davidson-{cls}" for cls in datasets.DAVIDSON_CLASSES]
    assert sum(len(c) for c in by_class) == len(davidson)
    assert by_class[2].labels.sum() == 0 and by_class[1].labels.all()
