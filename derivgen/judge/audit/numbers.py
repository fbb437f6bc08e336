"""Links with numbers: printed arithmetic, or a quantity at the worked example, within the
tolerance of the printed digits."""
from __future__ import annotations

from typing import Any

import numpy as np

from derivgen.judge.audit.readings import gradient_head
from derivgen.judge.audit.sides import Side, Values, evaluate, rounded, tolerance
from derivgen.judge.audit.verdicts import NOT_JUDGEABLE, OK, WRONG, Verdict

#: the slack on a quantity against printed numbers: rounding carried through earlier steps
CARRIED = 1e-3


def _fmt(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return np.round(value, 10).tolist() if value.size > 1 else round(float(value.ravel()[0]),
                                                                         10)
    if isinstance(value, float):
        return round(value, 10)
    return value


def _text(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.size > 1:
        return "[" + ", ".join(f"{v:.4g}" for v in value.ravel()) + "]"
    return f"{float(np.ravel(value)[0]):.6g}"


def close(a: Any, b: Any, tol: Any, flat: bool) -> tuple[bool, str]:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if flat or a.size == b.size and (a.ndim < 2 or b.ndim < 2 or 1 in a.shape):
        if a.size == b.size:
            a, b, tol = a.ravel(), b.ravel(), np.broadcast_to(np.asarray(tol, dtype=float),
                                                              a.shape).ravel()
    if a.shape != b.shape:
        if a.size == 1 and b.size == 1:
            a, b = a.reshape(()), b.reshape(())
        else:
            return False, f"shape {a.shape} against {b.shape}"
    tol = np.broadcast_to(np.asarray(tol, dtype=float), a.shape) + 1e-9 * (1 + np.abs(b))
    bad = np.abs(a - b) > tol
    if not bad.any():
        return True, ""
    i = np.unravel_index(np.argmax(np.abs(a - b) - tol), a.shape) if a.ndim else ()
    where = f"entry {tuple(int(v) + 1 for v in i)}: " if a.ndim and a.size > 1 else ""
    return False, (f"{where}{float(a[i]):.6g} against {float(b[i]):.6g} "
                   f"(tolerance ±{float(tol[i]):.2g} from the printed digits)")


def judge_numbers(values: Values, left: Side, right: Side) -> Verdict:
    """A link with a number on at least one side, at the worked example."""
    if not values.part.has_example and not (left.numeric and right.numeric):
        return Verdict(NOT_JUDGEABLE, "a number about a quantity needs the worked example: "
                       "give 'example' with x, y and every parameter", "number")
    lv = evaluate(values, left, left.literal_values)
    rv = evaluate(values, right, right.literal_values)
    quantity = not (left.numeric and right.numeric)
    tl, tr = tolerance(values, left, lv, quantity), tolerance(values, right, rv, quantity)
    if np.size(lv) == np.size(rv) and np.shape(lv) != np.shape(rv):  # a row and a column
        lv, rv, tl, tr = (np.ravel(np.asarray(v, dtype=float)) for v in (lv, rv, tl, tr))
    tol = tl + tr
    if quantity and (rounded(left) or rounded(right)):  # rounding carried through
        tol = tol + CARRIED * np.maximum(np.abs(np.asarray(lv, float)),
                                         np.abs(np.asarray(rv, float)))
    same, problem = close(rv, lv, tol, left.flat or right.flat)
    detail = {"left": lv, "right": rv}
    if not same and problem.startswith("shape") and not (gradient_head(values.part, left) or
                                                         gradient_head(values.part, right)):
        return Verdict(NOT_JUDGEABLE, f"{problem} as the matrices are bound: check "
                       "'matrices' in the front matter", "number", detail=detail)
    kind = "number"
    if same:
        return Verdict(OK, "agrees at the worked example" if quantity else
                       "the printed arithmetic holds", kind, _fmt(rv), _fmt(lv), detail=detail)
    what = "the value at the worked example is" if quantity else "the arithmetic gives"
    return Verdict(WRONG, f"{what} {_text(lv)}, the document writes {_text(rv)}: {problem}",
                   kind, _fmt(rv), _fmt(lv), correct=_text(lv), detail=detail)


