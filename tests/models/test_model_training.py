"""How the training sets are assembled from the corpora."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models import datasets, folds, identity_mentions, registry, training


def test_toxicity_trains_on_half_the_civil_text_and_keeps_the_rest_held_out(
        data_dir: Path) -> None:
    splits = folds.toxicity_held_out(data_dir)
    civil = next(s for s in splits if s.name == datasets.CIVIL_REFERENCE)
    parts = {corpus.name: (corpus, weight) for corpus, weight in civil.train.parts}
    civil_train = parts["civil-train"][0]
    assert len(civil_train) and len(civil.test)
    assert not set(civil_train.texts) & set(civil.test.texts)
    assert civil_train.labels.sum() == 0 and civil.test.labels.sum() == 0
    own = {name: weight for name, (_, weight) in parts.items()
           if not name.endswith("-counterfactual")}
    assert own == folds.TOXICITY_WEIGHTS


def test_davidson_is_weighted_by_class(data_dir: Path) -> None:
    davidson = datasets.load_davidson(data_dir)
    by_class = folds.by_class(davidson)
    assert [c.name for c in by_class] == [f"davidson-{cls}" for cls in datasets.DAVIDSON_CLASSES]
    assert sum(len(c) for c in by_class) == len(davidson)
    assert by_class[2].labels.sum() == 0 and by_class[1].labels.all()


@pytest.mark.parametrize("task", ["spam", "toxicity"])
def test_each_corpus_is_scored_by_a_model_that_never_saw_it(data_dir: Path, task: str) -> None:
    splits = registry.get(task).held_out(data_dir)
    left_out = [s for s in splits if s.left_out]
    corpora = {"spam": [*datasets.YOUTUBE_FILES, "sms", "instagram"],
               "toxicity": ["tweeteval-offensive", "tweeteval-hate", "davidson",
                            "civil-comments", "fox-news"]}[task]
    assert [s.name for s in left_out] == corpora
    full = training.final_training_set(splits).parts
    for split in left_out:
        trained_on = {corpus.name for corpus, _ in split.train.parts}
        missing = [corpus for corpus, _ in full if corpus.name not in trained_on]
        assert all(c.name == split.name or c.name.startswith(f"{split.name}-") for c in missing)
        assert sum(len(c) for c in missing) == len(split.test)  # all of it, and only it


def test_every_toxicity_model_learns_that_naming_an_identity_is_civil(data_dir: Path) -> None:
    for split in folds.toxicity_held_out(data_dir):
        mentions = [c for c, _ in split.train.parts if c.name == identity_mentions.NAME]
        assert len(mentions) == 1 and len(mentions[0]) and not mentions[0].labels.any()


def test_texts_naming_an_identity_are_also_trained_on_with_the_name_swapped() -> None:
    corpus = datasets.Corpus("c", ["those gay people are awful", "nothing named", "I am Muslim"],
                             np.array([1, 0, 0], dtype=np.int8))
    swapped = identity_mentions.counterfactuals(corpus)
    copies = identity_mentions.COPIES
    assert swapped.name == "c-counterfactual" and len(swapped) == 2 * copies
    assert swapped.labels.tolist() == [1] * copies + [0] * copies
    for text in swapped.texts[:copies]:
        assert text.startswith("those ") and text.endswith(" people are awful")
        assert text[len("those "):-len(" people are awful")] in identity_mentions.TERMS
    assert identity_mentions.counterfactuals(corpus).texts == swapped.texts  # a fixed draw
