"""One link, one verdict: ok, wrong, not understood or not judgeable.

* Both sides are numbers: the printed arithmetic, within the tolerance of the
  printed digits.
* A number and a quantity: the quantity at the worked example (the engine's value)
  against the number.
* Two formulas: compared at random points (N = 3 samples), as ``derivgen check`` does;
  index letters (k in h_k) take every value their names allow.
* An update (``←``, ``:=``, ``w^{+}``) stands for θ − η ∂L/∂θ; a definition of a name
  the document introduces is registered and is ``ok``.
"""
from __future__ import annotations

import itertools
import re

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError, UnsupportedError
from derivgen.judge.arrays import ShapeMismatch
from derivgen.judge.audit.layers import judge_layers
from derivgen.judge.audit.numbers import judge_numbers
from derivgen.judge.audit.sides import Side, Values, parse_side
from derivgen.judge.audit.verdicts import (NOT_JUDGEABLE, NOT_UNDERSTOOD, OK, WRONG,
                                           Verdict)
from derivgen.judge.indices import substitute_indices
from derivgen.judge.mapping import N
from derivgen.judge.numeric import compare, concrete
from derivgen.judge.audit.readings import (_kink_convention, _update_shape, gradient_head,
                                           stated_for)

__all__ = ["NOT_JUDGEABLE", "NOT_UNDERSTOOD", "OK", "WRONG", "Verdict", "judge_link",
           "judge_numbers"]


def _letters(part, expr: sp.Expr, sample: str) -> set[str]:
    """Index letters inside names the spec does not know: k in h_k, i and j in w_{2ij}."""
    out: set[str] = set()
    names = {s.base.label.name if isinstance(s, sp.Indexed) else getattr(s, "name", "")
             for s in expr.free_symbols}
    for f in expr.atoms(sp.core.function.AppliedUndef):
        if str(f.func) == "D":
            names |= {getattr(a, "name", "") for a in f.args[:2]}
    for name in names:
        head, sep, sub = name.removesuffix("_prime").partition("_")
        if not sep or len(sub) > 3 or sub.startswith("smpl") or "upd" in sub:
            continue
        letters = {ch for ch in sub if ch.isalpha() and ch.islower() and ch != sample}
        if not letters or name in part.mapper.by_name or \
                name in part.mapper.where_text and not re.fullmatch(r"[A-Za-z]+_[a-z]", name):
            continue
        out |= letters
    return out


def judge_formulas(values: Values, left: Side, right: Side, rng: np.random.Generator,
                   ranges: dict[str, tuple[int, ...]], unequal: tuple = ()) -> Verdict:
    """Two formulas, compared at random points for every value of their index letters."""
    part = values.part
    sample = part.mapper.sample.name
    bound = {str(v) for e in (left.expr, right.expr) for f in e.atoms(sp.Sum)
             for v, *_ in f.limits}
    letters = sorted((_letters(part, left.expr, sample) | _letters(part, right.expr, sample))
                     - bound)
    combos: list[dict[str, int]] = [{}]
    if letters:
        options = [ranges.get(ch, tuple(range(1, 10))) for ch in letters]
        combos = [dict(zip(letters, c)) for c in itertools.product(*options)
                  if all(dict(zip(letters, c)).get(a) != dict(zip(letters, c)).get(b)
                         for a, b in unequal)][:200]
    checked, last_error = 0, None
    free = _free_arguments(part, left)
    saved, part.mapper.free = part.mapper.free, part.mapper.free | free
    try:
        return _compare_all(values, left, right, rng, combos, letters)
    except (DerivgenError, ReferenceParseError) as exc:
        # "d/dW [W x + b] = x" about a generic W, b: an identity for every value of the
        # unbound one-letter names is true wherever they stand; anything else stays unjudged
        unbound = set(re.findall(r"uses '([A-Za-z](?:_[a-z])?)'", str(exc)))
        extra: set[str] = set()
        for _ in range(4):
            if not unbound or unbound <= extra:
                raise
            extra |= unbound
            part.mapper.free = saved | free | frozenset(extra)
            try:
                verdict = _compare_all(values, left, right, rng, combos, letters)
            except (DerivgenError, ReferenceParseError) as again:
                unbound = set(re.findall(r"uses '([A-Za-z](?:_[a-z])?)'", str(again)))
                continue
            if verdict.verdict != OK:
                raise exc from None
            verdict.message += f"; an identity for every value of {', '.join(sorted(extra))}"
            return verdict
        raise
    finally:
        part.mapper.free = saved


def _free_arguments(part, left: Side) -> frozenset[str]:
    """``ReLU(z) = max(0, z)``: the one-letter argument of a function on the left, which the
    spec does not bind, stands for any real number."""
    out = set()
    for f in left.expr.atoms(sp.core.function.AppliedUndef):
        if str(f.func) != "D" and len(f.args) == 1 and isinstance(f.args[0], sp.Symbol):
            name = f.args[0].name
            if len(name) == 1 and name not in part.mapper.by_name and \
                    name not in part.mapper.where_text:
                out.add(name)
    return frozenset(out)


def _compare_all(values: Values, left: Side, right: Side, rng, combos, letters) -> Verdict:
    part = values.part
    checked, last_error = 0, None
    for combo in combos:
        try:
            l_expr = substitute_indices(left.expr, combo) if combo else left.expr
            r_expr = substitute_indices(right.expr, combo) if combo else right.expr
            lm = values.map(Side(l_expr, left.rewritten, False, False))
            rm = values.map(Side(r_expr, right.rewritten, False, False))
        except (DerivgenError, ReferenceParseError) as exc:
            last_error = last_error or exc  # the first value's reason is the telling one
            continue
        rate = {sp.Symbol("alpha", positive=True): sp.Symbol("eta", positive=True)}
        graph = part.model.graph  # a sample's plain x is the pinned first sample x[1]
        rate.update({d: sp.IndexedBase(d.name)[1] for d in (*graph.inputs, *graph.targets)})
        lc = concrete(lm, N, 3, part.mapper.sample).xreplace(rate)
        rc = concrete(rm, N, 3, part.mapper.sample).xreplace(rate)
        verdict = compare(rc, lc, rng, simplex=lambda a: _simplex(part, a), symbolic=False)
        checked += 1
        if not verdict.equal:
            at = f" ({', '.join(f'{k} = {v}' for k, v in combo.items())})" if combo else ""
            return Verdict(WRONG, f"differs from derivgen{at}: {verdict.difference()}; "
                           f"derivgen's formula: {sp.sstr(lc)[:300]}", "formula",
                           sp.sstr(rc)[:300], sp.sstr(lc)[:300], correct=sp.sstr(lc)[:300])
    if not checked:
        raise last_error or UnsupportedError("nothing to compare")
    label = f" for {', '.join(letters)} in their ranges" if letters else ""
    return Verdict(OK, f"equal at random points (N = 3){label}", "formula")


def _simplex(part, atoms) -> list:
    """Targets of a sample drawn on the simplex together: a group that holds only y_1 of a
    3-class sample gets y_2, y_3 as well (unused), or y_1 would always be 1."""
    groups = part.mapper.simplex(atoms)
    targets = [t.name for t in part.model.graph.targets]
    out = []
    for group in groups:
        index = group[0].indices if isinstance(group[0], sp.Indexed) else None
        full = [sp.IndexedBase(t)[index] if index is not None else sp.Symbol(t)
                for t in targets]
        out.append(list(group) + [a for a in full if a not in group])
    return out


def judge_matrices(values: Values, left: Side, right: Side, rng, assign: bool = False
                   ) -> Verdict:
    """Matrix formulas without numbers: the arrays judge at random points."""
    from derivgen.judge.array_judge import judge_matrix
    from derivgen.reader.latex import Reference
    part = values.part
    ref = Reference(wrt=None, of=None, expr=right.expr, sides=(left.expr, right.expr),
                    assign=assign)
    status, derived, message = judge_matrix(ref, part.mapper, part.matrices, rng)
    if status != "ok" and ("shapes do not fit" in message or "shape (" in message) and \
            not (gradient_head(part, left) or gradient_head(part, right)):
        return Verdict(NOT_JUDGEABLE, message + " (as the matrices are bound)", "formula")
    return Verdict(OK if status == "ok" else WRONG, message, "formula", derived_value=derived)


def judge_link(part, left_text: tuple[str, list[int]], relation: str,
               right_text: tuple[str, list[int]], rng, ranges, context: str = "",
               head: str = "") -> Verdict:
    """The verdict of one link, with its parsed sides under ``detail``; ``head`` is the
    chain's first side, whose ``(X)_{c \\neq j}`` holds for every link."""
    def one(left_text: str, right_text: str) -> Verdict:
        return _judge_link(part, (left_text, offsets(left_text, left)), relation,
                           (right_text, offsets(right_text, right)), rng, ranges, unequal)[0]

    def offsets(text: str, original: tuple[str, list[int]]) -> list[int]:
        return original[1] if len(text) == len(original[1]) else \
            [original[1][0] if original[1] else 0] * len(text)

    left, right = left_text, right_text
    unequal = tuple(re.findall(r"\\right\s*\)\s*_\s*\{\s*([a-z])\s*\\neq?\s*([a-z])\s*\}", head))
    layered = judge_layers(part, left_text[0], right_text[0], one)
    if layered is not None and layered.verdict in (OK, WRONG):
        return layered
    verdict, left, right = _judge_link(part, left_text, relation, right_text, rng, ranges,
                                       unequal)
    if left is not None and right is not None and verdict.verdict == WRONG:
        reason = stated_for(part, [left, right], context)
        if reason:
            verdict = Verdict(NOT_JUDGEABLE, reason, verdict.kind)
    verdict.detail["left_side"], verdict.detail["right_side"] = left, right
    return verdict


def _judge_link(part, left_text: tuple[str, list[int]], relation: str,
                right_text: tuple[str, list[int]], rng, ranges, unequal=()) -> tuple[Verdict, Side | None,
                                                                   Side | None]:
    """The verdict of one link; never raises for the document's content."""
    values = Values(part)
    try:
        left = parse_side(part, *left_text)
        right = parse_side(part, *right_text)
    except ReferenceParseError as exc:
        return Verdict(NOT_UNDERSTOOD, f"cannot read: {exc.message}", detail={
            "column": exc.column}), None, None
    except DerivgenError as exc:
        return Verdict(NOT_UNDERSTOOD, f"cannot read: {exc}"), None, None
    entry = left.expr if str(getattr(left.expr, "func", "")) == "entry" else None
    target = entry.args[0] if entry is not None else left.expr
    if relation in ("←", ":=") and left.matrix and isinstance(target, sp.Symbol):
        step = target - sp.Symbol("eta") * sp.Function("D")(sp.Symbol("L"), target)
        if entry is not None:
            step = entry.func(step, *entry.args[1:])
        left = Side(step, left.rewritten, True, left.flat)  # the array after one step
    elif relation in ("←", ":=") and _plain_name(left.expr) or _update_shape(part, left, right):
        left = Side(sp.Symbol(left.expr.name + "_upd"), left.rewritten, left.matrix, left.flat) \
            if not left.matrix else left
    try:
        if left.matrix or right.matrix:
            if left.numeric or right.numeric or left.literals or right.literals:
                return judge_numbers(values, left, right, relation == "←"), left, right
            if left.flat or right.flat or part.has_example:  # at the document's own batch
                return judge_numbers(values, left, right, False), left, right
            return judge_matrices(values, left, right, rng, relation in ("←", ":=")), left, right
        constant_of_name = (left.numeric and isinstance(right.expr, sp.Symbol) or
                            right.numeric and isinstance(left.expr, sp.Symbol) or
                            any("smpl" in n for n in left.names() | right.names()))
        if left.numeric and right.numeric or left.literals or right.literals or \
                constant_of_name:
            verdict = judge_numbers(values, left, right, relation == "←")
            if verdict.verdict == WRONG and _kink_convention(left, right):
                verdict = Verdict(OK, "a value at the kink is a convention (derivgen's "
                                  "subgradient: 0 by default, 1 can be selected)", "number")
            return verdict, left, right
        return judge_formulas(values, left, right, rng, ranges, unequal), left, right
    except ShapeMismatch as exc:  # the document's shapes or the front matter's bindings
        if gradient_head(part, left) or gradient_head(part, right):
            return Verdict(WRONG, f"the formula cannot be formed from the arrays it names "
                           f"({exc}), while {left.rewritten.text[:60]} is a gradient of "
                           "known shape", "formula"), left, right
        return Verdict(NOT_JUDGEABLE, f"{exc} as the matrices are bound: check 'matrices' "
                       "in the front matter", "formula"), left, right
    except (DerivgenError, ReferenceParseError) as exc:
        return Verdict(NOT_JUDGEABLE, _unbound(str(exc))), left, right
    except (ValueError, TypeError, ArithmeticError, AttributeError, KeyError,
            IndexError, RecursionError, NotImplementedError) as exc:
        return Verdict(NOT_JUDGEABLE, f"cannot evaluate: {type(exc).__name__}: "
                       f"{str(exc)[:200]}"), left, right


def _plain_name(expr: sp.Expr) -> bool:
    return isinstance(expr, sp.Symbol)


def _unbound(message: str) -> str:
    m = re.search(r"uses '([^']+)', which is not a name of the spec", message)
    if m:
        return f"{m.group(1)!r} is unbound: bind it under reference.where in the front matter"
    return message
