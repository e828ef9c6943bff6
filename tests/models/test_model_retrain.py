"""`python -m models retrain`: moderator labels teach the models, and a bad set is refused.

The labels are inventions in the format `moderation labels` writes: a made-up
spam word ("zorblux") and a made-up insult ("snarfwit") that the tiny fixture
corpora never contain, and, for the gate, the fixture's own spam and ham
templates (tests/models/conftest.py) with their labels swapped.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest

from models import artifacts, evaluation, registry, retraining
from models.__main__ import main
from models.retraining import Label, LabelError
from models.scoring import load_scorer

UNSEEN_SPAM = ["zorblux coins for sale", "the zorblux store has coins"]
UNSEEN_TOXIC = ["what a snarfwit", "a snarfwit wrote this"]


def write_labels(path: Path, rows: Iterable[tuple[str, int, int]]) -> Path:
    lines = [json.dumps({"id": f"c{i}", "site": "news", "text": text, "spam": spam,
                         "toxic": toxic, "moderator": "ann", "at": "2025-01-01T00:00:00+00:00"})
             for i, (text, spam, toxic) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def moderator_decisions() -> list[tuple[str, int, int]]:
    """A spam campaign marked spam, an insult rejected, ordinary comments approved."""
    rows = []
    for i in range(30):
        rows.append((f"grab cheap zorblux coins at the zorblux store number {i}", 1, 0))
        rows.append((f"only a total snarfwit would write article {i}", 0, 1))
        rows.append((f"the mayor opened the new library on street {i}", 0, 0))
    return rows


def flipped_decisions() -> list[tuple[str, int, int]]:
    """Obvious spam approved and ordinary comments marked spam: a bad batch."""
    spam = ["check out my channel at www.example{}.com please subscribe",
            "win a free prize now, visit bit.ly/win{} today"]
    ham = ["this song always makes me smile {}", "great video, the dancing is wonderful {}"]
    rows = []
    for i in range(1000, 1060):
        rows.append((spam[i % 2].format(i), 0, 0))
        rows.append((ham[i % 2].format(i), 1, 0))
    return rows


def digests(directory: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(directory.iterdir())}


@pytest.fixture
def models_dir(trained_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "artifacts"
    shutil.copytree(trained_dir, target)
    return target


def retrain(labels: Path, data_dir: Path, models_dir: Path, *extra: str) -> int:
    return main(["retrain", "--labels", str(labels), "--data", str(data_dir),
                 "--artifacts", str(models_dir), *extra])


def test_moderator_decisions_raise_scores_on_similar_texts_and_are_promoted(
        models_dir: Path, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    old = load_scorer(models_dir)
    old_versions = old.versions
    old_spam = old.probabilities("spam", UNSEEN_SPAM)
    old_toxic = old.probabilities("toxicity", UNSEEN_TOXIC)
    labels = write_labels(tmp_path / "labels.jsonl", moderator_decisions())

    assert retrain(labels, data_dir, models_dir) == 0

    out = capsys.readouterr().out
    assert "moderator-labels-test" in out and "youtube-psy" in out and "fox-news" in out
    assert "promoted" in out
    new = load_scorer(models_dir)  # the files were rewritten and pass their hash checks
    for task in registry.names():
        assert new.versions[task] != old_versions[task]
        assert new.versions[task].startswith(f"{task}-")
        metadata = json.loads((models_dir / f"{task}.json").read_text())
        assert metadata["retrained"]["previous_version"] == old_versions[task]
        assert metadata["retrained"]["label_weight"] == retraining.LABEL_WEIGHT
        assert any(part["corpus"] == retraining.LABELS_TRAIN for part in metadata["training"])
        card = (models_dir / f"{task}.md").read_text()
        assert metadata["version"] in card and "Retrained with moderator labels" in card
    new_spam = new.probabilities("spam", UNSEEN_SPAM)
    new_toxic = new.probabilities("toxicity", UNSEEN_TOXIC)
    assert np.all(new_spam > old_spam + 0.1), (old_spam, new_spam)
    assert np.all(new_toxic > old_toxic + 0.1), (old_toxic, new_toxic)
    assert not [p for p in models_dir.iterdir() if p.name.startswith(".retrain-")]


def test_flipped_labels_are_refused_by_the_no_regression_gate(
        models_dir: Path, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = digests(models_dir)
    labels = write_labels(tmp_path / "labels.jsonl", flipped_decisions())

    assert retrain(labels, data_dir, models_dir) == 1

    captured = capsys.readouterr()
    assert "REGRESSED" in captured.out
    assert f"regressed: spam on {evaluation.WORST}" in captured.err
    assert "not promoted" in captured.err
    assert digests(models_dir) == before  # toxicity (which passed) is not promoted either


def test_dry_run_compares_and_writes_nothing(
        models_dir: Path, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = digests(models_dir)
    labels = write_labels(tmp_path / "labels.jsonl", moderator_decisions())
    assert retrain(labels, data_dir, models_dir, "--dry-run", "--task", "spam") == 0
    assert "dry run" in capsys.readouterr().out
    assert digests(models_dir) == before


def test_promotes_into_another_folder_that_then_holds_both_models(
        models_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    before = digests(models_dir)
    labels = write_labels(tmp_path / "labels.jsonl", moderator_decisions())
    out = tmp_path / "promoted"
    assert retrain(labels, data_dir, models_dir, "--task", "spam", "--out", str(out)) == 0
    assert digests(models_dir) == before
    scorer = load_scorer(out)
    assert scorer.versions["spam"] != artifacts.load("spam", models_dir).version
    assert scorer.versions["toxicity"] == artifacts.load("toxicity", models_dir).version


GOOD = json.dumps({"id": "c1", "site": "news", "text": "a fine comment", "spam": 0, "toxic": 0,
                   "moderator": "ann", "at": "2025-01-01T00:00:00+00:00"})


@pytest.mark.parametrize(("content", "where", "message"), [
    (f"{GOOD}\nnot json at all\n", ":2:", "not a JSON object"),
    (f"{GOOD}\n\n" + GOOD.replace('"spam": 0', '"spam": 2') + "\n", ":3:",
     "field 'spam' must be 0 or 1, got 2"),
    (GOOD.replace('"text": "a fine comment", ', "") + "\n", ":1:", "missing field(s) text"),
    (GOOD.replace('"toxic": 0', '"toxic": "yes"') + "\n", ":1:", "field 'toxic' must be 0 or 1"),
    ('["a fine comment", 0, 0]\n', ":1:", "expected a JSON object"),
    ("\n\n", "", "no labels in the file"),
])
def test_malformed_label_file_names_the_file_and_line(
        models_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        content: str, where: str, message: str) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text(content, encoding="utf-8")
    with pytest.raises(LabelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        retraining.read_labels(labels)
    assert retrain(labels, data_dir, models_dir) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and f"{labels}{where}" in err and message in err
    assert "a fine comment" not in err  # texts are never echoed


def test_a_missing_label_file_is_a_clear_error(
        models_dir: Path, data_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.jsonl"
    assert retrain(missing, data_dir, models_dir) == 2
    err = capsys.readouterr().err
    assert "cannot read labels file" in err and str(missing) in err


def test_labels_split_by_text_and_speak_only_to_their_task(tmp_path: Path) -> None:
    rows = [(f"comment number {i} about the weather", i % 2, 0) for i in range(400)]
    labels = retraining.read_labels(write_labels(tmp_path / "labels.jsonl", rows))
    train, test = retraining.split_labels(labels)
    assert len(train) + len(test) == len(labels) and 0.1 < len(test) / len(labels) < 0.3
    again_train, again_test = retraining.split_labels(list(reversed(labels)))
    assert {x.id for x in again_test} == {x.id for x in test}
    assert {x.id for x in again_train} == {x.id for x in train}
    same_text = [Label("a", "Visit WWW.EXAMPLE.COM now", {"spam": 1, "toxic": 0}),
                 Label("b", "visit www.example.com now", {"spam": 1, "toxic": 0})]
    assert len({len(part) for part in retraining.split_labels(same_text)} - {0}) == 1

    decided = [Label(str(n), text, {"spam": spam, "toxic": toxic})
               for n, (text, spam, toxic) in enumerate([("ad", 1, 0), ("insult", 0, 1),
                                                       ("fine", 0, 0)])]
    spam = retraining.task_corpus(decided, registry.get("spam"), "s")
    toxicity = retraining.task_corpus(decided, registry.get("toxicity"), "t")
    assert (spam.texts, spam.labels.tolist()) == (["ad", "fine"], [1, 0])
    assert (toxicity.texts, toxicity.labels.tolist()) == (["insult", "fine"], [1, 0])


def test_a_later_line_for_the_same_comment_wins(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(GOOD.replace("a fine comment", "first") + "\n"
                    + GOOD.replace('"spam": 0', '"spam": 1') + "\n")
    labels = retraining.read_labels(path)
    assert [(x.id, x.text, x.flags["spam"]) for x in labels] == [("c1", "a fine comment", 1)]


def test_gate_allows_a_small_loss_on_the_worst_corpus_and_none_on_the_labels() -> None:
    def row(split: str, auc: float | None) -> dict:
        return {"task": "spam", "split": split, "n": 10, "positive": 5, "roc_auc": auc}

    old = [row("youtube-psy", 0.99), row("sms", 0.95), row(retraining.LABELS_TEST, 0.9),
           row(evaluation.WORST, 0.95)]
    new = [row("youtube-psy", 0.90), row("sms", 0.96), row(retraining.LABELS_TEST, 0.8999),
           row(evaluation.WORST, 0.90)]
    verdicts = [r["verdict"] for r in retraining.compare(old, new, 0.005)]
    assert verdicts == ["-", "-", "REGRESSED", "REGRESSED"]
    new[-1] = row(evaluation.WORST, 0.946)
    assert retraining.compare(old, new, 0.005)[-1]["verdict"] == "ok"
    one_class = retraining.compare([row(retraining.LABELS_TEST, None)],
                                   [row(retraining.LABELS_TEST, None)], 0.005)
    assert one_class[0]["verdict"] == "not gated (one class)"
