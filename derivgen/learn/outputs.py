"""What ``derivgen train`` writes: params.yaml, history.csv, and the pictures' data.

``params.yaml`` has the shape of a spec's ``example:`` (x, y, params,
learning_rate), so ``derivgen derive SPEC --values params.yaml`` derives a
worked example at the trained point, with the first data row as the sample.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml

from derivgen.files import safe_stem
from derivgen.learn.train import TrainResult

#: a history.csv carries every parameter's trajectory up to this many scalar parameters
HISTORY_PARAMS = 32
#: … and up to this many recorded values in all (steps × parameters)
HISTORY_VALUES = 5_000_000


@dataclass
class Run:
    """One trained spec: the result, its data, and the trajectory recorded for history.csv."""

    label: str
    stem: str
    result: TrainResult
    x: np.ndarray
    y: np.ndarray
    model: Any
    trajectory: list[list[float]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _plain(value: Any) -> Any:
    """Floats and nested lists of floats, as YAML writes them exactly (repr)."""
    if np.ndim(value) == 0:
        return float(value)
    return np.asarray(value, dtype=float).tolist()


def _comment(text: str) -> str:
    """One comment line: control characters (newlines of a hostile name) are dropped."""
    return "# " + re.sub(r"[\x00-\x1f\x7f]", "", text) + "\n"


def params_yaml(run: Run, source: str) -> str:
    """The trained point as a --values file, with what produced it in comments."""
    r = run.result
    head = [f"trained by derivgen train: spec {r.name}, {len(r.losses)} steps of {r.optimizer}, "
            f"learning rate {r.learning_rate!r}, seed {r.seed}",
            f"final loss {r.final_loss!r} over {len(run.x)} rows of {source}",
            "a worked example at this point: derivgen derive SPEC --values THIS_FILE"]
    body = {"x": run.x[0].tolist(), "y": run.y[0].tolist(),
            "params": {k: _plain(v) for k, v in r.params.items()},
            "learning_rate": float(r.learning_rate)}
    text = yaml.safe_dump(body, sort_keys=False, default_flow_style=None, width=100)
    return "".join(_comment(line) for line in head) + text


def wants_trajectory(model: Any, steps: int) -> bool:
    """Small scalar models get every parameter's value per step in history.csv."""
    count = len(model.parameters)
    return (getattr(model, "form", "scalar") == "scalar" and count <= HISTORY_PARAMS
            and (steps + 1) * count <= HISTORY_VALUES)


def history_csv(run: Run) -> str:
    """step,loss[,parameters…]: row k is the state after k steps and the loss there.

    The loss of row k < steps is that of step k's batch (the whole data set for gd);
    the last row holds the final parameters and the loss over the whole data set.
    """
    r = run.result
    losses = [*map(float, r.losses), float(r.final_loss)]
    header = ["step", "loss", *run.names] if run.trajectory else ["step", "loss"]
    lines = [",".join(header)]
    for k, loss in enumerate(losses):
        cells = [str(k), repr(loss)]
        if run.trajectory and k < len(run.trajectory):
            cells += [repr(v) for v in run.trajectory[k]]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def unique_stem(text: str, taken: set[str]) -> str:
    """A file-name part made by :func:`derivgen.files.safe_stem` (one policy for every
    name derivgen writes), not yet in ``taken``: a second ``a`` becomes ``a_2``."""
    stem = safe_stem(text, fallback="spec")
    candidate, i = stem, 2
    while candidate in taken:
        candidate, i = f"{stem}_{i}", i + 1
    taken.add(candidate)
    return candidate


def fit_curves(runs: list[Run], points: int = 200) -> tuple[list, list[str]]:
    """(label, xs, ŷ) of every one-input, one-output run, and a note for each other run."""
    from derivgen.learn.predict import predict
    curves, skipped = [], []
    for run in runs:
        if run.x.shape[1] != 1 or run.y.shape[1] != 1:
            skipped.append(run.label)
            continue
        xs = np.linspace(run.x.min(), run.x.max(), points).reshape(-1, 1)
        with np.errstate(all="ignore"):
            curves.append((run.label, xs, predict(run.model, run.result.params, xs)))
    return curves, skipped
