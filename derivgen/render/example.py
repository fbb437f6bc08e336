"""The numbers a worked example starts from: the spec's ``example:``, a --values file,
and whatever either leaves out drawn from a seed.

A document may give only part of an example (seed 002 gives the input alone).
The missing values are drawn from ``numpy.random.default_rng(seed)`` and rounded
to two decimals, so that they read like a hand-made example; :class:`Point`
records which ones were drawn, and the document says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
import numpy as np

from derivgen.engine.protocol import GradientModel
from derivgen.errors import SpecError
from derivgen.ops.losses import loss as loss_op
from derivgen.spec import Example, example_section
from derivgen.spec.fields import Fields
from derivgen.spec.source import PosDict, load_text, read_file_bytes

#: the learning rate when neither the spec nor the values file gives one
DEFAULT_RATE = 0.1
#: drawn values are rounded to this many decimals
DECIMALS = 2
#: drawn values are drawn again while a ReLU or |·| sits closer than this to its kink, or
#: while some parameter would not move (up to REDRAWS times; the liveliest draw is kept)
KINK_MARGIN = 1e-3
REDRAWS = 50


@dataclass
class Point:
    """Inputs (N, D), targets (N, C), every parameter and the learning rate."""

    params: dict[str, float]
    x: np.ndarray
    y: np.ndarray
    learning_rate: float
    #: what was drawn: "x", "y", "learning_rate" and parameter names, in that order
    filled: list[str] = field(default_factory=list)
    seed: int = 0


def read_values(path: str | Path) -> tuple[Example, str, Any]:
    """A --values file: YAML with the shape of a spec's ``example:``."""
    # the spec's reader: a regular file within the size budget (no FIFO, no /dev/zero)
    raw = read_file_bytes(path, "a values file is a .yaml text file")
    data = load_text(raw, str(path))
    wrapper = PosDict({"example": data})
    pos = getattr(data, "pos", None)
    wrapper.pos, wrapper.key_pos, wrapper.value_pos = pos, {"example": pos}, {"example": pos}
    top = Fields(wrapper, "the values file", str(path))
    example = example_section(top)
    top.done()
    assert example is not None
    return example, str(path), pos


def _fail(message: str, source: str, ex: Example | None) -> SpecError:
    pos = ex.pos if ex is not None else None
    return SpecError(message, source, *((pos.line, pos.column) if pos else (None, None)))


def _targets(model: GradientModel, rng: np.random.Generator, n: int) -> np.ndarray:
    """Targets the loss expects: one-hot rows, values in [0, 1], or reals; two decimals."""
    c = model.output_size
    kind = loss_op(model.spec.loss).targets
    if kind == "simplex":
        return np.eye(c)[rng.integers(c, size=n)]
    drawn = rng.uniform(size=(n, c)) if kind == "unit" else rng.normal(size=(n, c))
    return np.round(drawn, DECIMALS)


def _given(model: GradientModel, ex: Example | None, source: str
           ) -> tuple[dict[str, float], np.ndarray | None, np.ndarray | None]:
    """The parameters, inputs and targets ``ex`` gives, shapes checked."""
    if ex is None:
        return {}, None, None
    try:
        params = model.flat_params(ex.params, partial=True)
    except ValueError as exc:
        raise _fail(f"worked example: {exc}", source, ex) from None
    x = np.asarray(ex.x, dtype=float)  # rows: one sample each
    return params, x, None if ex.y is None else np.asarray(ex.y, dtype=float)


def _source(model: GradientModel, values: str | Path | None) -> tuple[Example | None, str]:
    """The example a --values file gives, else the spec's own (None when it has none),
    and the file errors name."""
    if values is not None:
        return read_values(values)[:2]
    return model.spec.example, model.spec.source


def fill_point(model: GradientModel, values: str | Path | None = None,
               seed: int = 0) -> Point:
    """The worked example's numbers: given ones first, the rest drawn from ``seed``."""
    ex, source = _source(model, values)
    params, x, y = _given(model, ex, source)
    rng = np.random.default_rng(seed)
    filled: list[str] = []
    if x is None:
        n = 1 if model.graph.reduction == "single" else 2
        x = np.round(rng.normal(size=(n, model.input_size)), DECIMALS)
        filled.append("x")
    if y is None:
        y = _targets(model, rng, x.shape[0])
        filled.append("y")
    rate = ex.learning_rate if ex is not None and ex.learning_rate is not None else None
    if rate is None:
        rate = DEFAULT_RATE
        filled.append("learning_rate")
    missing = [p for p in model.parameters if p not in params]
    trial, best = params, (-1, params)
    try:  # the shapes of x and y are checked against the network on the way
        if not missing:
            model.loss_fn()(params, x, y)
        for _ in range(REDRAWS if missing else 0):
            drawn = model.random_params(rng)
            trial = {**params, **{p: round(float(drawn[p]), DECIMALS) for p in missing}}
            if model.kink_distance(trial, x, y) <= KINK_MARGIN:
                continue
            # prefer an example in which every parameter moves (no unit dead throughout)
            moving = sum(bool(np.any(v != 0)) for v in model.gradient_fn()(trial, x, y).values())
            if moving > best[0]:
                best = (moving, trial)
            if moving == len(model.parameters):
                break
        trial = best[1] if best[0] >= 0 else trial
    except ValueError as exc:
        raise _fail(f"worked example: {exc}", source, ex) from None
    filled.extend(missing)
    return Point(trial, x, y, float(rate), filled, seed)



def given_point(model: GradientModel, values: str | Path | None = None
                ) -> tuple[Example, dict, np.ndarray, np.ndarray, dict]:
    """(example, params, x, y, gradients) of the spec's ``example:`` or of a --values file,
    every parameter and the targets given (nothing drawn); a :class:`SpecError` names the
    file and the position of what is missing or malformed.  ``derivgen graph`` uses it."""
    ex, source = _source(model, values)
    if ex is None:
        raise SpecError("--example needs an 'example:' section in the spec, or --values FILE",
                        source, *((1, 1) if Path(source).is_file() else (None, None)))
    if ex.y is None:
        raise _fail("the worked example needs targets 'y' as well as 'x'", source, ex)
    params, x, y = _given(model, ex, source)
    missing = [p for p in model.parameters if p not in params]
    try:
        if missing:
            raise ValueError("it needs a value for every parameter; missing: " + ", ".join(missing))
        grads = model.gradient_fn()(params, x, y)  # also checks the shapes of x and y
    except ValueError as exc:
        raise _fail(f"worked example: {exc}", source, ex) from None
    return ex, params, x, y, grads
