"""Judging one scalar reference formula: every side against the engine's value.

The first side names what the others are compared with (a derivative, an updated
parameter, or a value); each later side is mapped into the spec and compared at
random points (:func:`derivgen.judge.numeric.compare`) with N = 3 samples.  A side
with printed decimals, or after ``\\approx``, is a number as people round it: it
agrees within half a unit of its last printed digit plus 10⁻³ relative.  Vectors
([a, b], one-column bmatrix) are compared entry by entry.
"""
from __future__ import annotations

import functools
from typing import Any

import sympy as sp

from derivgen.errors import UnsupportedError
from derivgen.judge.conditions import Conditions, read_conditions
from derivgen.judge.indices import substitute_indices
from derivgen.judge.mapping import N, Mapper
from derivgen.judge.numeric import SAMPLES, compare, concrete
from derivgen.reader.tree import components
from derivgen.verify import domain_ranges

#: the relative part of the tolerance of a side with printed (rounded) numbers
ROUNDED_RTOL = 1e-3


def instantiate(expr: sp.Expr, values: dict[str, Any]) -> sp.Expr:
    """Give ``each`` values: index letters inside names, and names for name letters."""
    names = {k: v for k, v in values.items() if isinstance(v, str)}
    expr = expr.xreplace({s: sp.Symbol(names[s.name]) for s in expr.atoms(sp.Symbol)
                          if s.name in names})
    return substitute_indices(expr, {k: v for k, v in values.items() if isinstance(v, int)})


def tolerance(ref, k: int) -> tuple[float, float] | None:
    """(atol, rtol) for side ``k`` when it holds printed decimals or follows \\approx."""
    places = ref.places[k] if k < len(ref.places) else None
    rounded = k < len(ref.rounded) and ref.rounded[k]
    if places is None and not rounded:
        return None
    return 0.5 * 10.0 ** -(places or 0) * (1 + 1e-9), ROUNDED_RTOL


def judge_scalar(ref, values: dict, mapper: Mapper, lhs_mapper: Mapper, rng,
                 when: Any = None, symbolic: bool = True) -> tuple[str, str, str]:
    """(status, derived formula, message) of one combination of ``each``."""
    sides = [None if s is None else instantiate(s, values) for s in ref.sides]
    if sides[0] is None:
        raise UnsupportedError("the first side of the formula names no value to compare with")
    if len(sides) < 2:
        raise UnsupportedError("nothing to judge: the formula has no '=', \\approx or "
                               "\\leftarrow between two sides")
    vectors = [None if s is None else components(s) for s in sides]
    if any(v is not None for v in vectors):
        return _vectors(ref, sides, vectors, mapper, lhs_mapper, rng, when, symbolic)
    pin = _concrete(mapper)
    conditions = read_conditions(when, mapper, pin) if when else Conditions()
    derived = lhs_mapper.target(sides[0], ref.update, tuple(sides[1:]))
    target = conditions.apply(pin(derived))
    notes = []
    for k, side in enumerate(sides[1:], start=1):
        if side is None:
            notes.append(f"side {k + 1} names no value and is not judged")
            continue
        mapped = conditions.apply(pin(mapper.map(side)))
        tol = tolerance(ref, k)
        used = mapped.atoms(sp.Indexed) | target.atoms(sp.Indexed) if conditions else set()
        verdict = compare(mapped, target, rng, simplex=mapper.simplex, symbolic=symbolic,
                          positive=conditions.constraints(used),
                          ranges=lambda atoms: domain_ranges(mapper.model, atoms),
                          **({"atol": tol[0], "rtol": tol[1]} if tol else {}))
        if not verdict.equal:
            within = f" (tolerance {tol[0]:.3g} + {tol[1]:g} relative)" if tol else ""
            return "mismatch", _text(derived), (
                f"side {k + 1} of the formula differs from the derived value (N = {SAMPLES})"
                f"{within}: {verdict.difference()}; derived formula: {_text(derived)}"
                + (f"; under {', '.join(conditions.texts)}" if conditions.texts else ""))
        notes.append(f"side {k + 1}: equal at {verdict.points} points, {verdict.symbolic}")
    if all(side is None for side in sides[1:]):
        raise UnsupportedError("no side after the first names a value to compare with it")
    if conditions.texts:
        notes.append("under " + ", ".join(conditions.texts))
    return "ok", _text(derived), "; ".join(notes)


#: the derived formula as text, printed once however many formulas are judged against it
_text = functools.lru_cache(maxsize=256)(str)


def _concrete(mapper: Mapper):
    return lambda expr: concrete(expr, N, SAMPLES, mapper.sample)


def _vectors(ref, sides, vectors, mapper, lhs_mapper, rng, when, symbolic
             ) -> tuple[str, str, str]:
    """Sides that are vectors, compared entry by entry."""
    sizes = {len(v) for v, s in zip(vectors, sides) if s is not None and v is not None}
    if any(v is None for v, s in zip(vectors, sides) if s is not None) or len(sizes) != 1:
        raise UnsupportedError("a vector side is compared only with vectors of the same length; "
                               "write every side as a vector, or judge it with form: matrix")
    derived, notes = [], []
    for i in range(sizes.pop()):
        entry = ref.__class__(wrt=None, of=None, expr=vectors[-1][i],
                              sides=tuple(None if v is None else v[i] for v in vectors),
                              assign=ref.assign, relations=ref.relations,
                              rounded=ref.rounded, places=ref.places)
        status, value, message = judge_scalar(entry, {}, mapper, lhs_mapper, rng, when,
                                              symbolic)
        derived.append(value)
        if status != "ok":
            return status, f"[{', '.join(derived)}]", f"entry {i + 1}: {message}"
        notes.append(f"entry {i + 1}: {message}")
    return "ok", f"[{', '.join(derived)}]", "; ".join(notes)
