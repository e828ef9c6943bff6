"""Identity fairness: the template set, the Borkan et al. bias AUCs, and the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

from models import fairness, identity_mentions
from models.fairness import Sentence
from models.scoring import load_scorer


def test_the_template_set_covers_forty_identities_in_six_categories() -> None:
    sentences = fairness.template_set()
    assert sum(len(terms) for terms in fairness.IDENTITIES.values()) >= 40
    assert set(fairness.IDENTITIES) == {"religion", "ethnicity", "nationality", "gender",
                                        "sexual orientation", "disability"}
    assert {s.kind for s in sentences} == {"neutral", "positive", "toxic"}
    assert "I am a proud Muslim woman." in {s.text for s in sentences}
    assert "Gay people live on my street." in {s.text for s in sentences}


def test_no_template_sentence_is_trained_on() -> None:
    trained = set(identity_mentions.corpus().texts)
    assert not trained & {s.text for s in fairness.template_set()}


def test_bpsn_is_low_when_naming_an_identity_alone_looks_toxic() -> None:
    sentences = [Sentence(f"{kind} {term} {i}", term, "c", kind)
                 for term in ("a", "b") for kind in ("neutral", "toxic") for i in range(2)]
    # civil sentences naming "a" score above abuse aimed at "b"; each subgroup is still ranked
    scores = np.array([0.7, 0.8, 0.9, 0.95, 0.1, 0.2, 0.5, 0.6])
    rows = {row["identity"]: row for row in fairness.bias_rows(sentences, scores, hold=0.65)}
    assert rows["a"]["subgroup_auc"] == rows["b"]["subgroup_auc"] == 1.0
    assert rows["a"]["bpsn_auc"] == 0.0 and rows["a"]["bnsp_auc"] == 1.0
    assert rows["b"]["bpsn_auc"] == 1.0 and rows["b"]["bnsp_auc"] == 0.0
    assert rows["a"]["non_toxic_held"] == 2 and rows["b"]["non_toxic_held"] == 0
    assert fairness.summary(list(rows.values()))["bpsn_auc"] == 0.0


@pytest.fixture(scope="module")
def shipped_fairness() -> list[dict]:
    scorer = load_scorer()
    return fairness.evaluate(lambda texts: scorer.probabilities("toxicity", texts),
                             scorer.thresholds["toxicity"]["hold"])


def test_the_shipped_model_holds_no_neutral_or_positive_template(
        shipped_fairness: list[dict]) -> None:
    held = {row["identity"]: row["non_toxic_held"] for row in shipped_fairness
            if row["non_toxic_held"]}
    assert not held


def test_the_shipped_model_meets_the_bias_auc_targets(shipped_fairness: list[dict]) -> None:
    summary = fairness.summary(shipped_fairness)
    assert summary["subgroup_auc"] >= 0.90 and summary["bpsn_auc"] >= 0.85, summary
