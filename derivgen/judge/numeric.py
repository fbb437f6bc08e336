"""Numbers from formulas: evaluate spec-space expressions, compare two of them.

Expressions here are in the spec's parameters, per-sample data (``x[n]``,
or plain ``x`` for a single sample) and the sample count ``N``.  They are made
concrete (N = 3, sums unrolled), compiled with ``lambdify`` onto the runtime's
stable helpers, and evaluated at many random points at once.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from derivgen.ops import runtime
from derivgen.errors import UnsupportedError
from derivgen.limits import ops_at_most
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.functions import Sigmoid, Softplus, as_expr
from derivgen.ops.kinks import kink_arguments

SAMPLES = 3
#: terms a document's sum may unroll into once N = SAMPLES (Σ over samples or classes)
MAX_TERMS = 64
POINTS = 64
RTOL, ATOL = 1e-7, 1e-9
KINK_MARGIN = 1e-3
SYMBOLIC_MAX_OPS = 150
SYMBOLIC_SECONDS = 2.0
#: lambdify's names for derivgen's functions: the activations with a stable runtime helper
#: (their registry's NumPy template calls _rt.<name>), then the kinks and log-sum-exp
_MODULES = [{**{op.function.__name__: getattr(runtime, op.name)
                for op in ACTIVATIONS.values() if op.numpy is not None},
             "Step": runtime.step, "Sign": runtime.sign, "LogSumExp": runtime.logsumexp},
            "numpy"]


def concrete(expr: sp.Expr, n_symbol: sp.Symbol, samples: int, sample: sp.Symbol | None
             ) -> sp.Expr:
    """Fix N, unroll sums, and pin a free per-sample index to the first sample."""
    expr = expr.subs(n_symbol, samples)
    for total in expr.atoms(sp.Sum):  # unrolled below: only short sums of whole numbers
        for _, low, high in total.limits:  # (SymPy would try symbolic summation instead)
            if not (low.is_Integer and high.is_Integer and 0 <= high - low + 1 <= MAX_TERMS):
                raise UnsupportedError(f"a sum from {low} to {high} with N = {samples}: its "
                                       f"limits must be whole numbers {MAX_TERMS} apart at most")
    expr = expr.doit()
    free = [s for s in expr.free_symbols if s.is_integer and s.name == getattr(sample, "name", "")]
    return expr.subs({s: 1 for s in free})


@dataclass
class Compiled:
    """A vectorised function of the atoms an expression list uses."""

    atoms: list[sp.Basic]
    function: Callable

    def __call__(self, values: Mapping[sp.Basic, np.ndarray]) -> list[np.ndarray]:
        missing = [a for a in self.atoms if a not in values]
        if missing:
            raise UnsupportedError("no value for " + ", ".join(map(str, missing)))
        return self.function(*(values[a] for a in self.atoms))


def compile_exprs(exprs: Sequence[sp.Expr]) -> Compiled:
    """lambdify several expressions over their shared atoms (symbols and x[i])."""
    exprs = [as_expr(e) for e in exprs]
    indexed = {i for e in exprs for i in e.atoms(sp.Indexed)}
    labels = {i.base.label for i in indexed}
    atoms = sorted(indexed | ({s for e in exprs for s in e.free_symbols} - labels), key=str)
    # plain symbols and dummify=False: lambdify skips its own substitution pass (half the time)
    plain = [sp.Symbol(f"_a{i}") for i in range(len(atoms))]
    swap = dict(zip(atoms, plain))
    function = sp.lambdify(plain, [e.xreplace(swap) for e in exprs], modules=_MODULES,
                           dummify=False)
    return Compiled(atoms, function)


def draw(atoms: Sequence[sp.Basic], rng: np.random.Generator, points: int,
         simplex: Sequence[Sequence[sp.Basic]] = (),
         ranges: Mapping[sp.Basic, tuple[float, float]] | None = None
         ) -> dict[sp.Basic, np.ndarray]:
    """Random values for every atom: standard normal, uniform in its ``ranges`` entry (a
    model's ``domain:``), or, per group, a row on the simplex."""
    ranges = ranges or {}
    values = {a: rng.uniform(*ranges[a], size=points) if a in ranges else rng.normal(size=points)
              for a in atoms}
    for group in simplex:
        weights = rng.dirichlet(np.ones(len(group)), size=points)
        values.update({a: weights[:, i] for i, a in enumerate(group)})
    return values


@dataclass
class Verdict:
    """Outcome of comparing a reference with the derived expression."""

    equal: bool
    points: int
    symbolic: str
    where: dict[str, float] | None = None
    reference_value: float | None = None
    derived_value: float | None = None

    def difference(self) -> str:
        """Where the two differ, with both values; empty when they agree."""
        if self.equal:
            return ""
        point = ", ".join(f"{a}={v:.4g}" for a, v in sorted(self.where.items()))
        return (f"at {point} the formula gives {self.reference_value:.10g}, "
                f"derivgen {self.derived_value:.10g}")


def compare(reference: sp.Expr, derived: sp.Expr, rng: np.random.Generator,
            simplex: Callable[[Sequence[sp.Basic]], Sequence[Sequence[sp.Basic]]] = lambda a: (),
            need: int = 50, symbolic: bool = True,
            ranges: Callable[[Sequence[sp.Basic]], Mapping] = lambda a: {}) -> Verdict:
    """Numeric comparison at ``need`` or more points off kinks, plus simplify when small."""
    kinks = kink_arguments(reference) + kink_arguments(derived)
    compiled = compile_exprs([reference, derived, *kinks])
    values = {}
    with np.errstate(all="ignore"):
        for _ in range(8):
            values = draw(compiled.atoms, rng, POINTS * 2, simplex(compiled.atoms),
                          ranges(compiled.atoms))
            ref, der, *kink_values = [np.broadcast_to(np.asarray(v, dtype=float), (POINTS * 2,))
                                      for v in compiled(values)]
            ok = np.isfinite(ref) & np.isfinite(der)
            for k in kink_values:
                ok &= np.abs(k) > KINK_MARGIN
            if ok.sum() >= need:
                break
        else:
            raise UnsupportedError("could not find enough points away from kinks where both "
                                   "sides are finite (a model's 'domain:' says where to draw)")
    close = np.abs(ref - der) <= ATOL + RTOL * np.maximum(np.abs(ref), np.abs(der))
    bad = np.flatnonzero(ok & ~close)
    # simplify only backs up an equality the numbers found; it never decides alone
    proof = _symbolic(reference, derived) if symbolic and bad.size == 0 else "not attempted"
    verdict = Verdict(equal=bad.size == 0, points=int(ok.sum()), symbolic=proof)
    if bad.size:
        i = int(bad[0])
        verdict.where = {str(a): float(values[a][i]) for a in compiled.atoms}
        verdict.reference_value, verdict.derived_value = float(ref[i]), float(der[i])
    return verdict


class _TimeUp(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """Interrupt SymPy after ``seconds`` (main thread only; elsewhere no symbolic step)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                                "SIGALRM"):
        raise _TimeUp

    def ring(signum, frame):
        raise _TimeUp
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _symbolic(reference: sp.Expr, derived: sp.Expr) -> str:
    difference = reference - derived
    if not ops_at_most(difference, SYMBOLIC_MAX_OPS):  # bounded: never counts a huge tree
        return "too large to simplify"
    rewritten = difference.replace(Sigmoid, lambda u: 1 / (1 + sp.exp(-u))).replace(
        Softplus, lambda u: sp.log(1 + sp.exp(u)))
    try:
        with _time_limit(SYMBOLIC_SECONDS):
            zero = sp.simplify(rewritten) == 0
    except _TimeUp:
        return "simplify gave up in time"
    return "simplifies to 0" if zero else "simplify inconclusive"


def point_values(g: Any, params: Mapping[str, float], x: np.ndarray, y: np.ndarray
                 ) -> dict[sp.Basic, np.ndarray]:
    """Values for the atoms of a graph's expressions at one point: every parameter, the
    first sample's data as plain symbols and every sample's as x[1], x[2], …"""
    values: dict[sp.Basic, np.ndarray] = {p: np.array([params[p.name]]) for p in g.params}
    for data, symbols in ((x, g.inputs), (y, g.targets)):
        for col, s in enumerate(symbols):
            values[s] = np.array([data[0, col]])
            for row in range(data.shape[0]):
                values[sp.IndexedBase(s.name)[row + 1]] = np.array([data[row, col]])
    return values
