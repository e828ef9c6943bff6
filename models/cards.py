"""Write the model card (``<task>.md``) beside each artifact from its metadata.

The card is what a moderator or reviewer reads: where the data came from and
under which licence, how the model was chosen, how it scores on held-out data
next to the baselines, the thresholds it ships with, and how to verify the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import fairness, registry
from .evaluation import WORST, format_table


def write_evaluation(directory: Path, metadata: Mapping[str, Any]) -> Path:
    """Write ``<task>-evaluation.md``: the tables of ``python -m models evaluate`` alone."""
    path = directory / f"{metadata['task']}-evaluation.md"
    path.write_text(f"""# Evaluation: {metadata['task']} ({metadata['version']})

Written by `python -m models evaluate`. Thresholds `{json.dumps(metadata['thresholds'])}`.

{evaluation_section(metadata)}""")
    return path


def evaluation_section(metadata: Mapping[str, Any]) -> str:
    """The leave-one-corpus-out table, and the identity fairness table if it was measured."""
    protocol = registry.get(metadata["task"]).card.evaluation
    text = f"""{protocol} Baselines run in the same command: a plain word+char_wb
TF-IDF + logistic regression on raw text (same folds, unweighted, default settings) and
alt-profanity-check (trained on other data, Davidson among it). `ece` is the expected
calibration error (10 bins), `civil_held` the share of the corpus's civil (label 0)
comments held at the shipped hold threshold; precision/recall are at the shipped
thresholds; `{WORST}` is the worst left-out corpus, what selection and retraining compare.

{format_table(metadata['metrics'])}
"""
    if metadata.get("fairness"):
        rows = metadata["fairness"]
        text += f"""
### Identity fairness

{len(fairness.template_set())} sentences of our own (`models/fairness.py`): {len(rows)} identity
terms across {", ".join(fairness.IDENTITIES)}, each in
{", ".join(f"{len(t)} {kind}" for kind, t in fairness.TEMPLATES.items())} templates; never
trained on. Subgroup, BPSN and BNSP AUC as in Borkan et al. 2019, "Nuanced Metrics for
Measuring Unintended Bias"; `non_toxic_held` counts the neutral and positive sentences
naming the identity that the hold threshold would hold. Worst identities first; the
first row is the minimum (maximum for the last two columns) over all of them.

{format_table([fairness.summary(rows), *rows], fairness.KEYS)}
"""
    return text


def write(directory: Path, metadata: Mapping[str, Any]) -> Path:
    """Render ``<task>.md`` from the metadata just saved; return its path."""
    task = metadata["task"]
    path = directory / f"{task}.md"
    path.write_text(render(metadata))
    return path


def render(metadata: Mapping[str, Any]) -> str:
    task = metadata["task"]
    card = registry.get(task).card
    libraries = ", ".join(f"{name} {version}" for name, version in metadata["libraries"].items())
    training = "\n".join(f"| {p['corpus']} | {p['rows']} | {p['positive']} | {p['weight']} |"
                         for p in metadata["training"])
    sources = "\n".join(f"- {source}" for source in card.sources)
    return f"""# Model card: {task} ({metadata['version']})

Calibrated probability that a comment is {card.adjective}. Text is passed through
`models.normalise.normalise` first (NFKC, invisible characters removed, lookalike
letters and leetspeak folded, links/e-mails/mentions mapped to tokens, repeats capped);
the pipeline is `{json.dumps(metadata['pipeline'])}`.

- File: `{metadata['file']}`, SHA-256 `{metadata['sha256']}` (checked on load)
- Trained: {metadata['created']} with {libraries} (scikit-learn version checked on load)
- Data SHA-256 (the corpus files used): `{metadata['data']['sha256']}`

## Data

{sources}

The corpora are read from `../shared/data` and never committed.

| training corpus | rows | positive | weight |
|---|---|---|---|
{training}

## Evaluation

{evaluation_section(metadata)}
## Thresholds

`{json.dumps(metadata['thresholds'])}`, chosen on the held-out scores above:
{card.threshold_notes}

## Intended use

{card.intended_use}

## How it was chosen

{card.selection}

## Limits

The scorer computes the same probabilities as the pipeline (tests hold them equal)
without sklearn's per-call overhead; `python bench/scoring.py` prints its latency.

Most of the data is tweets, YouTube comments and SMS; the news comments are a few
thousand, and the left-out table above is the honest forecast for a new site:
watch the moderators' overturn rate. A probability means different things on
corpora with different base rates (see `ece`), so a site that changes a threshold
should check it against its own decisions. English only; other scripts are
folded to Latin lookalikes and score as noise. Tweet-specific habits (mentions,
"RT") are in the data; mentions are mapped to one token to limit that.
"""
