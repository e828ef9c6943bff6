"""Fixtures for the models tests: tiny corpora in the published layouts, and models fitted on them.

The texts are harmless inventions: "spam" asks readers to visit a link or win a
prize, "toxic" calls people names like "idiot". Real corpora are never read here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from models import training
from models.datasets import YOUTUBE_FILES

SPAM = ["check out my channel at www.example{}.com please subscribe",
        "win a free prize now, visit bit.ly/win{} today",
        "earn money from home {} click http://cash.example.net/{}",
        "subscribe to my channel for free gift cards {}"]
HAM = ["this song always makes me smile {}",
       "the chorus at minute {} is my favourite part",
       "I listened to this with my family on trip {}",
       "great video, the dancing is wonderful {}"]
TOXIC = ["you are an idiot and a fool {}", "what a stupid clown, shut up {}",
         "idiots like you ruin everything {}", "go away you pathetic loser {}"]
KIND = ["thanks for the thoughtful article {}", "I agree with the council decision {}",
        "the weather was lovely on day {}", "what a nice community event {}"]


def _rows(positive: list[str], negative: list[str], count: int) -> list[tuple[str, int]]:
    rows = []
    for i in range(count):
        rows.append((positive[i % len(positive)].format(i, i), 1))
        rows.append((negative[i % len(negative)].format(i, i), 0))
    return rows


def write_corpora(root: Path, count: int = 24) -> Path:
    """Write every corpus of INDEX.md, in its own format, under ``root``; return ``root``."""
    (root / "youtube-spam").mkdir(parents=True)
    for n, filename in enumerate(YOUTUBE_FILES.values()):
        with (root / "youtube-spam" / filename).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "label"])
            for i, (text, label) in enumerate(_rows(SPAM, HAM, count)):
                writer.writerow([f"id{n}-{i}", "someone", "2014-01-01T00:00:00",
                                 f"{text} v{n}<br />&amp; more", label])
    (root / "sms-spam").mkdir()
    lines = ["Label\tSMS"] + [f"{'spam' if y else 'ham'}\t{t}" for t, y in _rows(SPAM, HAM, count)]
    (root / "sms-spam" / "SMSSpamCollection").write_text("\n".join(lines) + "\n")
    (root / "davidson-hate-offensive").mkdir()
    with (root / "davidson-hate-offensive" / "labeled_data.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["", "count", "hate_speech", "offensive_language", "neither", "class",
                         "tweet"])
        for i, (text, label) in enumerate(_rows(TOXIC, KIND, count * 3)):
            writer.writerow([i, 3, 0, 3 * label, 3 * (1 - label), 1 if label else 2, text])
    for task in ("offensive", "hate"):
        folder = root / f"tweeteval-{task}"
        folder.mkdir()
        (folder / "mapping.txt").write_text(f"0\tnot-{task}\n1\t{task}\n")
        for split, n in (("train", count * 2), ("val", count)):
            rows = _rows(TOXIC, KIND, n)
            (folder / f"{split}_text.txt").write_text("\n".join(t for t, _ in rows) + "\n")
            (folder / f"{split}_labels.txt").write_text("\n".join(str(y) for _, y in rows) + "\n")
    news = _rows(TOXIC, KIND, count * 2)
    _write_csv(root / "civil-comments-toxic-spans" / "comments.csv",
               ["comment_id", "text", "label", "not_toxic_share", "raters"],
               [[i, text, label, 0.0 if label else 1.0, 4] for i, (text, label) in enumerate(news)])
    _write_csv(root / "fox-news-comments" / "comments.csv", ["thread", "text", "label"],
               [[f"article {i % 3}", text, label] for i, (text, label) in enumerate(news)])
    _write_csv(root / "instagram-scam-comments" / "comments.csv", ["text", "label"],
               [[text.lower(), label] for text, label in _rows(SPAM, HAM, count)])
    return root


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_corpora(tmp_path / "data")


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Artifacts trained by the real ``train`` on the tiny corpora (once per session)."""
    root = tmp_path_factory.mktemp("models")
    data = write_corpora(root / "data")
    training.train(data, root / "artifacts", log=lambda _: None)
    return root / "artifacts"
