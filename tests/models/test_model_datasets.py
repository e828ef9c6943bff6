"""The corpus loaders read each published layout into texts and 0/1 labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models import datasets
from models.datasets import MissingDataError


def test_youtube_loads_one_corpus_per_video_with_markup_removed(data_dir: Path) -> None:
    videos = datasets.load_youtube(data_dir)
    assert [v.name for v in videos] == list(datasets.YOUTUBE_FILES)
    assert all(len(v) == 48 and v.labels.sum() == 24 for v in videos)
    assert "<br" not in videos[0].texts[0] and "&amp;" not in videos[0].texts[0]
    assert "& more" in videos[0].texts[0]


def test_sms_skips_its_header_and_maps_spam_to_one(data_dir: Path) -> None:
    sms = datasets.load_sms(data_dir)
    assert len(sms) == 48
    assert sms.labels.dtype == np.int8 and set(sms.labels) == {0, 1}
    assert sms.labels[0] == 1 and "subscribe" in sms.texts[0]


def test_davidson_counts_hate_and_offensive_as_toxic_and_keeps_the_class(data_dir: Path) -> None:
    corpus = datasets.load_davidson(data_dir)
    assert len(corpus) == 144
    assert set(corpus.groups) == {"offensive", "neither"}
    assert all((g != "neither") == bool(y) for g, y in zip(corpus.groups, corpus.labels,
                                                          strict=True))


@pytest.mark.parametrize("task", ["offensive", "hate"])
def test_tweeteval_pairs_text_and_label_lines(data_dir: Path, task: str) -> None:
    train = datasets.load_tweeteval(data_dir, task, "train")
    val = datasets.load_tweeteval(data_dir, task, "val")
    assert (len(train), len(val)) == (96, 48)
    assert train.labels.tolist()[:2] == [1, 0]


def test_news_and_instagram_corpora_load_text_and_label(data_dir: Path) -> None:
    civil = datasets.load_civil_comments(data_dir)
    fox = datasets.load_fox_news(data_dir)
    instagram = datasets.load_instagram(data_dir)
    assert (len(civil), len(fox), len(instagram)) == (96, 96, 48)
    assert civil.labels.tolist()[:2] == [1, 0] and "idiot" in civil.texts[0]
    assert fox.groups[:2] == ("article 0", "article 1")
    assert instagram.labels.sum() == 24 and instagram.texts[0].islower()


def test_tweeteval_refuses_mismatched_label_file(data_dir: Path) -> None:
    labels = data_dir / "tweeteval-hate" / "val_labels.txt"
    labels.write_text("1\n0\n")
    with pytest.raises(datasets.DatasetError, match=r"val_labels\.txt"):
        datasets.load_tweeteval(data_dir, "hate", "val")


@pytest.mark.parametrize("relative", [
    "youtube-spam/Youtube03-LMFAO.csv", "sms-spam/SMSSpamCollection",
    "davidson-hate-offensive/labeled_data.csv", "tweeteval-offensive/val_text.txt",
    "civil-comments-toxic-spans/comments.csv", "fox-news-comments/comments.csv",
    "instagram-scam-comments/comments.csv",
])
def test_a_missing_file_is_named_in_the_error(data_dir: Path, relative: str) -> None:
    (data_dir / relative).unlink()
    loaders = [lambda: datasets.load_youtube(data_dir), lambda: datasets.load_sms(data_dir),
               lambda: datasets.load_civil_comments(data_dir),
               lambda: datasets.load_fox_news(data_dir), lambda: datasets.load_instagram(data_dir),
               lambda: datasets.load_davidson(data_dir),
               lambda: datasets.load_tweeteval(data_dir, "offensive", "val")]
    with pytest.raises(MissingDataError, match=relative.split("/")[-1]):
        for load in loaders:
            load()


def test_data_dir_comes_from_flag_then_environment_then_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datasets.DATA_ENV, raising=False)
    assert datasets.resolve_data_dir() == datasets.DEFAULT_DATA_DIR
    assert datasets.DEFAULT_DATA_DIR.parts[-2:] == ("shared", "data")
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "env"))
    assert datasets.resolve_data_dir() == tmp_path / "env"
    assert datasets.resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"


def test_held_out_split_is_fixed_and_disjoint(data_dir: Path) -> None:
    corpus = datasets.load_davidson(data_dir)
    train, test = datasets.held_out_split(corpus, 0.2, salt="s")
    again_train, again_test = datasets.held_out_split(corpus, 0.2, salt="s")
    assert test.texts == again_test.texts and train.texts == again_train.texts
    assert not set(train.texts) & set(test.texts)
    assert len(train) + len(test) == len(corpus)
    assert 0.1 < len(test) / len(corpus) < 0.3
