"""``derivgen train``: gradient descent on a CSV data set with the derived gradients.

Prints the final parameters and loss as seed 004 does (``w=… b=… loss=…
learning_rate=…``); with ``--out DIR`` writes params.yaml, history.csv, loss.png
and, for one-input models, fit.png (several specs: overlaid, and one params and
history file per spec).  Exit 0 trained, 1 the loss diverged, 2 unusable input.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from derivgen.errors import DerivgenError, MissingDependency, SpecError
from derivgen.files import OutputError, write_atomic
from derivgen.learn.data import pick_columns, read_csv
from derivgen.learn.init import read_init
from derivgen.learn.outputs import Run, fit_curves, history_csv, params_yaml, unique_stem, \
    wants_trajectory
from derivgen.learn.predict import data_names
from derivgen.learn.train import OPTIMIZERS, train
from derivgen.model.load import load


def _number(kind: type, low: float, high: float, what: str):
    """An argparse type: a finite number of ``kind`` in [low, high]."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"{text} is not between {low:g} and {high:g}")
        return value
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``derivgen train``."""
    parser.add_argument("specs", nargs="+", metavar="SPEC", help="one or more .yaml specs")
    parser.add_argument("--data", required=True, metavar="FILE.csv",
                        help="CSV with a header row; columns named as the spec's inputs and "
                             "targets (x, y; x_1, x_2, y_1, …) unless --x/--y say otherwise")
    parser.add_argument("--x", metavar="COLS", help="input column(s), comma-separated")
    parser.add_argument("--y", metavar="COLS", help="target column(s), comma-separated")
    parser.add_argument("--steps", type=_number(int, 0, 10 ** 8, "a whole number"),
                        default=1000, help="gradient steps (default 1000)")
    parser.add_argument("--lr", type=_number(float, 1e-300, 1e6, "a number"), default=0.01,
                        help="learning rate (default 0.01)")
    parser.add_argument("--batch-size", type=_number(int, 1, 10 ** 9, "a whole number"),
                        default=None, help="rows per step (default: all for gd and "
                                           "momentum, 1 for sgd)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="gd",
                        help="gd (default), sgd or momentum (0.9)")
    parser.add_argument("--seed", type=_number(int, 0, 2 ** 32 - 1, "a whole number"),
                        default=0, help="seed of the initial parameters and batch order")
    parser.add_argument("--init", default="random", metavar="FILE|random",
                        help="starting parameters: a YAML file with 'params:' (such as a "
                             "params.yaml this command wrote) or random (default)")
    parser.add_argument("--form", choices=("scalar", "matrix"), default=None,
                        help="train this form of a network spec instead of the spec's")
    parser.add_argument("--out", metavar="DIR",
                        help="write params.yaml, history.csv, loss.png, fit.png here")


def _columns(text: str | None, default: list[str]) -> list[str]:
    return default if text is None else [c.strip() for c in text.split(",")]


def _bar(total: int, label: str) -> tuple[Any, Any]:
    """A progress bar on stderr when it is a terminal (tqdm), and its per-step callback."""
    from tqdm import tqdm
    bar = tqdm(total=total, desc=label, unit="step", file=sys.stderr, dynamic_ncols=True,
               disable=not sys.stderr.isatty(), leave=True)
    every = max(1, total // 200)

    def tick(step: int, loss: float, params: Any) -> None:
        if step % every == 0 or step == total:
            bar.update(step - bar.n)
            bar.set_postfix(loss=f"{loss:.6g}", refresh=False)
    return bar, tick


def _train_one(path: str, args: argparse.Namespace, table, stem: str) -> Run:
    model = load(Path(path), form=args.form)
    inputs, targets = data_names(model)
    x = pick_columns(table, _columns(args.x, inputs), "inputs", "--x")
    y = pick_columns(table, _columns(args.y, targets), "targets", "--y")
    if x.shape[1] != model.input_size or y.shape[1] != model.output_size:
        raise SpecError(f"{model.spec.name} reads {model.input_size} input and "
                        f"{model.output_size} target columns; --x and --y chose {x.shape[1]} "
                        f"and {y.shape[1]}", table.source, table.header_line, 1)
    start = None if args.init == "random" else read_init(args.init, model)
    run = Run(model.spec.name, stem, None, x, y, model)  # type: ignore[arg-type]
    record = wants_trajectory(model, args.steps)
    bar, tick = _bar(args.steps, model.spec.name)

    def callback(step: int, loss: float, params: Any) -> None:
        tick(step, loss, params)
        if record:
            run.trajectory.append([float(params[n]) for n in run.names])
    try:
        if record:
            run.names = list(model.parameters)
            first = start or model.initial_params(args.seed)
            flat = model.flat_params(first)
            run.trajectory.append([float(flat[n]) for n in run.names])
        # a trajectory needs every step's parameters: the plain loop calls back each step,
        # the compiled one once per chunk
        run.result = train(model, x, y, args.steps, args.lr, args.batch_size, args.optimizer,
                           args.seed, backend="numpy" if record else "auto",
                           callback=callback, params=start)
    except ValueError as exc:  # shapes, a 'single' spec with a batch: the user's choice
        raise DerivgenError(f"{path}: {exc}") from None
    finally:
        bar.close()
    return run


def run(args: argparse.Namespace) -> int:
    """``derivgen train``: 0 trained, 1 a loss diverged, 2 unusable input."""
    # unusable input raises DerivgenError: exit 2 with its message, in cli.main
    table = read_csv(args.data)
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise DerivgenError(f"{out}: exists and is not a directory (--out names a directory)")
    taken: set[str] = set()
    runs = [_train_one(p, args, table, unique_stem(Path(p).stem, taken)) for p in args.specs]
    status = 0
    for r in runs:
        print(f"{r.label}: {r.result.summary()}")
        if r.result.diverged_at is not None:
            print(f"derivgen: {r.label}: the loss is not finite at step {r.result.diverged_at}; "
                  "training stopped (try a smaller --lr)", file=sys.stderr)
            status = 1
    if out is not None:
        try:
            _write(out, runs, table, args)
        except OutputError as exc:
            print(f"derivgen: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"derivgen: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
            return 2
    return status


def _write(out: Path, runs: list[Run], table, args: argparse.Namespace) -> None:
    from derivgen.render.plots import fit_png, loss_png
    out.mkdir(parents=True, exist_ok=True)
    one = len(runs) == 1
    written = []
    for r in runs:
        names = ("params.yaml", "history.csv") if one else (f"params_{r.stem}.yaml",
                                                            f"history_{r.stem}.csv")
        write_atomic(out / names[0], params_yaml(r, args.data))  # temporary file, rename
        write_atomic(out / names[1], history_csv(r))
        written += names
    try:
        loss_png([(r.label, r.result.losses) for r in runs], out / "loss.png")
        written.append("loss.png")
        curves, skipped = fit_curves(runs)
        if curves:
            inputs, targets = data_names(runs[0].model)
            fit_png(runs[0].x, runs[0].y, curves, out / "fit.png", args.x or inputs[0],
                    args.y or targets[0])
            written.append("fit.png")
        for label in skipped:
            print(f"derivgen: {label}: no fit.png line (it is drawn for one input and one "
                  "output)", file=sys.stderr)
    except MissingDependency as exc:
        print(f"derivgen: {exc}; wrote the rest", file=sys.stderr)
    print(f"derivgen: wrote {', '.join(written)} in {out}", file=sys.stderr)
