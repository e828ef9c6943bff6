"""With the insult model declared (``insult_model.py``) and trained on its 60 rows, and
nothing else changed: it scores comments, sites tune its thresholds, moderators see its
score, and it has a card. Run by ``tests/models/test_model_registry.py``."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from models import artifacts, training
from moderation.scoring.checks import DEFAULT_CHECKS
from tests.conftest import moderator_headers

from .insult_model import DATA_DIR, held_out
from .insult_model import INSULT as INSULT_MODEL

INSULT = "What a moron, you clown!"
CIVIL = "I think the council vote deserves a debate."


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """The insult model trained beside copies of the shipped spam and toxicity models."""
    out = tmp_path_factory.mktemp("models")
    started = time.perf_counter()
    training.fit(INSULT_MODEL, training.final_training_set(held_out(DATA_DIR)))
    fitted = time.perf_counter()
    training.train(DATA_DIR, out, names=["insult"], log=lambda _: None)
    print(f"\ninsult model: one fit {fitted - started:.2f} s, train (the fit, both folds, "
          f"the baselines, the card) {time.perf_counter() - fitted:.2f} s")
    for name in ("spam", "toxicity"):
        for path in (artifacts.model_path(artifacts.ARTIFACTS_DIR, name),
                     artifacts.metadata_path(artifacts.ARTIFACTS_DIR, name)):
            shutil.copy(path, out)
    return out


@pytest.fixture
def app_config(models_dir):
    return {"MODELS_DIR": str(models_dir), "SCORING_CHECKS": DEFAULT_CHECKS}


def test_it_has_a_card(models_dir):
    card = (models_dir / "insult.md").read_text()
    assert card.startswith("# Model card: insult (insult-")
    assert "Calibrated probability that a comment is an insult." in card


def test_moderators_see_its_score(app, client, site, post_comment):
    headers = moderator_headers(app, "maria", site)
    listed = client.get("/api/v1/moderation/models", headers=headers).get_json()["models"]
    assert [(m["name"], m["title"], m["score_key"]) for m in listed][-1] == (
        "insult", "Insult", "insult_score")
    posted = post_comment(body=INSULT).get_json()
    detail = client.get(f"/api/v1/moderation/comments/{posted['id']}", headers=headers).get_json()
    assert detail["insult_score"] > 0.5 and detail["spam_score"] is not None
    assert set(detail["model_versions"]) == {"spam", "toxicity", "insult"}
    assert any(reason.get("model") == "insult" for reason in detail["reasons"])
    spec = client.get("/openapi.json").get_json()
    assert "insult_score" in spec["components"]["schemas"]["ReviewComment"]["properties"]


def test_a_site_tunes_its_thresholds_and_it_holds_a_comment(app, site, post_comment):
    tuned = app.test_cli_runner().invoke(args=["sites", "thresholds", site,
                                               "--set", "insult.hold=0.01"])
    assert tuned.exit_code == 0, tuned.output
    assert json.loads(tuned.output)["insult"]["hold"] == 0.01
    assert post_comment(body=CIVIL).get_json()["status"] == "held"
