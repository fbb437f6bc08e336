"""Numbers from formulas: evaluate spec-space expressions, compare two of them.

Expressions here are in the spec's parameters, per-sample data (``x[n]``,
or plain ``x`` for a single sample) and the sample count ``N``.  They are made
concrete (N = 3, sums unrolled), compiled with ``lambdify`` onto the runtime's
stable helpers, and evaluated at many random points at once.
"""
from __future__ import annotations

import functools
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

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


@functools.lru_cache(maxsize=512)
def concrete(expr: sp.Expr, n_symbol: sp.Symbol, samples: int, sample: sp.Symbol | None
             ) -> sp.Expr:
    """Fix N, unroll sums, and pin a free per-sample index to one sample: the second of
    the batch (the first when there is one), so that a formula that names sample 1
    where it means sample n is caught."""
    expr = unroll(expr.xreplace({n_symbol: sp.Integer(samples)}))
    free = [s for s in expr.free_symbols if s.is_integer and s.name == getattr(sample, "name", "")]
    return expr.xreplace({s: sp.Integer(min(2, samples)) for s in free}) if free else expr


def unroll(expr: sp.Basic) -> sp.Basic:
    """Sums with whole-number limits written out term by term (``doit`` would first look
    for a closed form, which is slow and never needed here); others keep ``doit``."""
    if expr.is_Atom or isinstance(expr, (sp.Indexed, sp.IndexedBase)):
        return expr
    if isinstance(expr, sp.Sum):
        body = unroll(expr.function)
        for var, lo, hi in expr.limits:
            # the budget: whole-number limits, at most MAX_TERMS terms (SymPy's symbolic
            # summation of \sum_{n=\theta}^N or of 10^8 terms would not end in time)
            if not (lo.is_Integer and hi.is_Integer and int(hi) - int(lo) + 1 <= MAX_TERMS):
                raise UnsupportedError(f"a sum from {lo} to {hi}: its limits must be whole "
                                       f"numbers at most {MAX_TERMS} apart once N is fixed")
            body = sp.Add(*(body.xreplace({var: sp.Integer(v)})
                            for v in range(int(lo), int(hi) + 1)))
        return body
    args = [unroll(a) for a in expr.args]
    return expr.func(*args) if any(a is not b for a, b in zip(args, expr.args)) else expr


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
    """lambdify several expressions over their shared atoms (symbols and x[i]); the same
    expressions are compiled once (a derived side is compared with many formulas)."""
    return _compiled(tuple(as_expr(e) for e in exprs))


@functools.lru_cache(maxsize=256)
def _compiled(exprs: tuple[sp.Expr, ...]) -> Compiled:
    indexed = {i for e in exprs for i in e.atoms(sp.Indexed)}
    labels = {i.base.label for i in indexed}
    atoms = sorted(indexed | ({s for e in exprs for s in e.free_symbols} - labels), key=str)
    # plain symbols and dummify=False: lambdify skips its own substitution pass (half the time)
    plain = [sp.Symbol(f"_a{i}") for i in range(len(atoms))]
    swap = dict(zip(atoms, plain))
    function = sp.lambdify(plain, [e.xreplace(swap) for e in exprs], modules=_MODULES,
                           dummify=False, printer=_printer(), docstring_limit=0)
    return Compiled(atoms, function)


@functools.lru_cache(maxsize=1)
def _printer() -> NumPyPrinter:
    """lambdify's own printer, but printing sums in the order they are stored: sorting the
    terms of big expressions took most of the compile time."""
    return NumPyPrinter({"fully_qualified_modules": False, "inline": True,
                         "allow_unknown_functions": True, "order": "none",
                         "user_functions": {k: k for k in _MODULES[0]}})


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
            need: int = 50, symbolic: bool = True, positive: Sequence[sp.Expr] = (),
            atol: float = ATOL, rtol: float = RTOL,
            ranges: Callable[[Sequence[sp.Basic]], Mapping] = lambda a: {}) -> Verdict:
    """Numeric comparison at ``need`` or more points off kinks (and where every expression
    of ``positive`` is > 0: a ``when:`` condition), plus simplify when small."""
    # two compilations: the derived side's is reused across the formulas judged against it
    ours = compile_exprs([derived, *kink_arguments(derived)])
    theirs = compile_exprs([reference, *positive, *kink_arguments(reference)])
    atoms = sorted(set(ours.atoms) | set(theirs.atoms), key=str)
    values = {}
    groups, bounds = simplex(atoms), ranges(atoms)  # the same at every draw
    with np.errstate(all="ignore"):
        for _ in range(32 if positive else 8):
            values = draw(atoms, rng, POINTS * 2, groups, bounds)
            der, *our_kinks = [np.broadcast_to(np.asarray(v, dtype=float), (POINTS * 2,))
                               for v in ours(values)]
            ref, *rest = [np.broadcast_to(np.asarray(v, dtype=float), (POINTS * 2,))
                          for v in theirs(values)]
            rest += our_kinks
            ok = np.isfinite(ref) & np.isfinite(der)
            for g in rest[:len(positive)]:
                ok &= g > 0
            for k in rest[len(positive):]:
                ok &= np.abs(k) > KINK_MARGIN
            if ok.sum() >= need:
                break
        else:
            raise UnsupportedError("could not find enough points away from kinks where both "
                                   "sides are finite"
                                   + (" and the 'when' conditions hold" if positive else "")
                                   + " (a model's 'domain:' says where to draw)")
    close = np.abs(ref - der) <= atol + rtol * np.maximum(np.abs(ref), np.abs(der))
    bad = np.flatnonzero(ok & ~close)
    # simplify only backs up an equality the numbers found; it never decides alone
    proof = _symbolic(reference, derived) if symbolic and bad.size == 0 else "not attempted"
    verdict = Verdict(equal=bad.size == 0, points=int(ok.sum()), symbolic=proof)
    if bad.size:
        i = int(bad[0])
        verdict.where = {str(a): float(values[a][i]) for a in atoms}
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
        # raised in whatever runs now; inside a gc callback or __del__ Python swallows it
        # and simplify would run on unbounded, so the alarm rings again until one lands
        signal.setitimer(signal.ITIMER_REAL, 0.05)
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
