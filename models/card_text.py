"""The shipped models' card text: sources, evaluation protocol, intended use, how each was
chosen and how its thresholds were; :mod:`models.registry` hands each to its model.

The selection history (every candidate tried, with its figures) belongs to the
card that explains the choice, so it is kept here, beside the rest of the card.
"""

from __future__ import annotations

from collections.abc import Sequence

SPAM_SOURCES = (
        "YouTube Spam Collection (Alberto, Lochter, Almeida, 2015), UCI ML repository, "
        "CC BY 4.0: four files, one per video, 1,586 comments, 52 % spam.",
        "SMS Spam Collection v.1 (Almeida, Gómez Hidalgo, Yamakami, 2011), UCI ML repository, "
        "CC BY 4.0: 5,574 messages, 13 % spam (a second domain).",
        "ScamSpot Instagram scam comments (Erben, 2023), MIT licence: 3,213 comments on "
        "finance/business accounts, lower-cased, 36 % scam or spam (one annotator).",
)

TOXICITY_SOURCES = (
        "TweetEval offensive (Barbieri et al., Findings of EMNLP 2020; source OLID, "
        "OffensEval 2019, Zampieri et al.): train 11,916 / val 1,324 tweets; no restriction "
        "beyond the source's.",
        "TweetEval hate (source HatEval, SemEval 2019 task 5, Basile et al.): train 9,000 / "
        "val 1,000 tweets; hate toward women and immigrants.",
        "Davidson, Warmsley, Macy, Weber, \"Automated Hate Speech Detection and the Problem of "
        "Offensive Language\", ICWSM 2017, MIT licence: 24,783 tweets; classes hate and "
        "offensive are toxic, neither is not.",
        "Civil Comments, Toxic Spans subset (Pavlopoulos et al., SemEval-2021 Task 5; "
        "Borkan et al. 2019), CC0 1.0: 15,909 reader comments from about 50 English news "
        "sites, 70 % toxic; every post had been flagged once, so its civil rows are "
        "borderline.",
        "Fox News comments (Gao & Huang, \"Detecting Online Hate Speech Using Context Aware "
        "Models\", RANLP 2017), MIT licence: 1,518 reader comments under 10 articles, 28 % "
        "hateful (a narrower label than toxic).",
        "YouTube Spam Collection and SMS Spam Collection (CC BY 4.0, see the spam card): the "
        "non-spam comments and messages, split in half by text hash: one half trains the "
        "model as clean text, the other is the civil reference for the hold threshold.",
)


SPAM_EVALUATION = (
    "Leave one corpus out: each YouTube video, SMS and Instagram is scored by the "
    "recipe trained on all the other corpora (the folds); the civil reference by "
    "the shipped model, trained on all of them.")

TOXICITY_EVALUATION = (
    "Leave one corpus out: TweetEval offensive and hate (train and val), Davidson, "
    "Civil Comments and Fox News are each scored by the recipe trained on all "
    "the other corpora (the folds); the civil reference by the shipped model, "
    "trained on all of them.")


TOXICITY_CANDIDATES = [
    ("previous recipe: union, LR C=1, weights 1/0.3/0.3",
     "0.8141/0.7146",
     "0.8200/0.7233",
     "0.9771/0.9959"),
    ("... LR C=0.5 / C=2",
     "0.8084 / 0.8132",
     "0.8082 / 0.8279",
     "0.9741 / 0.9785"),
    ("... word block weighted 0.5 / 1.5 / 2 against char (C per block)",
     "0.8146 / 0.8079 / 0.8001",
     "0.8124 / 0.8254 / 0.8288",
     "0.9748 / 0.9783 / 0.9790"),
    ("NB-LR (features scaled by naive-Bayes log-count ratio), C=1 / 4",
     "0.8059/0.7192 / 0.8020/0.7083",
     "0.8198 / 0.8329",
     "0.9821 / 0.9822"),
    ("... ratio from TF-IDF sums instead of presence, C=4",
     "0.8114/0.7206",
     "0.8201",
     "0.9814"),
    ("ensemble: LR C=2 + NB-LR C=2, decision values summed",
     "0.8174/0.7238",
     "0.8319/0.7420",
     "0.9820/0.9968"),
    ("... LR C=1 + NB-LR C=4",
     "0.8153/0.7209",
     "0.8322/0.7444",
     "0.9819"),
    ("... char-only LR + word-only NB-LR",
     "0.8127/0.7188",
     "0.8257/0.7357",
     "0.9815"),
    ("ensemble, word 1-3 / min_df 1 / min_df 3 / max_df 0.5",
     "0.8166 / 0.8192 / 0.8165 / 0.8155",
     "0.8332 / 0.8310 / 0.8322 / 0.8334",
     "~0.982"),
    ("ensemble, char_wb 1-5 / 2-6 / 3-5 / linear tf / + char 3-5 across words",
     "0.8178 / 0.8167 / 0.8156 / 0.8164 / 0.8163",
     "0.8324 / 0.8322 / 0.8308 / 0.8339 / 0.8348",
     "~0.982"),
    ("ensemble, weights hate 0.5 / 1.0 (Davidson 0.3)",
     "0.8121 / 0.7995",
     "0.8471 / 0.8618",
     "0.9811 / 0.9786"),
    ("ensemble, Davidson 0.1 / hate and Davidson 0.5",
     "0.8191 / 0.8097",
     "0.8369 / 0.8437",
     "0.9731 / 0.9832"),
    ("ensemble + half the non-spam YouTube/SMS as negatives, 0.3 / 0.5",
     "0.8200/0.7241 / 0.8201/0.7231",
     "0.8381 / 0.8395",
     "0.9819 / 0.9817"),
    ('ensemble, Davidson "neither" 1.0 / "offensive" 0.15 (each alone)',
     "0.8187 / 0.8199",
     "0.8350 / 0.8367",
     "0.9843 / 0.9815"),
    ("**ensemble + civil 0.3 + Davidson neither 1.0 / hate 0.3 / offensive 0.15**",
     "**0.8208/0.7259**",
     "**0.8438/0.7550**",
     "**0.9840/0.9972**"),
    ("... LR/NB-LR C=1/4, C=4/4",
     "0.8198 / 0.8142",
     "0.8451 / 0.8472",
     "0.9840 / 0.9839"),
    ("... hate 0.2 / 0.4",
     "0.8235 / 0.8182",
     "0.8318 / 0.8512",
     "0.9842 / 0.9838"),
    ("... Davidson offensive 0.05 / 0",
     "0.8200 / 0.8184",
     "0.8471 / 0.8458",
     "0.9820 / 0.9621"),
    ("... NB smoothing 0.5 / 2, NB-LR counted 0.5x / 2x",
     "0.8177 - 0.8239",
     "0.8416 - 0.8452",
     "~0.984"),
]


# Leave-one-corpus-out round (2026-12), harness with one vocabulary fitted on all corpora
# (so its figures rank candidates; the table above, per-fold vocabularies, is the real one).
LOCO_HEAD = (
    "offensive", "hate", "Davidson", "Civil Comments", "Fox News")
TOXICITY_LOCO_CANDIDATES = [
    ("plain word+char TF-IDF + LR, per-fold vocabulary (baseline)",
     "0.7270", "0.6530", "0.8653", "0.5726", "0.6571"),
    ("alt-profanity-check (trained on Davidson and other data)",
     "0.7846", "0.6558", "0.9883", "0.6351", "0.6084"),
    ("previous recipe (NB-LR ensemble C=2), news corpora appended at weight 1",
     "0.7402", "0.6396", "0.8637", "0.6021", "0.6321"),
    ("one LR C=2, same weights", "0.7305", "0.6593", "0.8447", "0.5807", "0.6300"),
    ("... C=0.5", "0.7511", "0.6558", "0.8335", "0.5781", "0.6429"),
    ("... char n-grams only / word n-grams only",
     "0.7399 / 0.7177", "0.6583 / 0.6472", "0.8395 / 0.8184", "0.5850 / 0.5714",
     "0.6524 / 0.5930"),
    ("... Civil Comments' civil rows at 0.3", "0.7545", "0.6595", "0.8201", "0.5807", "0.6443"),
    ("... news corpora at 3", "0.7010", "0.6530", "0.8242", "0.5754", "0.5989"),
    ("... Davidson hate and offensive at 0.5", "0.7324", "0.6583", "0.8447", "0.5816",
     "0.6306"),
    ("... TweetEval-hate civil rows left out", "0.7232", "0.6593", "0.8773", "0.5969",
     "0.6293"),
    ("NB-LR ensemble, Civil Comments' civil rows 0.3, identity mentions 1",
     "0.7630", "0.6475", "0.8271", "0.6025", "0.6446"),
    ("... identity mentions 5", "0.7636", "0.6502", "0.8275", "0.6007", "0.6441"),
    ("**... identity mentions 1 + name-swapped copies**", "0.7631", "-", "-", "0.6016",
     "0.6383"),
]
SPAM_LOCO_CANDIDATES = [
    ("C=16, SMS 0.1, Instagram 1 (shipped)", "0.9883 / 0.9901 / 0.9901 / 0.9873", "0.8146",
     "0.7861"),
    ("C=16, SMS 0.3, Instagram 0.3", "0.9882 / 0.9909 / 0.9924 / 0.9870", "0.8185", "0.7813"),
    ("C=4 / C=64, SMS 0.3, Instagram 0.3", "0.9882-0.9927 / 0.9862-0.9915", "0.8105 / 0.8178",
     "0.7784 / 0.7820"),
    ("C=16, SMS 1, Instagram 1", "0.9850-0.9892", "0.8146", "0.7740"),
    ("NB-LR ensemble C=4, SMS 0.3, Instagram 0.3", "0.9862-0.9943", "0.8162", "0.7846"),
]


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                     + ["| " + " | ".join(row) + " |" for row in rows])


SPAM_INTENDED_USE = (
    "Ranking and triage of reader comments on news sites: comments above `hold` go "
    "to a moderator, above `auto_spam` are filed as spam without one (precise enough "
    "on every left-out video). Not for e-mail or SMS filtering on its own, not for "
    "judging people: a score is about one text.")

TOXICITY_INTENDED_USE = (
    "Ranking and triage of reader comments on news sites: comments above `hold` "
    "wait for a moderator, who decides; the moderator sees the driving terms. "
    "Auto-reject reaches 95 % precision on left-out TweetEval offensive only "
    "(not on the news corpora: see precision@auto_reject), so a site that wants "
    "a person to decide every refusal sets it to 1. Not for judging authors, and "
    "not a hate-speech classifier: most labels are \"offensive\", not \"hateful\".")


SPAM_SELECTION = """\
Leave-one-corpus-out round (Instagram added), ROC-AUC of the left-out corpus with one
vocabulary fitted on all corpora (so figures rank candidates; the evaluation table above
is the real one):

""" + _table(("candidate", "YouTube psy / katyperry / lmfao / eminem", "SMS", "Instagram"),
             SPAM_LOCO_CANDIDATES) + """

No candidate moved the worst corpus by more than the noise, so the earlier recipe
stayed, with Instagram at weight 1 (comment-like, unlike SMS). Earlier rounds:

Mean ROC-AUC over leave-one-video-out (SMS test AUC in brackets), logistic regression C=4,
SMS in training at weight 1 unless said otherwise:

| candidate | LOVO ROC-AUC | SMS ROC-AUC |
|---|---|---|
| word 1-2-gram TF-IDF | 0.9767 | 0.9904 |
| char_wb 2-5-gram TF-IDF | 0.9808 | 0.9915 |
| char_wb 2-5 + word 1-2 (the union) | 0.9848 | 0.9933 |
| union on raw lowercased text (no normaliser) | 0.9847 | 0.9928 |
| union with hashed char n-grams (2^20) | 0.9846 | 0.9931 |
| union + SGD (modified Huber) | 0.9329 | 0.9321 |
| union + meta features (capitals ratio, link count, length, "!" rate) | 0.9819 | - |
| union, char 1-4 / 3-6 / min_df=1 | 0.9839 / 0.9843 / 0.9847 | - |
| multinomial / complement naive Bayes | 0.9036 / 0.8857 | - |
| union + link site token (`url_<site>`) | 0.9864 | - |
| ... + SMS weight 0 / 0.1 / 0.3 (C=16) | 0.9913 / 0.9909 / 0.9897 | 0.8344 / 0.9905 / 0.9926 |

Won: the union with the link-site token, C=16, SMS at weight 0.1 — SMS vocabulary
(prizes, numbers to call) is kept without drowning the comment-like YouTube data.
Meta features did not help once links are tokens. With that recipe, hashed n-grams
(char 2^20, word 2^18, no min_df) scored 0.9888 against 0.9909 for the vocabulary, and
the vocabulary artifact is smaller once compressed (1.3 MB), so the vocabulary won."""


TOXICITY_SELECTION = """\
Leave-one-corpus-out round (Civil Comments and Fox News added; selection by the worst
left-out corpus). ROC-AUC of each corpus left out, with one vocabulary fitted on all
corpora (it ranks candidates; the evaluation table above, with per-fold vocabularies,
is the real one); the first two rows are the baselines:

""" + _table(("candidate", *LOCO_HEAD), TOXICITY_LOCO_CANDIDATES) + """

Weighting moved single corpora by up to 0.03 but never the worst one (Civil Comments,
whose civil rows are borderline) by more than 0.02; appending the news corpora at a
high weight made every corpus worse. Kept (bold): the NB-LR ensemble (best on the
worst corpus), Civil Comments' civil rows at 0.3, civil identity mentions at 1 and
name-swapped copies of the training texts that name an identity
(`models/identity_mentions.py`: other sentences, and a partly different term list,
than the fairness templates, which are never trained on). On the fairness templates
the mentions alone left the worst BPSN AUC at 0.79 / 0.76 (weight 1 / 5: "white",
"queer"); the swapped copies raised it to 0.89 for at most 0.006 ROC-AUC on the
left-out corpora.

Earlier rounds, on in-domain splits. Selection used an inner split: 15 % of each
training corpus (by text hash) held out, candidates fitted on the other 85 %; the val
and test splits were not looked at.
ROC-AUC/AP (or ROC-AUC alone) on the inner offensive | hate | Davidson parts.

Earlier rounds (same protocol, another inner split): the union of char_wb 2-5-gram
and word 1-2-gram TF-IDF beat either alone, hashed n-grams, raw (unnormalised) text,
SGD and char n-grams across words; logistic regression C=1 and corpus weights
1 / 0.3 / 0.3 (offensive / hate / Davidson) won; one head per corpus (mean, max,
noisy-or) was no better than one model. This round started from that recipe:

""" + _table(("candidate", "offensive", "hate", "Davidson"), TOXICITY_CANDIDATES) + """

Won (bold): the sum of a plain logistic regression and an NB-SVM-style one (both C=2)
on the same union, which is one linear model (coefficients `w + r * w_nb`), so the
scorer and the explanations are unchanged; trained with half of the civil reference
as clean examples and Davidson weighted by class. The three corpora define "toxic"
differently (HatEval marks many offensive tweets as not hateful; Davidson's
"offensive" class is mostly slang and quoted profanity), so the corpus closest to
moderating comments — OLID's "offensive" — leads and the others count for less;
Davidson's clean tweets count fully. Differences under about 0.003 are within the
noise of the inner split (1,824 offensive tweets): among the candidates within that
of the best on both offensive and hate, the one with default settings (equal sum,
smoothing 1) was kept. Feature variants (n-gram ranges, min_df, max_df, linear tf)
changed nothing beyond noise and were left as they were."""


SPAM_THRESHOLD_NOTES = (
    "auto-spam at the lowest score with >= 98 % precision on every left-out "
    "video, hold at >= 95 % recall on every left-out video, raised until it holds "
    "at most 5 % of the civil reference (the TweetEval val tweets that are neither "
    "offensive nor hateful).")

TOXICITY_THRESHOLD_NOTES = (
    "hold at >= 90 % recall and auto-reject at >= 95 % precision on left-out "
    "TweetEval offensive (1.0 means that precision was never reached: no "
    "auto-reject), the hold raised until it holds at most 5 % of the civil reference "
    "(the held-out half of the YouTube comments and SMS messages that are not spam): "
    "recall is traded for a queue moderators can keep up with.")
