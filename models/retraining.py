"""Retrain the models on the corpora plus moderator labels; promote them only if nothing regresses.

The labels are the JSON lines ``moderation labels`` writes, one decided comment
each: ``{"id", "site", "text", "spam": 0|1, "toxic": 0|1, "moderator", "at"}``
(one 0|1 field per declared model's ``label``).

- **Which labels teach which model.** A decision answers one question: "spam"
  says nothing about abuse, "rejected" (toxic) nothing about advertising. So a
  model learns from the labels positive for it and from those negative for all
  (approved comments); a label positive only for another model is left out.
- **Held-out slice.** A label is held out (20 %) when a hash of its normalised
  text says so: the same labels stay out on every run, even as the file grows,
  so a model promoted earlier never trained on today's held-out slice, and
  duplicates (or near-duplicates differing only in case, links or disguises)
  land on the same side.
- **Weight.** Every training label counts as ``LABEL_WEIGHT`` (5) rows of the
  main corpus (YouTube comments, TweetEval offensive; SMS counts 0.1, the other
  toxicity corpora 0.15 to 1, see :data:`models.folds.TOXICITY_WEIGHTS`). A
  moderator decision is in-domain (a news comment on one of our sites, judged by
  the policy the model must reproduce) while the
  corpora are proxies, and a few hundred decisions must move a model fitted on
  tens of thousands of rows: 300 labels weigh about 1,500 rows, against about
  2,000 weighted spam rows and 21,400 weighted toxicity rows. That is enough to
  learn a new spam campaign's vocabulary or a new insult from a few dozen
  decisions, and a label set that contradicts the corpora shows up as a
  regression on their held-out splits. ``--label-weight`` overrides it.
- **Gate.** Old (the artifacts in use) and new are scored on the held-out splits
  of ``python -m models evaluate`` (each model's ``held_out`` folds) and on the
  held-out label slice. On splits whose training set is the shipped one the old
  artifact is scored as it is; on the leave-one-corpus-out folds both recipes
  are refitted per fold (corpora alone, corpora plus the labels), as
  ``evaluate`` does. The new models are promoted only if ROC-AUC on the worst
  left-out corpus is at least the old worst minus ``TOLERANCE`` (0.005) and on
  the label slice (when it has both classes) at least the old one: a new site
  meets the model as a left-out corpus does, and the worst one bounds what any
  site gets. All tasks or none: one regression leaves every artifact untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from . import artifacts, cards, evaluation, features, registry, report, training
from .artifacts import Artifact
from .datasets import Corpus
from .normalise import normalise
from .registry import Model
from .splits import HeldOut, TrainingSet

LABEL_WEIGHT = 5.0
LABEL_TEST_FRACTION = 0.2
LABEL_SALT = "moderator-labels"
TOLERANCE = 0.005
LABELS_TRAIN = "moderator-labels-train"
LABELS_TEST = "moderator-labels-test"


class LabelError(Exception):
    """A moderator label file is missing, unreadable, or has a malformed line."""


@dataclass(frozen=True)
class Label:
    """One moderator decision as a training example."""

    id: str
    text: str
    flags: dict[str, int]  # 0 or 1 per declared model's label field


def read_labels(path: Path) -> list[Label]:
    """Parse a ``moderation labels`` file; a later line for the same comment id wins.

    Raises :class:`LabelError` naming the file and line of the first malformed one
    (the comment text is never echoed: it may be abusive or personal).
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LabelError(f"cannot read labels file {path}: {error.strerror or error}") from error
    by_id: dict[str, Label] = {}
    # bytes.splitlines splits on \n and \r only, not on the Unicode separators a text may hold
    for number, line in enumerate(raw.splitlines(), 1):
        where = f"{path}:{number}"
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LabelError(f"{where}: not UTF-8 text") from error
        if not decoded.strip():
            continue
        try:
            row = json.loads(decoded)
        except ValueError as error:
            raise LabelError(f"{where}: not a JSON object ({error})") from error
        label = _label(row, where)
        by_id.pop(label.id, None)
        by_id[label.id] = label
    if not by_id:
        raise LabelError(f"{path}: no labels in the file (write them with "
                         f"`moderation labels > {path.name}`)")
    return list(by_id.values())


def _label(row: Any, where: str) -> Label:
    fields = [model.label for model in registry.MODELS]
    if not isinstance(row, dict):
        raise LabelError(f"{where}: expected a JSON object with id, text, {', '.join(fields)}")
    missing = [key for key in ("id", "text", *fields) if key not in row]
    if missing:
        raise LabelError(f"{where}: missing field(s) {', '.join(missing)}")
    identifier, text = row["id"], row["text"]
    if isinstance(identifier, bool) or not isinstance(identifier, str | int) or identifier == "":
        raise LabelError(f"{where}: field 'id' must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise LabelError(f"{where}: field 'text' must be a non-empty string")
    flags = {}
    for key in fields:
        value = row[key]
        if not isinstance(value, int) or value not in (0, 1):
            raise LabelError(f"{where}: field '{key}' must be 0 or 1, got {json.dumps(value)}")
        flags[key] = int(value)
    return Label(str(identifier), text, flags)


def split_labels(labels: Sequence[Label]) -> tuple[list[Label], list[Label]]:
    """(training, held-out): held out when a hash of the normalised text falls in the 20 %."""
    cut = int(LABEL_TEST_FRACTION * 2**32)

    def held_out(label: Label) -> bool:
        digest = hashlib.sha256(f"{LABEL_SALT}:{normalise(label.text)}".encode()).digest()
        return int.from_bytes(digest[:4], "big") < cut

    flags = [held_out(label) for label in labels]
    return ([label for label, out in zip(labels, flags, strict=True) if not out],
            [label for label, out in zip(labels, flags, strict=True) if out])


def task_corpus(labels: Sequence[Label], model: Model, name: str) -> Corpus:
    """The labels that speak to ``model``: positive for it, or negative for every model."""
    rows = [label for label in labels
            if label.flags[model.label] or not any(label.flags.values())]
    return Corpus(name, [label.text for label in rows],
                  np.array([label.flags[model.label] for label in rows], dtype=np.int8))


def with_labels(training_set: TrainingSet, labels: Corpus, weight: float) -> TrainingSet:
    parts = (*training_set.parts, (labels, weight)) if len(labels) else training_set.parts
    return TrainingSet(f"{training_set.name}+labels", parts)


@dataclass
class TaskResult:
    """One task retrained: the new pipeline, its metadata, and the old/new comparison."""

    task: str
    old: Artifact
    pipeline: Pipeline
    metadata: dict[str, Any]
    comparison: list[dict[str, Any]] = field(default_factory=list)

    @property
    def regressions(self) -> list[dict[str, Any]]:
        return [row for row in self.comparison if row["verdict"] == "REGRESSED"]


def retrain_task(task: str, data_dir: Path, old: Artifact, train_labels: Sequence[Label],
                 test_labels: Sequence[Label], weight: float = LABEL_WEIGHT,
                 tolerance: float = TOLERANCE, version: str | None = None,
                 log: Callable[[str], None] = print) -> TaskResult:
    """Fit the new model, score old and new on every held-out split, compare them."""
    model = registry.get(task)
    splits = model.held_out(data_dir)
    label_train = task_corpus(train_labels, model, LABELS_TRAIN)
    label_test = task_corpus(test_labels, model, LABELS_TEST)
    final = training.final_training_set(splits)
    new_splits = [replace(s, train=with_labels(s.train, label_train, weight)) for s in splits]
    new_final = training.final_training_set(new_splits)
    log(f"{task}: fitting on {len(new_final.texts)} texts, {len(label_train)} of them moderator "
        f"labels at weight {weight:g} ({len(label_test)} labels held out)")
    pipeline = training.fit(model, new_final)
    refit = training.refitter(model)
    old_predictor = evaluation.model_predictor(old.pipeline)
    new_predictor = evaluation.model_predictor(pipeline)
    log(f"{task}: scoring old and new models on the held-out splits")
    old_predictions = evaluation.held_out_predictions(splits, refit,
                                                      prefit={final.name: old_predictor})
    new_predictions = evaluation.held_out_predictions(new_splits, refit,
                                                      prefit={new_final.name: new_predictor})
    if len(label_test):
        old_predictions.append((HeldOut(LABELS_TEST, label_test, final),
                                old_predictor(label_test.texts)))
        new_predictions.append((HeldOut(LABELS_TEST, label_test, new_final),
                                new_predictor(label_test.texts)))
    thresholds = evaluation.choose_thresholds(model.thresholds, new_predictions)
    comparison = compare(
        evaluation.metric_rows(task, "old", old_predictions, old.thresholds),
        evaluation.metric_rows(task, "new", new_predictions, thresholds), tolerance)
    metadata = {
        "version": version or new_version(task, datetime.now(UTC), old.version),
        "thresholds": thresholds,
        **evaluation.assess(model, [s for s, _ in new_predictions], new_predictions,
                            new_predictor, thresholds),
        "training": new_final.describe(),
        "pipeline": features.describe(pipeline),
        "data": training.data_block(model, data_dir),
        "retrained": {"previous_version": old.version, "label_weight": weight,
                      "labels_train": len(label_train),
                      "labels_train_positive": int(label_train.labels.sum()),
                      "labels_test": len(label_test),
                      "labels_test_positive": int(label_test.labels.sum()),
                      "tolerance": tolerance, "comparison": comparison},
    }
    return TaskResult(task, old, pipeline, metadata, comparison)


def compare(old_rows: Sequence[Mapping[str, Any]], new_rows: Sequence[Mapping[str, Any]],
            tolerance: float) -> list[dict[str, Any]]:
    """One row per split: old and new ROC-AUC/AP, the minimum the new one needs, the verdict.

    Gated: the worst left-out corpus (whichever it is for each model) and the held-out
    labels; a single corpus is shown for information, its worst case being gated.
    """
    rows = []
    for old, new in zip(old_rows, new_rows, strict=True):
        split = old["split"]
        is_label_slice = split == LABELS_TEST
        old_auc, new_auc = old.get("roc_auc"), new.get("roc_auc")
        minimum = verdict = None
        if split != evaluation.WORST and not is_label_slice:
            verdict = "-"
        elif old_auc is None or new_auc is None:
            verdict = "not gated (one class)"
        else:
            minimum = round(old_auc - (0.0 if is_label_slice else tolerance), 4)
            verdict = "ok" if new_auc >= minimum else "REGRESSED"
        rows.append({"task": old["task"], "split": split, "n": old.get("n"),
                     "positive": old.get("positive"), "old roc_auc": old_auc,
                     "new roc_auc": new_auc,
                     "change": None if None in (old_auc, new_auc) else round(new_auc - old_auc, 4),
                     "minimum": minimum, "old ap": old.get("average_precision"),
                     "new ap": new.get("average_precision"), "verdict": verdict})
    return rows


def new_version(task: str, created: datetime, previous: str) -> str:
    """``<task>-YYYY.MM.DD.HHMMSS``: differs from a same-day ``train`` and from ``previous``."""
    version = f"{task}-{created:%Y.%m.%d.%H%M%S}"
    return version if version != previous else f"{version}-2"


def promote(results: Sequence[TaskResult], out_dir: Path, artifacts_dir: Path) -> list[Path]:
    """Write the new artifacts and cards into ``out_dir``: staged beside it, then swapped in.

    When ``out_dir`` is not the folder the old models came from, the tasks not
    retrained are copied along, so ``out_dir`` is a complete ``MODELS_DIR``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".retrain-") as staging_name:
        staging = Path(staging_name)
        for result in results:
            created = datetime.now(UTC)
            saved = artifacts.save(result.pipeline, result.task, staging, result.metadata,
                                   created=created)
            (staging / f"{result.task}.md").write_text(card(saved))
        for result in results:
            # the model before its metadata: a reader in between gets a clear hash mismatch
            for name in (artifacts.model_path(staging, result.task).name, f"{result.task}.md",
                         artifacts.metadata_path(staging, result.task).name):
                os.replace(staging / name, out_dir / name)
                written.append(out_dir / name)
    if out_dir.resolve() != artifacts_dir.resolve():
        retrained = {result.task for result in results}
        for task in registry.names():
            if task in retrained:
                continue
            for source in (artifacts.model_path(artifacts_dir, task),
                           artifacts.metadata_path(artifacts_dir, task),
                           artifacts_dir / f"{task}.md"):
                if source.is_file():
                    shutil.copy2(source, out_dir / source.name)
    from .scoring import _load_scorer  # this process loads the new models on its next call

    _load_scorer.cache_clear()
    return written


def card(metadata: Mapping[str, Any]) -> str:
    """The usual model card plus what the moderator labels changed."""
    retrained = metadata["retrained"]
    return cards.render(metadata) + f"""
## Retrained with moderator labels

Retrained by `python -m models retrain` from `{retrained['previous_version']}` on the corpora
above plus moderator decisions exported by `moderation labels`:

- training: {retrained['labels_train']} labels ({retrained['labels_train_positive']} positive), \
weight {retrained['label_weight']:g} each (`{LABELS_TRAIN}` above)
- held out by a hash of their text: {retrained['labels_test']} labels \
({retrained['labels_test_positive']} positive, `{LABELS_TEST}` above)
- promoted because no held-out corpus split lost more than {retrained['tolerance']:g} ROC-AUC \
and the held-out labels lost none:

{table(retrained['comparison'])}
"""


COMPARISON_KEYS = ("task", "split", "n", "positive", "old roc_auc", "new roc_auc", "change",
                   "minimum", "old ap", "new ap", "verdict")


def table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The comparison as a table, the change signed."""
    return report.table(rows, COMPARISON_KEYS, signed={"change"})


def run(labels_path: Path, data_dir: Path, artifacts_dir: Path, out_dir: Path | None = None,
        tasks: Sequence[str] | None = None, weight: float = LABEL_WEIGHT,
        tolerance: float = TOLERANCE, dry_run: bool = False,
        log: Callable[[str], None] = print) -> int:
    """The ``retrain`` command: 0 when promoted (or, dry, promotable), 1 when refused."""
    labels = read_labels(labels_path)
    train_labels, test_labels = split_labels(labels)
    log(f"{labels_path}: {len(labels)} labelled comments, {len(train_labels)} for training, "
        f"{len(test_labels)} held out")
    tasks = list(dict.fromkeys(tasks or registry.names()))
    old = {task: artifacts.load(task, artifacts_dir) for task in tasks}
    created = datetime.now(UTC)
    results = [retrain_task(task, data_dir, old[task], train_labels, test_labels, weight,
                            tolerance, new_version(task, created, old[task].version), log)
               for task in tasks]
    for result in results:
        log(f"\n{result.task}: old {result.old.version} thresholds {result.old.thresholds}, "
            f"new {result.metadata['version']} thresholds {result.metadata['thresholds']}")
        log(table(result.comparison))
    regressions = [row for result in results for row in result.regressions]
    if regressions:
        for row in regressions:
            print(f"regressed: {row['task']} on {row['split']}: ROC-AUC {row['new roc_auc']:.4f} "
                  f"< {row['minimum']:.4f} (old {row['old roc_auc']:.4f}"
                  + (")" if row["split"] == LABELS_TEST else f" - tolerance {tolerance:g})"),
                  file=sys.stderr)
        print("not promoted: the artifacts are unchanged", file=sys.stderr)
        return 1
    if dry_run:
        log("\ndry run: no regression, nothing written")
        return 0
    out_dir = out_dir or artifacts_dir
    promote(results, out_dir, artifacts_dir)
    log("\npromoted " + ", ".join(r.metadata["version"] for r in results) + f" to {out_dir}")
    return 0
