"""Gradients against central differences, in the shape of autograd's check_grads.

At each random point every parameter is nudged by ±EPS in float64.  A point
within KINK_MARGIN of a ReLU/|·| kink is redrawn; a point where the one-sided
differences disagree (Chainer's detect_nondifferentiable idea) is reported as
``kink`` instead of being compared across the kink.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from derivgen.engine.protocol import GradientModel
from derivgen.ops.losses import loss
from derivgen.render.tables import ItemRows, gradient_report_html
from derivgen.report import ReportItem

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6
KINK_MARGIN = 1e-3
#: |forward − backward difference| above this × (1 + |central|) means a kink
KINK_JUMP = 1e-2
MAX_REDRAWS = 50
#: entries of one array parameter compared per point (all of them when it has fewer)
MAX_ENTRIES = 12


@dataclass
class ParamCheck:
    """The worst comparison of one parameter over all points."""

    name: str
    analytic: float = 0.0
    numeric: float = 0.0
    error: float = 0.0
    failed: bool = False
    points: int = 0
    where: str = ""
    kinks: list[str] = field(default_factory=list)
    #: the loss or a gradient was inf or NaN in float64 at some point (overflow)
    non_finite: bool = False

    @property
    def status(self) -> str:
        """non-finite if float64 overflowed somewhere, mismatch if a comparison failed,
        kink if every point sat on a kink, else ok."""
        if self.non_finite:
            return "non-finite"
        if self.failed:
            return "mismatch"
        return "ok" if self.points > len(self.kinks) else "kink"

    def message(self) -> str:
        if self.non_finite:
            return (f"not a finite number in float64 at {self.where}: analytic "
                    f"{self.analytic:.12g}, numeric {self.numeric:.12g}: outside the "
                    "formula's domain (log or power of a negative number: give the model a "
                    "'domain:') or an overflow (exp of a large argument)")
        text = (f"analytic {self.analytic:.12g} vs numeric {self.numeric:.12g} "
                f"(abs err {self.error:.2g}) at {self.where}; {self.points} points, "
                f"eps {EPS:g}, pass if |a-n| <= {ATOL:g} + {RTOL:g}*max(|a|,|n|)")
        if self.kinks:
            text += "; not compared at a kink: " + ", ".join(self.kinks)
        return text


@dataclass
class GradientReport:
    """Result of :func:`check_gradients`; ``ok`` is True when every parameter passed."""

    spec: str
    checks: list[ParamCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No mismatch, and every parameter was compared at some point off a kink."""
        return all(c.status == "ok" for c in self.checks)

    def _repr_html_(self) -> str:
        """Jupyter shows the report as a table, one row per parameter."""
        return gradient_report_html(self)

    def items(self) -> list[ReportItem]:
        """Rows for ``derivgen check``, one per parameter (a list Jupyter shows as a table)."""
        return ItemRows(ReportItem(self.spec, f"dL/d{c.name}", "gradient", c.status, c.message(),
                                   None, c.analytic) for c in self.checks)


def random_point(model: GradientModel, rng: np.random.Generator,
                 n: int | None = None) -> tuple[dict, np.ndarray, np.ndarray]:
    """Parameters ~ N(0, 1), n samples of inputs, and targets the loss expects."""
    n = n or (1 if model.graph.reduction == "single" else 4)
    params = model.random_params(rng)
    x = rng.normal(size=(n, model.input_size))
    y = random_targets(model.spec.loss, rng, n, model.output_size)
    bounds = domain_of(model)
    if bounds:  # a free-form model's ``domain:``: uniform in [low, high] instead
        params.update({p: float(rng.uniform(*bounds[p])) for p in params if p in bounds})
        for j, s in enumerate(model.graph.inputs):
            if s.name in bounds:
                x[:, j] = rng.uniform(*bounds[s.name], size=n)
    return params, x, y


def random_targets(loss_name: str, rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    """n rows of c targets the loss expects: probability rows, values in [0, 1], or reals."""
    kind = loss(loss_name).targets
    if kind == "simplex":
        return rng.dirichlet(np.ones(c), size=n)
    if kind == "unit":
        return rng.uniform(size=(n, c))
    return rng.normal(size=(n, c))


def domain_of(model: GradientModel) -> dict[str, tuple[float, float]]:
    """name -> (low, high) of the inputs and parameters a ``model:`` spec gives a domain."""
    return {name: (low, high) for name, low, high in getattr(model.spec.network, "domain", ())}


def domain_ranges(model: GradientModel, atoms: Any) -> dict[Any, tuple[float, float]]:
    """The domain of each atom of a judged formula: a symbol or a sample x[n] of an input."""
    bounds = domain_of(model)
    out = {}
    for atom in atoms:
        name = getattr(getattr(atom, "base", None), "label", atom)
        name = getattr(name, "name", None)
        if name in bounds:
            out[atom] = bounds[name]
    return out


def _entries(value: Any, rng: np.random.Generator) -> list[tuple[int, ...]]:
    """The entries of a parameter to nudge: ``()`` for a scalar, a sample of a big array."""
    if np.ndim(value) == 0:
        return [()]
    every = list(np.ndindex(np.shape(value)))
    if len(every) <= MAX_ENTRIES:
        return every
    return [every[i] for i in sorted(rng.choice(len(every), MAX_ENTRIES, replace=False))]


def _nudged(params: dict, name: str, index: tuple[int, ...], delta: float) -> dict:
    out = dict(params)
    if index == ():
        out[name] = params[name] + delta
    else:
        out[name] = np.array(params[name], dtype=float)
        out[name][index] += delta
    return out


def _compare(model: GradientModel, params: dict, x: np.ndarray, y: np.ndarray,
             checks: dict[str, ParamCheck], where: str,
             rng: np.random.Generator | None = None) -> None:
    loss = model.loss_fn()
    analytic = model.gradient_fn()(params, x, y)
    centre = loss(params, x, y)
    rng = rng or np.random.default_rng(0)
    for name, check in checks.items():
        kink = False
        for index in _entries(params[name], rng):
            up = loss(_nudged(params, name, index, EPS), x, y)
            down = loss(_nudged(params, name, index, -EPS), x, y)
            numeric = (up - down) / (2 * EPS)
            a = float(np.asarray(analytic[name])[index])
            label = where + (f", entry {list(index)}" if index else "")
            if abs((up - centre) - (centre - down)) / EPS > KINK_JUMP * (1 + abs(numeric)):
                kink = True  # one-sided slopes differ: never compare across it
                continue
            if not (np.isfinite(a) and np.isfinite(numeric)):  # said so, never a silent NaN
                if not check.non_finite:
                    check.error, check.analytic, check.numeric, check.where = (
                        float("nan"), a, numeric, label)
                check.non_finite = check.failed = True
                continue
            error = abs(a - numeric)
            failed = not error <= ATOL + RTOL * max(abs(a), abs(numeric))
            if check.non_finite:
                pass
            elif (failed and not check.failed) or (failed == check.failed
                                                   and error >= check.error):
                check.error, check.analytic, check.numeric, check.where = error, a, numeric, label
            check.failed = check.failed or failed
        check.points += 1
        if kink:
            check.kinks.append(where)


def check_gradients(model: GradientModel, points: int = 3, seed: int = 0,
                    example: bool = True) -> GradientReport:
    """Compare ``model.gradient_fn()`` with central differences of ``model.loss_fn()``.

    Uses ``points`` random points away from kinks plus, when ``example`` is true
    and the spec has one, its worked-example point.
    """
    rng = np.random.default_rng(seed)
    report = GradientReport(model.spec.name)
    checks = {p: ParamCheck(p) for p in model.parameters}
    if example and model.spec.example is not None:
        given, x, y = model.example_arrays()
        params, _, drawn_y = random_point(model, rng, n=x.shape[0])
        params.update(given)  # the document's values where it gives them
        y = drawn_y if y is None else y
        _compare(model, params, x, y, checks, "the worked example")
    for i in range(points):
        for _ in range(MAX_REDRAWS):
            params, x, y = random_point(model, rng)
            if model.kink_distance(params, x, y) > KINK_MARGIN:
                break
        else:
            report.notes.append(f"point {i + 1}: every draw fell within {KINK_MARGIN} of a kink")
        _compare(model, params, x, y, checks, f"random point {i + 1} (seed {seed})", rng)
    report.checks = list(checks.values())
    return report
