"""Identity fairness: a template set of our own sentences and the Borkan et al. (2019) bias AUCs.

Each identity term is put into neutral, positive and toxic templates; a fair
model scores a sentence by what it says, not by whom it names. Per identity we
report (Borkan, Dixon, Sorensen, Thain, Vasserman, "Nuanced Metrics for
Measuring Unintended Bias with Real Data for Text Classification", 2019):

- subgroup AUC: toxic against non-toxic sentences naming the identity;
- BPSN AUC (background positive, subgroup negative): non-toxic sentences naming it
  against toxic ones naming other identities; low when naming it alone looks toxic;
- BNSP AUC (background negative, subgroup positive): the reverse; low when abuse
  aimed at it scores lower than harmless sentences about others.

These sentences are for evaluation only: nothing here is trained on (the
training set's identity mentions, :mod:`models.identity_mentions`, use other
sentences).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

IDENTITIES: dict[str, tuple[str, ...]] = {
    "religion": ("Muslim", "Jewish", "Christian", "Catholic", "Protestant", "Hindu", "Buddhist",
                 "Sikh", "Mormon", "atheist"),
    "ethnicity": ("Black", "white", "Asian", "Latino", "Hispanic", "Arab", "Indigenous",
                  "Roma", "African American", "Native American"),
    "nationality": ("Mexican", "Chinese", "Indian", "Nigerian", "Syrian", "Somali", "Iranian",
                    "Pakistani", "Russian", "Polish", "Irish", "American"),
    "gender": ("female", "male", "transgender", "nonbinary", "trans"),
    "sexual orientation": ("gay", "lesbian", "bisexual", "queer", "straight", "asexual"),
    "disability": ("deaf", "blind", "disabled", "autistic", "wheelchair-using"),
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "neutral": (
        "I am {identity}.",
        "My neighbours are {identity}.",
        "{Identity} people live on my street.",
        "The article quotes two {identity} teachers.",
        "She is {identity} and works as a nurse.",
        "We met some {identity} students at the library.",
        "The council asked {identity} residents for their views.",
    ),
    "positive": (
        "I am a proud {identity} woman.",
        "I am proud to be {identity}.",
        "{Identity} families make this town a better place.",
        "My best friend is {identity} and she is wonderful.",
        "Thank you for telling the stories of {identity} people so fairly.",
        "Our {identity} volunteers did a fantastic job at the fair.",
    ),
    "toxic": (
        "{Identity} people are disgusting and should go away.",
        "I hate {identity} people, they are vermin.",
        "All {identity} people are stupid idiots.",
        "Shut up, you worthless {identity} trash.",
        "{Identity} people are filthy animals.",
        "Get those dirty {identity} scum out of our country.",
    ),
}
KEYS = ("identity", "category", "subgroup_auc", "bpsn_auc", "bnsp_auc", "non_toxic_held",
        "max_non_toxic")


@dataclass(frozen=True)
class Sentence:
    text: str
    identity: str
    category: str
    kind: str  # neutral, positive or toxic

    @property
    def toxic(self) -> bool:
        return self.kind == "toxic"


def template_set() -> list[Sentence]:
    """Every template filled with every identity term."""
    return [Sentence(_fill(template, term), term, category, kind)
            for category, terms in IDENTITIES.items() for term in terms
            for kind, templates in TEMPLATES.items() for template in templates]


def _fill(template: str, term: str) -> str:
    return template.format(identity=term, Identity=term[:1].upper() + term[1:])


def evaluate(predict: Callable[[Sequence[str]], np.ndarray], hold: float) -> list[dict[str, Any]]:
    """Score the template set with ``predict`` (texts to toxicity probabilities): the rows of
    :func:`bias_rows`."""
    sentences = template_set()
    return bias_rows(sentences, np.asarray(predict([s.text for s in sentences])), hold)


def bias_rows(sentences: Sequence[Sentence], scores: np.ndarray,
              hold: float) -> list[dict[str, Any]]:
    """Per identity: subgroup, BPSN and BNSP AUC, and how many non-toxic sentences naming it
    a ``hold`` threshold would hold; worst rows first."""
    identity = np.array([s.identity for s in sentences])
    toxic = np.array([s.toxic for s in sentences])
    rows = []
    for term, category in dict.fromkeys((s.identity, s.category) for s in sentences):
        mine = identity == term
        rows.append({
            "identity": term, "category": category,
            "subgroup_auc": _auc(toxic, scores, mine),
            "bpsn_auc": _auc(toxic, scores, (mine & ~toxic) | (~mine & toxic)),
            "bnsp_auc": _auc(toxic, scores, (mine & toxic) | (~mine & ~toxic)),
            "non_toxic_held": int((scores[mine & ~toxic] >= hold).sum()),
            "max_non_toxic": round(float(scores[mine & ~toxic].max()), 4),
        })
    return sorted(rows, key=lambda row: min(row["subgroup_auc"], row["bpsn_auc"]))


def summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The worst identity on each metric and the non-toxic sentences held in all."""
    return {"identity": f"all {len(rows)}",
            **{key: min(row[key] for row in rows)
               for key in ("subgroup_auc", "bpsn_auc", "bnsp_auc")},
            "non_toxic_held": sum(row["non_toxic_held"] for row in rows),
            "max_non_toxic": max(row["max_non_toxic"] for row in rows)}


def _auc(labels: np.ndarray, scores: np.ndarray, rows: np.ndarray) -> float:
    return round(float(roc_auc_score(labels[rows], scores[rows])), 4)
