"""Judging reference formulas in matrix notation with arrays (``form: matrix``).

Every side is evaluated by :class:`derivgen.matrix.Evaluator` at a few random
points and compared with the first side that names an array: the engine's
gradient for ∂L/∂W, the parameter after one step for ``W ← W − η ∇_W L``, or the
document's own expression for identities.  Scalar parts (bmatrix entries, Loss,
∂Loss/∂ŷ₁₁) are mapped by the scalar :class:`derivgen.reference.Mapper` and
evaluated at the same point.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import sympy as sp

from derivgen.errors import UnsupportedError
from derivgen.judge.arrays import Evaluator, NoValue, ShapeMismatch, close
from derivgen.judge.numeric import SAMPLES, compile_exprs, concrete, point_values
from derivgen.judge.mapping import LEARNING_RATES, N, Mapper
from derivgen.verify import random_point

if TYPE_CHECKING:
    from derivgen.reader.latex import Reference

#: random points every matrix formula is evaluated at
MATRIX_POINTS = 5


class Scalars:
    """The scalar engine's value of a commutative part, at one point (one sample)."""

    def __init__(self, mapper: Mapper, cache: dict, params: dict, x: np.ndarray,
                 y: np.ndarray, rate: float) -> None:
        self.mapper, self.cache, self.samples = mapper, cache, x.shape[0]
        self.values = point_values(mapper.graph, params, x, y)
        self.rate = rate

    def __call__(self, expr: sp.Expr) -> float:
        if expr not in self.cache:
            mapped = concrete(self.mapper.map(expr), N, self.samples, self.mapper.sample)
            data = {*self.mapper.graph.inputs, *self.mapper.graph.targets}
            if self.samples > 1 and mapped.free_symbols & data:
                raise UnsupportedError(f"{expr} depends on one sample, in a formula over a "
                                       "batch")
            self.cache[expr] = compile_exprs([mapped])
        compiled = self.cache[expr]
        values = dict(self.values)
        values.update({a: np.array([self.rate]) for a in compiled.atoms
                       if isinstance(a, sp.Symbol) and a.name in LEARNING_RATES})
        [value] = compiled(values)
        return float(np.ravel(value)[0])


def _head(evaluate: Evaluator, ref: "Reference") -> tuple[int, Any]:
    """(side number, value) of what the later sides are compared with."""
    head = ref.sides[0]
    if ref.assign:  # W_1 ← W_1 − η ∇_{W_1} L: the parameter after one step
        if not (isinstance(head, sp.Symbol) and not head.is_commutative):
            raise UnsupportedError(f"the update rule assigns {head}, which is not a matrix "
                                   "bound to a parameter group")
        return 1, evaluate.matrix(head.name) - evaluate.rate * evaluate.matrix(head.name,
                                                                               gradient=True)
    for k, side in enumerate(ref.sides, start=1):  # side 1 may be a name it defines (sum)
        if side is None:
            continue
        try:
            return k, evaluate(side)
        except NoValue:
            continue
    raise UnsupportedError("no side of this matrix formula names an array to compare")


def judge_matrix(ref: "Reference", mapper: Mapper, matrices: tuple, rng: np.random.Generator,
                 ) -> tuple[str, str, str]:
    """(status, derived, message) for one matrix formula (batch of 3 samples for ``rows``)."""
    model, (layout, bindings) = mapper.model, matrices[:2]
    judged: set[int] = set()
    cache: dict = {}
    start = 1
    example = model.example_arrays()
    for point in range(MATRIX_POINTS):
        n = SAMPLES if model.graph.reduction != "single" and layout == "rows" else 1
        params, x, y = random_point(model, rng, n)
        if example is not None and np.shape(example[1]) == x.shape:
            # the document's own input (seed 002 writes Input as [3; 24; 2] in its formulas)
            x = np.array(example[1], dtype=float).reshape(x.shape)
        rate = float(rng.uniform(0.01, 1.0))
        scalars: Callable[[sp.Expr], float] = Scalars(mapper, cache, params, x, y, rate)
        evaluate = Evaluator(model, layout, bindings, mapper.functions, params, x, y,
                             rate=rate, scalar=scalars)
        start, target = _head(evaluate, ref)
        for k, side in enumerate(ref.sides[start:], start=start + 1):
            if side is None:
                continue
            try:
                problem = close(evaluate(side), target)
            except NoValue:
                continue
            except ShapeMismatch as exc:
                problem = str(exc)
            judged.add(k)
            if problem:
                return "mismatch", f"side {start} at random point {point + 1}", (
                    f"side {k} differs from side {start} (derivgen's arrays) at random point "
                    f"{point + 1} (batch of {n}): {problem}")
    if not judged:
        raise UnsupportedError("no side of this matrix formula names an array to compare")
    skipped = [k for k in range(start + 1, len(ref.sides) + 1) if k not in judged]
    note = (f"; sides {skipped} name no array (a Jacobian, a power of a vector) and are "
            "not judged") if skipped else ""
    head = f"; side 1 names no array, the others are compared with side {start}" \
        if start > 1 else ""
    return "ok", str(ref.sides[start - 1]), (f"sides {sorted(judged)} equal derivgen's arrays "
                                             f"at {MATRIX_POINTS} random points{note}{head}")
