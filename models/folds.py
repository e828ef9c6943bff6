"""Each model's corpora and folds: the training sets, weighted, and the held-out splits.

Every corpus is left out in turn (:func:`leave_one_out`): a model trained on the
others scores it, which is how a model meets a new site. Training sets weigh
their corpora (see the model cards for the measurements): the SMS corpus
teaches spam vocabulary but is another domain, so it counts for less than the
comments; TweetEval-hate and Davidson label "toxic" differently from the
comment corpora, so they count for less. Davidson is split by class: its
"neither" tweets are clean tweets like any other and count fully, its
"offensive" class (mostly slang and quoted profanity) counts least. Civil
Comments' civil rows (all flagged once, so borderline) count less than its
toxic ones. Half of the civil reference of the toxicity model (the YouTube
comments and SMS messages that are not spam) is added as clean examples of
ordinary text; the other half stays held out for choosing the hold threshold.
Civil sentences naming identities, and copies of the texts naming one with the
name swapped (:mod:`models.identity_mentions`), teach it that naming one is not
abuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import datasets, identity_mentions
from .datasets import Corpus
from .splits import HeldOut, TrainingSet

SPAM_WEIGHTS = {"sms": 0.1, "instagram": 1.0}  # YouTube videos count 1.0
TOXICITY_WEIGHTS = {"tweeteval-offensive": 1.0, "tweeteval-hate": 0.3,
                    "davidson-hate": 0.3, "davidson-offensive": 0.15,
                    "davidson-neither": 1.0, "civil-comments-toxic": 1.0,
                    "civil-comments-civil": 0.3, "fox-news": 1.0,
                    "civil-train": 0.3, identity_mentions.NAME: 1.0}
CIVIL_TRAIN_FRACTION = 0.5  # of the toxicity civil reference; the rest stays held out


def civil_reference(corpora: Sequence[Corpus]) -> Corpus:
    """The clean rows of another task's corpora: ordinary text this model never trained on.

    Held-out corpora are the other domain's own mix of positives; a news site's
    comments are mostly civil, and how many of those a threshold would hold is
    what decides whether moderators can keep up. See ``evaluation.choose_thresholds``.
    """
    clean = datasets.concat(datasets.CIVIL_REFERENCE, corpora)
    return clean.subset(datasets.CIVIL_REFERENCE, np.flatnonzero(clean.labels == 0))


def leave_one_out(task: str, corpora: Sequence[Corpus], weighted: Sequence[tuple[Corpus, float]],
                  extra: Sequence[tuple[Corpus, float]] = ()) -> tuple[list[HeldOut], TrainingSet]:
    """One split per corpus: trained on the weighted parts of all the others (plus ``extra``),
    scored on the whole corpus left out; and the training set of everything.

    ``weighted`` holds each corpus's training parts, named ``<corpus>`` or ``<corpus>-<part>``.
    """
    def parts_without(name: str) -> tuple[tuple[Corpus, float], ...]:
        return tuple((part, w) for part, w in weighted
                     if part.name != name and not part.name.startswith(f"{name}-"))

    splits = [HeldOut(c.name, c, TrainingSet(f"{task}-without-{c.name}",
                                             (*parts_without(c.name), *extra)), left_out=True)
              for c in corpora]
    return splits, TrainingSet(task, (*weighted, *extra))


def spam_corpora(data_dir: Path) -> list[Corpus]:
    """The spam corpora, each left out in turn: the four YouTube videos, SMS, Instagram."""
    return [*datasets.load_youtube(data_dir), datasets.load_sms(data_dir),
            datasets.load_instagram(data_dir)]


def spam_held_out(data_dir: Path) -> list[HeldOut]:
    """Leave one corpus out (each YouTube video, SMS, Instagram), and the civil reference:
    non-offensive, non-hateful tweets of the TweetEval val splits."""
    corpora = spam_corpora(data_dir)
    splits, full = leave_one_out(
        "spam", corpora, [(c, SPAM_WEIGHTS.get(c.name, 1.0)) for c in corpora])
    civil = civil_reference([datasets.load_tweeteval(data_dir, task, "val")
                             for task in datasets.TWEETEVAL_TASKS])
    return [*splits, HeldOut(civil.name, civil, full)]


def toxicity_corpora(data_dir: Path) -> list[Corpus]:
    """The toxicity corpora, each left out in turn: TweetEval offensive and hate (train and
    val), Davidson, Civil Comments, Fox News."""
    tweeteval = [datasets.concat(f"tweeteval-{task}", [datasets.load_tweeteval(data_dir, task, s)
                                                       for s in ("train", "val")])
                 for task in datasets.TWEETEVAL_TASKS]
    return [*tweeteval, datasets.load_davidson(data_dir),
            datasets.load_civil_comments(data_dir), datasets.load_fox_news(data_dir)]


def toxicity_held_out(data_dir: Path) -> list[HeldOut]:
    """Leave one corpus out over :func:`toxicity_corpora`, each fold also trained on half of
    the clean YouTube and SMS messages and on the civil identity mentions; then the other
    half, the civil reference, scored by the model trained on everything."""
    corpora = toxicity_corpora(data_dir)
    civil_train, civil = civil_split(
        civil_reference([*datasets.load_youtube(data_dir), datasets.load_sms(data_dir)]))
    split_up = {"davidson": by_class, "civil-comments": by_label}
    parts = [part for c in corpora for part in split_up.get(c.name, lambda c: [c])(c)]
    extra = [(c, TOXICITY_WEIGHTS[c.name]) for c in (civil_train, identity_mentions.corpus())]
    weighted = [(part, TOXICITY_WEIGHTS[part.name]) for part in parts]
    swapped = [(identity_mentions.counterfactuals(part), w / identity_mentions.COPIES)
               for part, w in weighted]
    splits, full = leave_one_out("toxicity", corpora,
                                 [*weighted, *((c, w) for c, w in swapped if len(c))], extra)
    return [*splits, HeldOut(civil.name, civil, full)]


def by_label(corpus: Corpus) -> list[Corpus]:
    """A corpus split into its toxic and civil rows, weighted on their own: Civil Comments'
    civil rows were all flagged once, borderline texts that should not count as typical."""
    return [corpus.subset(f"{corpus.name}-{name}", np.flatnonzero(corpus.labels == label))
            for name, label in (("toxic", 1), ("civil", 0))]


def civil_split(civil: Corpus) -> tuple[Corpus, Corpus]:
    """(``civil-train``, the held-out ``civil-reference``): a fixed split by text hash."""
    train, test = datasets.held_out_split(civil, 1 - CIVIL_TRAIN_FRACTION, salt="civil")
    return (train.subset("civil-train", np.arange(len(train))),
            test.subset(datasets.CIVIL_REFERENCE, np.arange(len(test))))


def by_class(davidson: Corpus) -> list[Corpus]:
    """Davidson split by its class (hate, offensive, neither), each weighted on its own."""
    groups = np.array(davidson.groups)
    return [davidson.subset(f"{davidson.name}-{cls}", np.flatnonzero(groups == cls))
            for cls in datasets.DAVIDSON_CLASSES]
