"""Two formulas of a link compared at random points, for every value of their index
letters, under the prose's condition; an identity in unbound one-letter names is judged
for every value of them, unless a derivative by one of them compares nothing."""
from __future__ import annotations

import itertools
import re

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError, UnsupportedError
from derivgen.judge.audit.correct import in_document_notation
from derivgen.judge.audit.sides import Side, Values, parse_side
from derivgen.judge.audit.stated import INEQUALITY
from derivgen.judge.audit.verdicts import OK, WRONG, Verdict
from derivgen.judge.indices import substitute_indices
from derivgen.judge.mapping import N
from derivgen.judge.numeric import SAMPLES, compare, concrete


#: a name the spec does not bind, as the reader's error message quotes it
_UNBOUND = re.compile(r"uses '([A-Za-z](?:_[a-z0-9])?)'")

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
    free = _free_arguments(part, left)
    saved, part.mapper.free = part.mapper.free, part.mapper.free | free
    try:
        return _compare_all(values, left, right, rng, combos, letters)
    except (DerivgenError, ReferenceParseError) as exc:
        # "d/dW [W x + b] = x" about a generic W, b: an identity for every value of the
        # unbound one-letter names is true wherever they stand; anything else stays unjudged
        unbound = set(_UNBOUND.findall(str(exc)))
        extra: set[str] = set()
        for _ in range(4):
            if not unbound or unbound <= extra:
                raise
            extra |= unbound
            part.mapper.free = saved | free | frozenset(extra)
            try:
                verdict = _compare_all(values, left, right, rng, combos, letters)
            except (DerivgenError, ReferenceParseError) as again:
                unbound = set(_UNBOUND.findall(str(again)))
                continue
            if verdict.verdict != OK or _hollow(left, right, extra):
                raise exc from None
            verdict.message += f"; an identity for every value of {', '.join(sorted(extra))}"
            return verdict
        raise
    finally:
        part.mapper.free = saved


def _hollow(left: Side, right: Side, free: set[str]) -> bool:
    """∂(W_i x + b_i)/∂W_i where the numerator's W_i was read as another name (W of sample
    i): a derivative by a free name its numerator does not use is 0 on both sides, and
    that equality compares nothing."""
    for side in (left, right):
        for f in side.expr.atoms(sp.core.function.AppliedUndef):
            if str(f.func) == "D" and len(f.args) >= 2 and isinstance(f.args[1], sp.Symbol) \
                    and f.args[1].name in free and f.args[1] not in f.args[0].free_symbols:
                return True
    return False


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
    rate = {sp.Symbol("alpha", positive=True): sp.Symbol("eta", positive=True)}
    graph = part.model.graph  # a sample's plain x is the pinned first sample x[1]
    rate.update({d: sp.IndexedBase(d.name)[1] for d in (*graph.inputs, *graph.targets)})
    positive = None  # the prose's condition: read once, at the first combination that maps
    for combo in combos:
        try:
            l_expr = substitute_indices(left.expr, combo) if combo else left.expr
            r_expr = substitute_indices(right.expr, combo) if combo else right.expr
            lm = values.map(Side(l_expr, left.rewritten, False, False))
            rm = values.map(Side(r_expr, right.rewritten, False, False))
        except (DerivgenError, ReferenceParseError) as exc:
            last_error = last_error or exc  # the first value's reason is the telling one
            continue
        lc = concrete(lm, N, SAMPLES, part.mapper.sample).xreplace(rate)
        rc = concrete(rm, N, SAMPLES, part.mapper.sample).xreplace(rate)
        if positive is None:
            positive = _positive(values, part.condition, rate)
        verdict = compare(rc, lc, rng, simplex=part.mapper.simplex, symbolic=False,
                          positive=positive)
        checked += 1
        if not verdict.equal:
            at = f" ({', '.join(f'{k} = {v}' for k, v in combo.items())})" if combo else ""
            correct = _correct(part, lc)
            return Verdict(WRONG, f"differs from derivgen{at}: {verdict.difference()}; "
                           f"correct: {correct}", "formula",
                           sp.sstr(rc)[:300], sp.sstr(lc)[:300], correct=correct)
    if not checked:
        raise last_error or UnsupportedError("nothing to compare")
    label = f" for {', '.join(letters)} in their ranges" if letters else ""
    if part.condition:
        label += f", where {part.condition} (as the prose states)"
    return Verdict(OK, f"equal at random points (N = {SAMPLES}){label}", "formula")


def _correct(part, expr: sp.Expr) -> str:
    """derivgen's formula in the document's names (the spec's where none is bound)."""
    try:
        return in_document_notation(part, expr)[:400]
    except Exception:  # noqa: BLE001 - printing never costs the verdict
        return sp.sstr(expr)[:300]


def _positive(values: Values, text: str | None, rate: dict) -> list[sp.Expr]:
    """The prose's condition (``z > 0``) as an expression that must be positive."""
    if not text:
        return []
    m = INEQUALITY.search(text)
    if m is None:
        return []
    part = values.part
    sides = [values.map(parse_side(part, t, [0] * len(t)))
             for t in (text[:m.start()], text[m.end():])]
    lhs, rhs = (concrete(e, N, SAMPLES, part.mapper.sample).xreplace(rate) for e in sides)
    return [lhs - rhs if m.group().lstrip("\\")[0] in ">g" else rhs - lhs]
