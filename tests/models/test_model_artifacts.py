"""Artifacts load only when their hash and scikit-learn version match their metadata."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models import artifacts, registry
from models.artifacts import ArtifactError


@pytest.fixture
def copy_of(trained_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "artifacts"
    shutil.copytree(trained_dir, target)
    return target


def test_train_writes_model_metadata_and_card_per_task(trained_dir: Path) -> None:
    for task in registry.names():
        metadata = json.loads((trained_dir / f"{task}.json").read_text())
        assert metadata["sha256"] == artifacts.sha256(trained_dir / f"{task}.skops")
        assert metadata["version"].startswith(f"{task}-")
        assert metadata["libraries"]["scikit-learn"]
        assert set(metadata["thresholds"]) >= {"hold"}
        card = (trained_dir / f"{task}.md").read_text()
        assert metadata["sha256"] in card and "roc_auc" in card
        assert ("CC BY 4.0" if task == "spam" else "MIT licence") in card
        assert "## Intended use" in card and "worst-left-out" in card
        assert ("ScamSpot" if task == "spam" else "Fox News") in card
        assert ("Identity fairness" in card) == (task == "toxicity")
        assert "worst-left-out" in (trained_dir / f"{task}-evaluation.md").read_text()


def test_loads_a_trusted_pipeline(trained_dir: Path) -> None:
    artifact = artifacts.load("spam", trained_dir)
    assert artifact.pipeline.predict_proba(["hello there"]).shape == (1, 2)


def test_refuses_an_altered_file(copy_of: Path) -> None:
    with (copy_of / "spam.skops").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtifactError, match="SHA-256"):
        artifacts.load("spam", copy_of)


def test_refuses_another_scikit_learn_version(copy_of: Path) -> None:
    path = copy_of / "toxicity.json"
    metadata = json.loads(path.read_text())
    metadata["libraries"]["scikit-learn"] = "0.1.0"
    path.write_text(json.dumps(metadata))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.1\.0"):
        artifacts.load("toxicity", copy_of)


@pytest.mark.parametrize("name", ["spam.skops", "spam.json"])
def test_names_a_missing_file(copy_of: Path, name: str) -> None:
    (copy_of / name).unlink()
    with pytest.raises(ArtifactError, match=name):
        artifacts.load("spam", copy_of)


def test_shipped_artifacts_are_small_and_match_their_metadata() -> None:
    shipped = artifacts.ARTIFACTS_DIR
    if not (shipped / "spam.json").exists():
        pytest.skip("no shipped artifacts yet: run `python -m models train`")
    assert sum(p.stat().st_size for p in shipped.iterdir()) <= 20 * 2**20
    for task in registry.names():
        metadata = json.loads((shipped / f"{task}.json").read_text())
        assert artifacts.sha256(shipped / f"{task}.skops") == metadata["sha256"]
