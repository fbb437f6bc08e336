"""Root causes: a worked number that is wrong only because an earlier line was.

Decided by re-evaluating the line, in reading order:

1. with the numbers it copies from earlier wrong results replaced by their true
   values (seed 001 prints z₂ ≈ 0.456 and then computes σ(0.456)): when the line then
   agrees, the error started where those numbers were printed;
2. with the document's own printed values of the quantities it names
   (E_total = E_o1 + E_o2 ≈ 0.2332 from a wrong E_o2): when it then agrees, likewise;
3. with the document's own earlier formula for its quantity (dL/db_1 written without
   dh/dz, then 0.709·1.2·1): when the numbers follow that wrong formula, the error
   started at the formula.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError
from derivgen.judge.audit.judge import OK, WRONG
from derivgen.judge.audit.sides import Side, Values, evaluate, parse_side, tolerance


def _key(text: str) -> str:
    return re.sub(r"\s+|\\[,;!]|\\left|\\right|[{}]", "", text)


def _abs_text(text: str) -> str:
    return text.lstrip("-")


class _Registry:
    def __init__(self) -> None:
        #: printed number -> (true value, root line), from chains that went wrong
        self.numbers: dict[str, tuple[float, int]] = {}
        #: printed value of a named quantity -> (document value, root line)
        self.quantities: dict[str, tuple[float, int]] = {}
        #: wrong formulas: key of their left side -> (item, root line)
        self.formulas: dict[str, tuple[Any, int]] = {}


def _head_value(item) -> float | None:
    link, part = item.link, item.part
    if link.head is None or part is None:
        return None
    try:
        side = parse_side(part, link.head.text, list(link.head.offsets))
        if side.numeric or side.literals:
            return None
        value = evaluate(Values(part), side, {})
    except (DerivgenError, ValueError, TypeError, ArithmeticError, AttributeError, KeyError):
        return None
    return value


def root_causes(items: list) -> None:
    """Set ``root_cause_line`` on wrong items that inherit an earlier error."""
    reg = _Registry()
    chains: dict[int, list] = {}
    for item in items:
        if item.link is None:
            continue
        chains.setdefault(item.link.chain, []).append(item)
        try:  # a root cause refines one item's report; it never loses the others'
            if item.verdict == OK and item.kind == "number" and item.part is not None:
                _by_accident(item, reg)
            if item.verdict == WRONG and item.part is not None and item.kind == "number":
                item.root_cause_line = _explain(item, reg)
        except (DerivgenError, ValueError, TypeError, ArithmeticError, AttributeError,
                KeyError, IndexError):
            pass
        if item.verdict == WRONG and item.part is not None:
            if item.kind == "formula" and item.link.left.text:
                reg.formulas[_key(item.link.left.text)] = (item, item.line)
                if item.link.head is not None:
                    reg.formulas.setdefault(_key(item.link.head.text), (item, item.line))
        try:
            _register(chains[item.link.chain], reg)
        except (DerivgenError, ValueError, TypeError, ArithmeticError, AttributeError,
                KeyError, IndexError):
            pass


def _root(item) -> int:
    return item.root_cause_line or item.line


def _register(chain: list, reg: _Registry) -> None:
    """After each link: a chain whose last side is a printed number (or an array of them)
    records it, with the true value of the chain's first side when the chain went wrong."""
    last = chain[-1]
    right = last.detail.get("right_side")
    if right is None:
        return
    entries = _printed_entries(right)
    if not entries:
        return
    wrong = [i for i in chain if i.verdict == WRONG]
    head = chain[0].link.head
    if len(entries) == 1 and head is not None and "frac" not in head.text and \
            re.fullmatch(r"[\\A-Za-z{}_^0-9()+ ]+", head.text):
        lit, sign = entries[0]
        reg.quantities[_key(head.text)] = (sign * lit.value, _root(wrong[0]) if wrong else 0)
    if not wrong:
        for lit, _ in entries:
            reg.numbers.pop(_abs_text(lit.text), None)
        return
    true = _head_value(last)
    if true is None or np.size(true) != len(entries):
        return
    for (lit, sign), value in zip(entries, np.ravel(np.asarray(true, dtype=float))):
        if abs(sign * value - lit.value) > 1e-12:  # only numbers that are off
            # the printed digits stand for |value| with the printed sign: a later line that
            # copies them keeps its own sign in front
            reg.numbers[_abs_text(lit.text)] = (sign * float(value), _root(wrong[0]))


def _printed_entries(side: Side) -> list:
    """The printed numbers of a side that is one number or an array of numbers, in
    row-major order (an entry that is an integer has no literal and ends the list)."""
    if side.single_literal():
        return [(next(iter(side.literals.values())),
                 -1.0 if side.expr.could_extract_minus_sign() else 1.0)]
    expr = side.expr
    if not (isinstance(expr, sp.core.function.AppliedUndef) and str(expr.func) == "bmatrix"):
        return []
    out = []
    for row in expr.args[0]:
        for entry in row:
            sign = -1.0 if entry.could_extract_minus_sign() else 1.0
            entry = -entry if sign < 0 else entry
            if not (isinstance(entry, sp.Symbol) and entry.name in side.literals):
                return []
            out.append((side.literals[entry.name], sign))
    return out


def _explain(item, reg: _Registry) -> int | None:
    left, right = item.detail.get("left_side"), item.detail.get("right_side")
    if left is None or right is None:
        return None
    values = Values(item.part)
    # 1. copied numbers replaced by their true values
    roots, fixed = [], {}
    for side in (left, right):
        lits = side.literal_values
        for k, lit in ({} if side.single_literal() else side.literals).items():
            if _abs_text(lit.text) in reg.numbers:
                true, root = reg.numbers[_abs_text(lit.text)]
                lits[k] = true  # printed numbers carry no sign: the minus stands apart
                roots.append(root)
        fixed[id(side)] = lits
    if roots and _agrees(values, left, right, fixed[id(left)], fixed[id(right)]):
        return min(roots)
    # 2. the document's printed values of the quantities it names
    for side, other in ((left, right), (right, left)):
        if side.numeric:
            continue
        swap, roots = {}, []
        for s in side.expr.free_symbols:
            for key, (value, root) in reg.quantities.items():
                if root and _key(_shown(item, s)) == key:
                    swap[s] = sp.Float(value)
                    roots.append(root)
        if roots:
            moved = Side(side.expr.xreplace(swap), side.rewritten, side.matrix, side.flat)
            pair = (moved, other) if side is left else (other, moved)
            if _agrees(values, *pair, pair[0].literal_values,
                       pair[1].literal_values):
                return min(roots)
    # 3. the document's own earlier (wrong) formula for the quantity
    head = item.link.head
    for text in {item.link.left.text, head.text if head is not None else ""}:
        found = reg.formulas.get(_key(text))
        if not found or found[0] is item:
            continue
        formula, root = found
        form_side = formula.detail.get("right_side")
        if form_side is None:
            continue
        numeric = right if right.numeric or right.literals else left
        if _agrees(values, form_side, numeric, {}, numeric.literal_values):
            return root
    return None


def _shown(item, symbol: sp.Basic) -> str:
    """The document's spelling of a symbol of a parsed side (for matching names)."""
    name = getattr(symbol, "name", "")
    shown = item.part.shown.get(name) if item.part is not None else None
    if shown:
        return shown
    head, sep, sub = name.partition("_")
    return f"{head}_{{{sub}}}" if sep else name


def _agrees(values: Values, left: Side, right: Side, lv: dict, rv: dict) -> bool:
    try:
        a = evaluate(values, left, lv)
        b = evaluate(values, right, rv)
    except (DerivgenError, ValueError, TypeError, ArithmeticError, AttributeError, KeyError):
        return False
    ta = np.ravel(np.asarray(tolerance(values, left, a), dtype=float))
    tb = np.ravel(np.asarray(tolerance(values, right, b), dtype=float))
    a, b = np.ravel(np.asarray(a, float)), np.ravel(np.asarray(b, float))
    if a.shape != b.shape:
        return False
    ta = ta if ta.size == a.size else np.full(a.shape, ta.max() if ta.size else 0.0)
    tb = tb if tb.size == b.size else np.full(b.shape, tb.max() if tb.size else 0.0)
    tol = ta + tb + 1e-3 * np.maximum(np.abs(a), np.abs(b)) + 1e-9
    return bool(np.all(np.abs(a - b) <= tol))


def _by_accident(item, reg: _Registry) -> None:
    """A quantity that agrees with printed numbers only through a wrong number copied from
    an earlier line (seed 001: w_11 = 0.2 - 0.1 (-0.0043) 1.5 uses the wrong dL/dw_11 and an
    extra factor x that happens to repair it) is wrong: with the true value it disagrees."""
    left, right = item.detail.get("left_side"), item.detail.get("right_side")
    if left is None or right is None or left.numeric == right.numeric:
        return
    numbers = right if right.numeric else left
    lits = numbers.literal_values
    used = []
    for k, lit in numbers.literals.items():
        if _abs_text(lit.text) in reg.numbers:
            true, root = reg.numbers[_abs_text(lit.text)]
            lits[k] = true
            used.append((lit.text, root))
    if not used or numbers.single_literal():
        return
    values = Values(item.part)
    other = left if numbers is right else right
    empty = other.literal_values
    pair = (other, numbers) if numbers is right else (numbers, other)
    lv, rv = (empty, lits) if numbers is right else (lits, empty)
    if _agrees(values, pair[0], pair[1], lv, rv):
        return
    try:
        redone = evaluate(values, numbers, lits)
    except (DerivgenError, ValueError, TypeError, ArithmeticError):
        return
    item.verdict = WRONG
    names = ", ".join(f"{t} (wrong since line {r})" for t, r in used)
    item.message = (f"agrees only through {names}: with derivgen's value the same arithmetic "
                    f"gives {float(np.ravel(redone)[0]):.6g}, not {item.derived_value}")
