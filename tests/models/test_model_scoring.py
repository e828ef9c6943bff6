"""The scorer gives both probabilities, versions and the words behind each score."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models import artifacts, registry
from models.__main__ import main
from models.normalise import normalise
from models.scoring import ModelScore, Scorer, load_scorer


@pytest.fixture
def scorer(trained_dir: Path) -> Scorer:
    return load_scorer(trained_dir)


def test_scores_each_text_with_every_models_probability_and_version(scorer: Scorer) -> None:
    scores = scorer.score(["visit www.example.com to win a free prize", "lovely song", ""])
    assert len(scores) == 3
    for s in scores:
        assert list(s) == ["spam", "toxicity"]
        for name, model in s.items():
            assert isinstance(model, ModelScore) and 0.0 <= model.probability <= 1.0
            assert model.version.startswith(f"{name}-")
    assert scores[0]["spam"].probability > scores[1]["spam"].probability
    assert scores[2]["spam"].terms == () and scores[2]["toxicity"].terms == ()


def test_explains_with_the_words_that_pushed_the_score_up(scorer: Scorer) -> None:
    spam, toxic = scorer.score(["please subscribe to my channel", "you stupid clown"])
    spam_terms, toxicity_terms = spam["spam"].terms, toxic["toxicity"].terms
    assert spam_terms and set(spam_terms) <= {"please", "subscribe", "to", "my", "channel"}
    assert "subscribe" in spam_terms[:3] or "channel" in spam_terms[:3]
    assert {"stupid", "clown"} & set(toxicity_terms[:2])
    assert len(toxicity_terms) <= 5


def test_thresholds_come_from_the_metadata(scorer: Scorer, trained_dir: Path) -> None:
    for task in registry.names():
        saved = json.loads((trained_dir / f"{task}.json").read_text())["thresholds"]
        assert scorer.thresholds[task] == saved
    assert set(scorer.thresholds["spam"]) == {"auto_spam", "hold"}
    assert set(scorer.thresholds["toxicity"]) == {"hold", "auto_reject"}


def test_is_loaded_once_per_directory(trained_dir: Path) -> None:
    assert load_scorer(trained_dir) is load_scorer(str(trained_dir))


def test_score_command_writes_one_probability_per_line(
        trained_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    comments = tmp_path / "comments.txt"
    comments.write_text("win a free prize at bit.ly/x\n\nthanks for the article\n")
    assert main(["score", "--task", "spam", "--artifacts", str(trained_dir),
                 str(comments)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert all(0.0 <= float(line) <= 1.0 and len(line.split(".")[1]) == 6 for line in lines)
    assert float(lines[0]) > float(lines[2])


def test_score_command_reports_missing_artifacts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    comments = tmp_path / "comments.txt"
    comments.write_text("hello\n")
    assert main(["score", "--task", "toxicity", "--artifacts", str(tmp_path / "none"),
                 str(comments)]) == 2
    assert "missing model artifact" in capsys.readouterr().err


def test_shipped_scorer_loads_and_scores() -> None:
    if not (artifacts.ARTIFACTS_DIR / "toxicity.json").exists():
        pytest.skip("no shipped artifacts yet: run `python -m models train`")
    (score,) = load_scorer().score(["Thanks, a clear and fair article."])
    assert score["spam"].probability < 0.5 and score["toxicity"].probability < 0.5


def test_fast_path_matches_the_pipeline(scorer: Scorer) -> None:
    texts = ["visit www.example.com to win a free prize", "you stupid clown", "",
             "a b c", "thanks for the article on trip 7"]
    for model in scorer.models.values():
        normalised = [normalise(t) for t in texts]
        expected = model.artifact.pipeline.predict_proba(normalised)[:, 1]
        assert np.allclose(model.probabilities(normalised), expected, atol=1e-5)


def test_a_batch_scores_each_text_as_if_it_were_alone(scorer: Scorer) -> None:
    texts = ["visit www.example.com to win a free prize", "you stupid clown, you clown",
             "", "a-b well.done idiots like you", "thanks for the article on trip 7",
             "you stupid clown, you clown"]
    batch = scorer.score(texts)
    for text, scored in zip(texts, batch, strict=True):
        (alone,) = scorer.score([text])
        for name, model in scored.items():
            assert alone[name].probability == pytest.approx(model.probability, abs=1e-12)
            assert alone[name].terms == model.terms
