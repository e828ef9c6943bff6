"""Load the labelled corpora of ``../shared/data`` (see its INDEX.md) as texts and 0/1 labels.

Each loader reads one corpus in its published layout, undoes the HTML escaping
the sources left in (so texts look as a reader would type them into a form) and
returns a :class:`Corpus`. A missing file raises :class:`MissingDataError`
naming it. The data is read in place and never copied into the repository.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_ENV = "MODERATION_DATA_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"

YOUTUBE_FILES = {
    "youtube-psy": "Youtube01-Psy.csv",
    "youtube-katyperry": "Youtube02-KatyPerry.csv",
    "youtube-lmfao": "Youtube03-LMFAO.csv",
    "youtube-eminem": "Youtube04-Eminem.csv",
}
SMS_FILE = "sms-spam/SMSSpamCollection"
DAVIDSON_FILE = "davidson-hate-offensive/labeled_data.csv"
DAVIDSON_CLASSES = ("hate", "offensive", "neither")
TWEETEVAL_TASKS = ("offensive", "hate")
CIVIL_COMMENTS_FILE = "civil-comments-toxic-spans/comments.csv"
FOX_NEWS_FILE = "fox-news-comments/comments.csv"
INSTAGRAM_FILE = "instagram-scam-comments/comments.csv"
CIVIL_REFERENCE = "civil-reference"  # the held-out split of clean text from the other task

_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ANCHOR = re.compile(r"""<a\s[^>]*?href=["']?([^"'\s>]+)[^>]*>""", re.IGNORECASE)
_TAG = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)


class DatasetError(Exception):
    """A corpus is missing or not in its published layout."""


class MissingDataError(DatasetError, FileNotFoundError):
    """A corpus file is not where the data directory says it should be."""


@dataclass(frozen=True)
class Corpus:
    """One labelled corpus (or one split of it): parallel texts and 0/1 labels.

    ``groups`` carries a per-row sub-label kept for analysis (Davidson's
    hate/offensive/neither class), empty when the corpus has none.
    """

    name: str
    texts: list[str]
    labels: np.ndarray
    groups: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, name: str, rows: Sequence[int] | np.ndarray) -> Corpus:
        rows = np.asarray(rows, dtype=int)
        groups = tuple(self.groups[i] for i in rows) if self.groups else ()
        return Corpus(name, [self.texts[i] for i in rows], self.labels[rows], groups)


def concat(name: str, corpora: Sequence[Corpus]) -> Corpus:
    """Join corpora into one training set (sub-labels are dropped)."""
    texts = [text for corpus in corpora for text in corpus.texts]
    labels = np.concatenate([corpus.labels for corpus in corpora]) if corpora else np.zeros(0)
    return Corpus(name, texts, labels.astype(np.int8))


def resolve_data_dir(explicit: str | Path | None = None) -> Path:
    """The data directory: ``--data`` if given, else $MODERATION_DATA_DIR, else ../shared/data."""
    chosen = explicit or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().resolve()


def load_youtube(data_dir: Path) -> list[Corpus]:
    """The YouTube Spam Collection: one corpus per video, for leave-one-video-out evaluation."""
    corpora = []
    for name, filename in YOUTUBE_FILES.items():
        path = _require(data_dir / "youtube-spam" / filename)
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        _require_columns(path, rows, ("CONTENT", "label"))
        texts = [_strip_html(row["CONTENT"]) for row in rows]
        corpora.append(Corpus(name, texts, _labels(path, [row["label"] for row in rows], "1")))
    return corpora


def load_sms(data_dir: Path) -> Corpus:
    """The SMS Spam Collection: ``spam``/``ham`` TAB text, after a header line."""
    path = _require(data_dir / SMS_FILE)
    texts, labels = [], []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            label, sep, text = line.rstrip("\n").partition("\t")
            if number == 0 and label.lower() == "label":
                continue
            if not sep or label not in ("spam", "ham"):
                raise DatasetError(f"{path}:{number + 1}: expected 'spam|ham<TAB>text'")
            texts.append(html.unescape(text))
            labels.append(int(label == "spam"))
    return Corpus("sms", texts, np.array(labels, dtype=np.int8))


def load_davidson(data_dir: Path) -> Corpus:
    """Davidson et al. 2017: classes 0 (hate) and 1 (offensive) are toxic, 2 (neither) is not."""
    path = _require(data_dir / DAVIDSON_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    _require_columns(path, rows, ("class", "tweet"))
    classes = [row["class"] for row in rows]
    if set(classes) - {"0", "1", "2"}:
        raise DatasetError(f"{path}: column 'class' must hold 0, 1 or 2")
    labels = np.array([cls != "2" for cls in classes], dtype=np.int8)
    groups = tuple(DAVIDSON_CLASSES[int(cls)] for cls in classes)
    return Corpus("davidson", [html.unescape(row["tweet"]) for row in rows], labels, groups)


def load_tweeteval(data_dir: Path, task: str, split: str) -> Corpus:
    """One TweetEval split (``train`` or ``val``) of ``offensive`` or ``hate``."""
    if task not in TWEETEVAL_TASKS or split not in ("train", "val"):
        raise ValueError(f"unknown TweetEval split {task}/{split}")
    folder = data_dir / f"tweeteval-{task}"
    text_path = _require(folder / f"{split}_text.txt")
    label_path = _require(folder / f"{split}_labels.txt")
    texts = text_path.read_text(encoding="utf-8").splitlines()
    raw_labels = [line.strip() for line in label_path.read_text(encoding="utf-8").splitlines()]
    if len(texts) != len(raw_labels):
        raise DatasetError(f"{text_path} has {len(texts)} lines but {label_path} has "
                           f"{len(raw_labels)}")
    labels = _labels(label_path, raw_labels, "1")
    return Corpus(f"tweeteval-{task}-{split}", [html.unescape(t) for t in texts], labels)


def load_civil_comments(data_dir: Path) -> Corpus:
    """Civil Comments (toxic spans): news-site comments all once flagged, so its civil rows
    are borderline; label 1 unless most raters ticked "not toxic"."""
    return _csv_corpus(data_dir / CIVIL_COMMENTS_FILE, "civil-comments")


def load_fox_news(data_dir: Path) -> Corpus:
    """Fox News reader comments, label 1 = hateful; ``groups`` holds each one's article."""
    path = _require(data_dir / FOX_NEWS_FILE)
    corpus = _csv_corpus(path, "fox-news")
    with path.open(encoding="utf-8", newline="") as handle:
        threads = tuple(row["thread"] for row in csv.DictReader(handle))
    return Corpus(corpus.name, corpus.texts, corpus.labels, threads)


def load_instagram(data_dir: Path) -> Corpus:
    """ScamSpot: Instagram comments (lower-cased), label 1 = scam or spam."""
    return _csv_corpus(data_dir / INSTAGRAM_FILE, "instagram")


def _csv_corpus(path: Path, name: str) -> Corpus:
    with _require(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    _require_columns(path, rows, ("text", "label"))
    labels = _labels(path, [row["label"] for row in rows], "1")
    return Corpus(name, [html.unescape(row["text"]) for row in rows], labels)


def held_out_split(corpus: Corpus, fraction: float, salt: str) -> tuple[Corpus, Corpus]:
    """A fixed (train, test) split: a row is in test when a hash of its text says so.

    Hashing the text, not drawing random numbers, keeps the split the same across
    library versions and puts duplicate texts on the same side.
    """
    cut = int(fraction * 2**32)
    in_test = np.array([
        int.from_bytes(hashlib.sha256(f"{salt}:{text}".encode()).digest()[:4], "big") < cut
        for text in corpus.texts
    ])
    return (corpus.subset(f"{corpus.name}-train", np.flatnonzero(~in_test)),
            corpus.subset(f"{corpus.name}-test", np.flatnonzero(in_test)))


def file_digest(paths: Sequence[Path]) -> str:
    """SHA-256 over the given files, recorded in metadata to say which data trained a model."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(_require(path).read_bytes())
    return digest.hexdigest()


def spam_files(data_dir: Path) -> list[Path]:
    return [data_dir / "youtube-spam" / f for f in YOUTUBE_FILES.values()] + [
        data_dir / SMS_FILE, data_dir / INSTAGRAM_FILE]


def toxicity_files(data_dir: Path) -> list[Path]:
    """The toxicity corpora, and the spam corpora whose clean messages it trains on."""
    return [data_dir / DAVIDSON_FILE] + [
        data_dir / f"tweeteval-{task}" / f"{split}_{kind}.txt"
        for task in TWEETEVAL_TASKS for split in ("train", "val") for kind in ("text", "labels")
    ] + [data_dir / CIVIL_COMMENTS_FILE, data_dir / FOX_NEWS_FILE] + spam_files(data_dir)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise MissingDataError(
            f"missing data file {path}: point {DATA_ENV} or --data at the folder described "
            "in shared/data/INDEX.md")
    return path


def _require_columns(path: Path, rows: list[dict], columns: Sequence[str]) -> None:
    missing = [c for c in columns if rows and c not in rows[0]]
    if not rows or missing:
        raise DatasetError(f"{path}: no rows or missing columns {missing}")


def _labels(path: Path, raw: Sequence[str], positive: str) -> np.ndarray:
    if set(raw) - {"0", "1"}:
        raise DatasetError(f"{path}: labels must be 0 or 1")
    return np.array([value == positive for value in raw], dtype=np.int8)


def _strip_html(text: str) -> str:
    """YouTube comments carry markup: keep link targets and text, drop the tags."""
    text = _LINE_BREAK.sub(" ", text)
    text = _ANCHOR.sub(lambda m: f" {m.group(1)} ", text)
    return html.unescape(_TAG.sub(" ", text))
