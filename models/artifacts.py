"""Save and load the trained pipelines: skops files with their metadata JSON beside them.

skops loads only types it is told to trust, so a tampered or foreign file
cannot run code; on top of that, loading refuses a file whose SHA-256 differs
from its metadata or that was saved by another scikit-learn version (pickled
estimators are not guaranteed to behave the same across versions).
"""

from __future__ import annotations

import copy
import hashlib
import json
import platform
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
import skops
import skops.io as sio
from sklearn.pipeline import Pipeline

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"

# scikit-learn's own (private) calibration classes, which our pipelines hold but skops
# does not trust by default. Any other untrusted type found in a file is refused.
EXTRA_TRUSTED_TYPES = frozenset({"sklearn.calibration._CalibratedClassifier",
                                 "sklearn.calibration._SigmoidCalibration"})


class ArtifactError(Exception):
    """A model artifact is missing, altered, or was built for another library version."""


@dataclass(frozen=True)
class Artifact:
    """A loaded pipeline and the metadata it was saved with."""

    task: str
    pipeline: Pipeline
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(self.metadata["thresholds"])


def model_path(directory: Path, task: str) -> Path:
    return directory / f"{task}.skops"


def metadata_path(directory: Path, task: str) -> Path:
    return directory / f"{task}.json"


def library_versions() -> dict[str, str]:
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "skops": skops.__version__, "numpy": np.__version__, "scipy": scipy.__version__}


def save(pipeline: Pipeline, task: str, directory: Path, metadata: Mapping[str, Any],
         created: datetime | None = None) -> dict[str, Any]:
    """Write ``<task>.skops`` and ``<task>.json``; return the full metadata written."""
    directory.mkdir(parents=True, exist_ok=True)
    created = created or datetime.now(UTC)
    path = model_path(directory, task)
    sio.dump(_with_term_arrays(pipeline), path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    full = {
        "task": task,
        "version": f"{task}-{created:%Y.%m.%d}",
        "created": created.isoformat(timespec="seconds"),
        "file": path.name,
        "sha256": sha256(path),
        "libraries": library_versions(),
        **metadata,
    }
    metadata_path(directory, task).write_text(json.dumps(full, indent=2, sort_keys=False) + "\n")
    return full


def load(task: str, directory: Path | None = None) -> Artifact:
    """Load one task's pipeline after checking its file, hash and scikit-learn version."""
    directory = directory or ARTIFACTS_DIR
    meta_file = metadata_path(directory, task)
    path = model_path(directory, task)
    for required in (meta_file, path):
        if not required.is_file():
            raise ArtifactError(f"missing model artifact {required}: run `python -m models train`")
    try:
        metadata = json.loads(meta_file.read_text())
        expected_hash = metadata["sha256"]
        trained_with = metadata["libraries"]["scikit-learn"]
    except (ValueError, KeyError, TypeError) as error:
        raise ArtifactError(f"unreadable model metadata {meta_file}: {error}") from error
    actual_hash = sha256(path)
    if actual_hash != expected_hash:
        raise ArtifactError(f"{path} has SHA-256 {actual_hash} but {meta_file.name} records "
                            f"{expected_hash}: the file was altered or belongs to another model")
    if trained_with != sklearn.__version__:
        raise ArtifactError(f"{path} was saved with scikit-learn {trained_with} but "
                            f"{sklearn.__version__} is installed: install that version or retrain")
    return Artifact(task, _load_trusted(path), metadata)


def _load_trusted(path: Path) -> Pipeline:
    untrusted = set(sio.get_untrusted_types(file=path))
    unexpected = untrusted - EXTRA_TRUSTED_TYPES
    if unexpected:
        raise ArtifactError(f"{path} contains types that are not trusted: {sorted(unexpected)}")
    pipeline = sio.load(path, trusted=sorted(untrusted))
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"{path} does not hold a scikit-learn Pipeline")
    for vectorizer in _vectorizers(pipeline):
        if isinstance(vectorizer.vocabulary_, np.ndarray):
            vectorizer.vocabulary_ = {term: i for i, term in
                                      enumerate(vectorizer.vocabulary_.tolist())}
    return pipeline


def _with_term_arrays(pipeline: Pipeline) -> Pipeline:
    """A copy whose vocabularies are arrays of terms in index order.

    skops stores a dict as one node per entry, which takes seconds per 100,000
    terms to audit and load (every worker process pays it at start); an array of
    strings is one ``.npy`` entry, loaded without pickle. ``_load_trusted`` turns
    it back into the ``{term: index}`` scikit-learn expects.
    """
    portable = copy.deepcopy(pipeline)
    for vectorizer in _vectorizers(portable):
        vocabulary = vectorizer.vocabulary_
        vectorizer.vocabulary_ = np.array(sorted(vocabulary, key=vocabulary.__getitem__))
    return portable


def _vectorizers(pipeline: Pipeline) -> list:
    return [vectorizer for _, vectorizer in pipeline.named_steps["features"].transformer_list]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
