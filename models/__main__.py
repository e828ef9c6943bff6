"""``python -m models train|evaluate|score|retrain``: the command line of the models package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import artifacts, cards, datasets, evaluation, fairness, registry, retraining, training
from .artifacts import ArtifactError
from .datasets import DatasetError
from .retraining import LabelError


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except (ArtifactError, DatasetError, LabelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def train(args: argparse.Namespace) -> int:
    """Fit the declared models on the corpora and write artifacts and model cards."""
    data_dir = datasets.resolve_data_dir(args.data)
    written = training.train(data_dir, Path(args.out), names=args.task)
    for metadata in written.values():
        print(f"\n{metadata['version']} thresholds {metadata['thresholds']}")
        print(evaluation.format_table(metadata["metrics"]))
    return 0


def evaluate(args: argparse.Namespace) -> int:
    """Leave each corpus out in turn and score the shipped recipe and both baselines on it;
    print the tables and write them to <task>-evaluation.md beside the artifacts."""
    data_dir = datasets.resolve_data_dir(args.data)
    directory = Path(args.artifacts) if args.artifacts else artifacts.ARTIFACTS_DIR
    for model in map(registry.get, args.task or registry.names()):
        artifact = artifacts.load(model.name, directory)
        splits = model.held_out(data_dir)
        predictor = evaluation.model_predictor(artifact.pipeline)
        shipped = evaluation.held_out_predictions(
            splits, training.refitter(model),
            prefit={training.final_training_set(splits).name: predictor})
        report = {**artifact.metadata,
                  **evaluation.assess(model, splits, shipped, predictor, artifact.thresholds)}
        print(f"{artifact.version} thresholds {artifact.thresholds}")
        print(evaluation.format_table(report["metrics"]))
        if "fairness" in report:
            print(evaluation.format_table([fairness.summary(report["fairness"])],
                                          fairness.KEYS))
        print(f"wrote {cards.write_evaluation(directory, report)}\n", flush=True)
    return 0


def score(args: argparse.Namespace) -> int:
    """Read one text per line, write one probability per line (same order)."""
    from .scoring import load_scorer

    source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")  # noqa: SIM115
    with source:
        texts = [line.rstrip("\r\n") for line in source]
    scorer = load_scorer(args.artifacts)
    for probability in scorer.probabilities(args.task, texts) if texts else []:
        print(f"{probability:.6f}")
    return 0


def retrain(args: argparse.Namespace) -> int:
    """Retrain on the corpora plus moderator labels; promote only if the worst left-out corpus
    and the held-out labels do not regress."""
    data_dir = datasets.resolve_data_dir(args.data)
    directory = Path(args.artifacts) if args.artifacts else artifacts.ARTIFACTS_DIR
    return retraining.run(Path(args.labels), data_dir, directory,
                          out_dir=Path(args.out) if args.out else None,
                          tasks=args.task, weight=args.label_weight,
                          tolerance=args.tolerance, dry_run=args.dry_run)


def _non_negative(value: str) -> float:
    number = float(value)
    if not number >= 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, not {value}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    commands = parser.add_subparsers(required=True)
    data_help = f"corpora folder (default: ${datasets.DATA_ENV} or {datasets.DEFAULT_DATA_DIR})"

    sub = commands.add_parser("train", help=train.__doc__)
    sub.add_argument("--data", help=data_help)
    sub.add_argument("--out", default=str(artifacts.ARTIFACTS_DIR), help="artifacts folder")
    sub.add_argument("--task", action="append", choices=registry.names())
    sub.set_defaults(command=train)

    sub = commands.add_parser("evaluate", help=evaluate.__doc__)
    sub.add_argument("--data", help=data_help)
    sub.add_argument("--artifacts", help="artifacts folder (default: the shipped ones)")
    sub.add_argument("--task", action="append", choices=registry.names())
    sub.set_defaults(command=evaluate)

    sub = commands.add_parser("retrain", help=retrain.__doc__)
    sub.add_argument("--labels", required=True,
                     help="JSON lines written by `moderation labels` (one decided comment each)")
    sub.add_argument("--data", help=data_help)
    sub.add_argument("--artifacts", help="folder of the models in use (default: the shipped ones)")
    sub.add_argument("--out", help="where to promote the new models (default: --artifacts)")
    sub.add_argument("--task", action="append", choices=registry.names())
    sub.add_argument("--label-weight", type=_non_negative, default=retraining.LABEL_WEIGHT,
                     help="weight of one moderator label, in rows of the main corpus "
                          "(default: %(default)s)")
    sub.add_argument("--tolerance", type=_non_negative, default=retraining.TOLERANCE,
                     help="ROC-AUC the worst left-out corpus may lose (default: %(default)s)")
    sub.add_argument("--dry-run", action="store_true",
                     help="compare old and new, write nothing (exit 1 if it would be refused)")
    sub.set_defaults(command=retrain)

    sub = commands.add_parser("score", help=score.__doc__)
    sub.add_argument("--task", required=True, choices=registry.names())
    sub.add_argument("--artifacts", help="artifacts folder (default: the shipped ones)")
    sub.add_argument("file", help="text file, one comment per line ('-' for stdin)")
    sub.set_defaults(command=score)
    return parser


if __name__ == "__main__":
    sys.exit(main())
