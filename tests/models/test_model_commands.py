"""`python -m models evaluate` prints and writes the leave-one-corpus-out tables."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from models import evaluation
from models.__main__ import main


def test_evaluate_prints_and_writes_every_left_out_corpus_for_model_and_baselines(
        trained_dir: Path, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    models_dir = tmp_path / "artifacts"
    shutil.copytree(trained_dir, models_dir)
    assert main(["evaluate", "--data", str(data_dir), "--artifacts", str(models_dir)]) == 0
    table = capsys.readouterr().out
    for split in ("youtube-psy", "youtube-eminem", "sms", "instagram", "tweeteval-offensive",
                  "tweeteval-hate", "davidson", "civil-comments", "fox-news",
                  evaluation.WORST, "bpsn_auc"):
        assert split in table
    assert evaluation.BASELINE in table and "roc_auc" in table and "ece" in table
    assert "precision@auto_spam" in table and "recall@hold" in table and "civil_held" in table
    for task in ("spam", "toxicity"):
        written = (models_dir / f"{task}-evaluation.md").read_text()
        assert "fox-news" in written or task == "spam"
        assert evaluation.WORST in written and "roc_auc" in written
    assert "Identity fairness" in (models_dir / "toxicity-evaluation.md").read_text()
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
        trained_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation, "profanity_check_predictor", lambda: None)
    models_dir = tmp_path / "artifacts"
    shutil.copytree(trained_dir, models_dir)
    assert main(["evaluate", "--data", str(data_dir), "--artifacts", str(models_dir),
                 "--task", "toxicity"]) == 0
    assert "not installed" in capsys.readouterr().out
