"""Teach the toxicity model that naming an identity is not abuse: civil mentions and swapped copies.

Tweets that name a religion, an ethnicity or a sexual orientation are mostly the
abusive ones in the corpora, so a model learns the name itself as a sign of
abuse (Dixon et al. 2018, "Measuring and Mitigating Unintended Bias in Text
Classification", added non-toxic identity mentions for the same reason). These
are our own sentences and terms, deliberately different from the evaluation
templates of :mod:`models.fairness` (other sentence frames, and some evaluated
terms left out here) so the fairness table measures what carries over, not
what was memorised.

Civil sentences alone do not undo thousands of tweets where "queer" or "white"
come with abuse, so the training texts that name an identity are also added
with the name swapped for others (counterfactual data augmentation, Garg et al.
2019, "Counterfactual Fairness in Text Classification"): the same text, the
same label, whoever it names, so no name keeps a weight of its own.
"""

from __future__ import annotations

import random
import re

import numpy as np

from .datasets import Corpus

NAME = "identity-mentions"
COPIES = 2  # swapped copies per text naming an identity; together they weigh one text

TERMS = (
    "Muslim", "Jewish", "Christian", "Catholic", "Hindu", "Buddhist", "atheist", "Mormon",
    "Black", "white", "Asian", "Latino", "Hispanic", "Arab", "Indigenous", "African American",
    "Mexican", "Chinese", "Indian", "Nigerian", "Syrian", "Iranian", "Russian", "Irish",
    "immigrant", "refugee", "female", "male", "transgender", "trans", "nonbinary",
    "gay", "lesbian", "bisexual", "queer", "straight", "LGBT",
    "deaf", "blind", "disabled", "autistic",
)

FRAMES = (
    "The {identity} community centre opens again on Sunday.",
    "He grew up in a {identity} household in the north of the city.",
    "As someone who is {identity}, I found this report useful.",
    "Being {identity} is part of who I am.",
    "Several {identity} doctors work at the new hospital.",
    "My colleague is {identity} and we often have lunch together.",
    "The survey asked {identity} voters about the bus routes.",
    "I'm {identity} and I agree with this editorial.",
    "Is the summer camp open to {identity} kids as well?",
    "The mayor thanked {identity} business owners for their help.",
    "{Identity} writers will read at the library on Friday.",
    "Good to read the {identity} perspective in the paper.",
)


def corpus() -> Corpus:
    """Every frame with every term, all labelled civil (0)."""
    texts = [frame.format(identity=term, Identity=term[:1].upper() + term[1:])
             for term in TERMS for frame in FRAMES]
    return Corpus(NAME, texts, np.zeros(len(texts), dtype=np.int8))


_NAMED = re.compile(r"\b(" + "|".join(map(re.escape, TERMS)) + r")\b", re.IGNORECASE)


def counterfactuals(corpus: Corpus) -> Corpus:
    """``COPIES`` copies of each text of ``corpus`` that names an identity, every name swapped
    for one drawn at random (fixed seed: the same copies on every run), labels kept;
    named ``<corpus>-counterfactual`` so it is left out with its corpus."""
    draw = random.Random(corpus.name)
    texts, rows = [], []
    for row, text in enumerate(corpus.texts):
        if _NAMED.search(text):
            for _ in range(COPIES):
                texts.append(_NAMED.sub(lambda _: draw.choice(TERMS), text))
                rows.append(row)
    return Corpus(f"{corpus.name}-counterfactual", texts,
                  corpus.labels[np.asarray(rows, dtype=int)])
