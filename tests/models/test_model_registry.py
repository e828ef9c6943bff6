"""A model is declared once (models/registry.py): a third one, declared with its training
data and nothing else, is scored, tuned, shown to moderators and carded (tests/models/toy/)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from models import registry

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_models_are_declared_once():
    assert registry.names() == ("spam", "toxicity")
    assert [model.score_key for model in registry.MODELS] == ["spam_score", "toxicity_score"]
    assert registry.get("toxicity").thresholds.rules == {"hold": "held", "auto_reject": "rejected"}


def test_a_third_model_is_one_declaration_plus_its_training_data():
    """In a fresh interpreter, so that the declaration is in the registry before the app is
    imported, as one in models/registry.py would be."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.models.toy.insult_model",
         "tests/models/toy/insult_checks.py", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=600)
    print(run.stdout[-3000:])
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and " skipped" not in run.stdout
