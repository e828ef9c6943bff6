"""`python -m models evaluate` prints the per-corpus table, baselines included."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from models import evaluation
from models.__main__ import main


def test_evaluate_prints_every_split_for_model_and_baselines(
        trained_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--data", str(data_dir), "--artifacts", str(trained_dir)]) == 0
    table = capsys.readouterr().out
    for split in ("youtube-psy", "youtube-eminem", "sms-test", "youtube-mean",
                  "tweeteval-offensive-val", "tweeteval-hate-val", "davidson-test"):
        assert split in table
    assert "word tf-idf + logreg" in table and "roc_auc" in table
    assert "precision@auto_spam" in table and "recall@hold" in table
    if importlib.util.find_spec("profanity_check") is None:
        assert "not installed" in table
    else:
        assert "alt-profanity-check" in table


def test_evaluate_names_a_missing_corpus_file(
        trained_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "sms-spam" / "SMSSpamCollection").unlink()
    assert main(["evaluate", "--data", str(data_dir), "--artifacts", str(trained_dir),
                 "--task", "spam"]) == 2
    assert "SMSSpamCollection" in capsys.readouterr().err


def test_evaluate_says_when_alt_profanity_check_is_not_installed(
        trained_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation, "profanity_check_predictor", lambda: None)
    assert main(["evaluate", "--data", str(data_dir), "--artifacts", str(trained_dir),
                 "--task", "toxicity"]) == 0
    assert "not installed" in capsys.readouterr().out
