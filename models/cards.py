"""Write the model card (``<task>.md``) beside each artifact from its metadata.

The card is what a moderator or reviewer reads: where the data came from and
under which licence, how the model was chosen, how it scores on held-out data
next to the baselines, the thresholds it ships with, and how to verify the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .evaluation import format_table

ADJECTIVE = {"spam": "spam", "toxicity": "toxic (offensive or hateful)"}

SOURCES = {
    "spam": [
        "YouTube Spam Collection (Alberto, Lochter, Almeida, 2015), UCI ML repository, "
        "CC BY 4.0: four files, one per video, 1,586 comments, 52 % spam.",
        "SMS Spam Collection v.1 (Almeida, Gómez Hidalgo, Yamakami, 2011), UCI ML repository, "
        "CC BY 4.0: 5,574 messages, 13 % spam (a second domain; fixed 80/20 split by text hash).",
    ],
    "toxicity": [
        "TweetEval offensive (Barbieri et al., Findings of EMNLP 2020; source OLID, "
        "OffensEval 2019, Zampieri et al.): train 11,916 / val 1,324 tweets; no restriction "
        "beyond the source's.",
        "TweetEval hate (source HatEval, SemEval 2019 task 5, Basile et al.): train 9,000 / "
        "val 1,000 tweets; hate toward women and immigrants.",
        "Davidson, Warmsley, Macy, Weber, \"Automated Hate Speech Detection and the Problem of "
        "Offensive Language\", ICWSM 2017, MIT licence: 24,783 tweets; classes hate and "
        "offensive are toxic, neither is not; fixed 80/20 split by text hash.",
    ],
}

EVALUATION = {
    "spam": "Leave-one-video-out over the four YouTube files (each fold trains on the other "
            "three videos plus the SMS training split), and the SMS test split scored by the "
            "shipped model (trained on all four videos plus the SMS training split).",
    "toxicity": "The shipped model scored on the TweetEval offensive and hate val splits and on "
                "the 20 % Davidson test split; none of them was used for training or selection.",
}

SELECTION = {
    "spam": """\
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
the vocabulary artifact is smaller once compressed (1.3 MB), so the vocabulary won.""",
    "toxicity": """\
Selection used an inner split (15 % of each training corpus, by text hash); the val and
test splits were not looked at. ROC-AUC/AP on offensive | hate | Davidson:

| candidate | offensive | hate | Davidson |
|---|---|---|---|
| word 1-2-gram TF-IDF, C=4 | 0.7761/0.6781 | 0.8208/0.7599 | 0.9791/0.9958 |
| char_wb 2-5-gram TF-IDF, C=4 | 0.7895/0.6807 | 0.8358/0.7786 | 0.9801/0.9961 |
| union char_wb 2-5 + word 1-2, C=4 | 0.7939/0.6974 | 0.8379/0.7839 | 0.9807/0.9963 |
| union on raw lowercased text | 0.7946/0.6978 | 0.8367/0.7822 | 0.9802/0.9962 |
| union, hashed char n-grams | 0.7941/0.6976 | 0.8378/0.7840 | 0.9805/0.9962 |
| union + SGD (modified Huber) | 0.7515/0.6281 | 0.8128/0.7378 | 0.9575/0.9883 |
| union, C=1 / C=16 | 0.8023/0.7051 / 0.7773/0.6787 | 0.8375 / 0.8324 | 0.9826 / 0.9770 |
| union C=1, corpus weights 1/0.3/0.3 | 0.8158/0.7266 | 0.8109/0.7432 | 0.9791/0.9960 |
| ... 1/0.5/0.3 | 0.8127/0.7218 | 0.8279/0.7664 | 0.9780/0.9958 |
| ... 1/0/0 (offensive only) | 0.8202/0.7352 | 0.6300/0.5967 | 0.8502/0.9701 |
| one head per corpus, mean / max / noisy-or | no better than one model | | |
| char 1-4 across words (+word 1-2) | 0.8126/0.7214 | 0.8087/0.7425 | 0.9779/0.9958 |
| char_wb 1-4 + word unigrams | 0.8150/0.7251 | 0.8104/0.7442 | 0.9785/0.9958 |

Won: the union, C=1, corpus weights 1 / 0.3 / 0.3. The three corpora define "toxic"
differently (HatEval marks many offensive tweets as not hateful; Davidson is 83 %
offensive slang), so the corpus closest to moderating comments — OLID's "offensive"
— leads and the others count for less. With this recipe the vocabulary beat hashed
n-grams on every val split (hashed: 0.8008 / 0.7597 / 0.9765 ROC-AUC) and compresses
to about 5 MB.

Targets not met: on TweetEval offensive val the model leads alt-profanity-check by
about 0.014 ROC-AUC, not 0.02, and only ties it on average precision; on TweetEval hate
val it only ties the word TF-IDF baseline. alt-profanity-check also leads on the
Davidson test split, whose "offensive" class is mostly profanity. Bag-of-n-gram
models trained on these three tweet corpora seem to top out here.""",
}


def write(directory: Path, metadata: Mapping[str, Any]) -> Path:
    """Render ``<task>.md`` from the metadata just saved; return its path."""
    task = metadata["task"]
    path = directory / f"{task}.md"
    path.write_text(render(metadata))
    return path


def render(metadata: Mapping[str, Any]) -> str:
    task = metadata["task"]
    libraries = ", ".join(f"{name} {version}" for name, version in metadata["libraries"].items())
    training = "\n".join(f"| {p['corpus']} | {p['rows']} | {p['positive']} | {p['weight']} |"
                         for p in metadata["training"])
    sources = "\n".join(f"- {source}" for source in SOURCES[task])
    return f"""# Model card: {task} ({metadata['version']})

Calibrated probability that a comment is {ADJECTIVE[task]}. Text is passed through
`models.normalise.normalise` first (NFKC, invisible characters removed, lookalike
letters and leetspeak folded, links/e-mails/mentions mapped to tokens, repeats capped);
the pipeline is `{json.dumps(metadata['pipeline'])}`.

- File: `{metadata['file']}`, SHA-256 `{metadata['sha256']}` (checked on load)
- Trained: {metadata['created']} with {libraries} (scikit-learn version checked on load)
- Data SHA-256 (the corpus files used): `{metadata['data']['sha256']}`

## Data

{sources}

The corpora are read from `../shared/data` and never committed.

| training corpus | rows | positive | weight |
|---|---|---|---|
{training}

## Evaluation

{EVALUATION[task]} Baselines run in the same command: plain word TF-IDF + logistic
regression on raw text (same training data, unweighted) and alt-profanity-check.
Precision/recall are at the shipped thresholds.

{format_table(metadata['metrics'])}

## Thresholds

`{json.dumps(metadata['thresholds'])}`, chosen on the held-out scores above:
{_threshold_notes(task)}

## How it was chosen

{SELECTION[task]}

## Limits

The scorer computes the same probabilities as the pipeline (tests hold them equal)
without sklearn's per-call overhead; `python bench/scoring.py` prints its latency.

Trained on YouTube comments, SMS and tweets, not news comments: expect a domain
shift and watch the moderators' overturn rate. English only; other scripts are
folded to Latin lookalikes and score as noise. Tweet-specific habits (mentions,
"RT") are in the data; mentions are mapped to one token to limit that.
"""


def _threshold_notes(task: str) -> str:
    if task == "spam":
        return ("auto-spam at the lowest score with >= 98 % precision on every held-out "
                "video, hold at >= 95 % recall on every video, raised until it holds at most "
                "5 % of the civil reference (the TweetEval val tweets that are neither "
                "offensive nor hateful).")
    return ("hold at >= 90 % recall and auto-reject at >= 95 % precision on each TweetEval "
            "val split (1.0 means that precision was never reached: no auto-reject), the hold "
            "raised until it holds at most 5 % of the civil reference (the YouTube comments "
            "and SMS messages that are not spam): recall is traded for a queue moderators "
            "can keep up with.")
