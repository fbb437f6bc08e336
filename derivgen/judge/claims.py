"""Judging the worked numbers of documents: a spec's ``claims:`` section.

Each claim is a formula in the spec's names (``w_2 - eta*dL/dw_2``), evaluated
at the worked example (or, with ``steps: k``, after k gradient steps at the
example's learning rate: the loss after one update) and compared with the printed
number to half a unit of its last printed digit, or to ``tolerance``.  A claim
that cannot be evaluated is that claim's ``error``, never the end of the run.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from derivgen.judge.entries import check_claims as check_claims_section, claim_number
from derivgen.judge.items import expect_of, item
from derivgen.report import ReportItem
from derivgen.errors import DerivgenError, SpecError
from derivgen.spec.fields import Fields, formula
from derivgen.judge.numeric import compile_exprs, concrete, point_values
from derivgen.judge.mapping import N, Mapper

if TYPE_CHECKING:
    from derivgen.model.scalar import Model

#: gradient steps a claim may ask for before it is evaluated
MAX_STEPS = 1000


def _tolerance(value: Any, entry: Fields) -> tuple[float, float, int]:
    """The printed number, the half-unit of its last printed digit, its decimal places."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise entry.error("value", "'value' must be a number as printed, e.g. 0.525") from None
    if not number.is_finite():
        raise entry.error("value", "'value' must be a finite number")
    printed, given = claim_number(number, entry.take("tolerance", float), entry.error)
    exponent = max(int(number.as_tuple().exponent), -300)
    return printed, given if given is not None else 0.5 * 10.0 ** exponent, -exponent


def shown(value: float, printed: float, tol: float, places: int) -> str:
    """The engine's value with enough digits to show how it differs from the printed one:
    two more decimals than printed, and more while the two still look alike."""
    digits = max(places, 0) + 2
    while digits < 17 and f"{value:.{digits}f}".rstrip("0") == f"{printed:.{digits}f}".rstrip(
            "0") and value != printed:
        digits += 1
    return (f"engine {value:.{digits}f} vs printed {printed:.{max(places, 0)}f}: off by "
            f"{abs(value - printed):.3g}, tolerance ±{tol:.3g}")


def stepped(model: "Model", params: dict, x: np.ndarray, y: np.ndarray, rate: float,
            steps: int) -> dict:
    """The parameters after ``steps`` steps of gradient descent on the example."""
    grad = model.gradient_fn()
    for _ in range(steps):
        g = grad(params, x, y)
        params = {k: v - rate * float(g[k]) for k, v in params.items()}
    return params


def check_claims(model: "Model") -> list[ReportItem]:
    """Judge every worked-example number under the spec's ``claims:`` section."""
    raw = model.spec.extra.get("claims")
    if raw is None:
        return []
    source = model.spec.source
    check_claims_section(raw, source)
    example = model.example_arrays()
    if example is None or example[2] is None or len(example[0]) != len(model.parameters):
        raise SpecError("claims are judged at the worked example: give 'example' with x, y "
                        "and every parameter", source)
    params, x, y = example
    rate = float(model.spec.example.learning_rate or 0.0)
    mapper = Mapper(model, {}, {})
    names: dict[str, sp.Expr] = {n: mapper.name(n, None) for n in mapper.by_name}
    names["eta"] = sp.Float(rate)
    # the example's values after each number of steps a claim names, computed once each
    by_steps = {0: point_values(model.graph, params, x, y)}
    items = []
    for i, raw_entry in enumerate(raw):
        entry = Fields(raw_entry, f"claim {i + 1}", source, raw.item_pos[i])
        ident = entry.take("id", str, required=True)
        text = entry.take("of", str, required=True)
        printed, tol, places = _tolerance(entry.take("value", (str, float, int), required=True),
                                          entry)
        steps = entry.take("steps", int, default=0)
        if not 0 <= steps <= MAX_STEPS:
            raise entry.error("steps", f"'steps' is a whole number from 0 to {MAX_STEPS}")
        if steps and not rate:
            raise entry.error("steps", "'steps' needs the example's learning_rate")
        expect, note = expect_of(entry)
        entry.done()
        try:
            if steps not in by_steps:
                by_steps[steps] = point_values(
                    model.graph, stepped(model, params, x, y, rate, steps), x, y)
            data = by_steps[steps]
            value, expr = _evaluate(mapper, names, entry, text, data, x.shape[0])
        except DerivgenError as exc:  # this claim's verdict (a SpecError names file:line:col)
            items.append(item(model, "claim", ident, "error", printed, None,
                              f"claim {ident!r}: {exc}", expect, note))
            continue
        status = "ok" if abs(value - printed) <= tol + 1e-12 else "mismatch"
        after = f" after {steps} step{'s' * (steps > 1)} at rate {rate:g}" if steps else ""
        message = (f"{shown(value, printed, tol, places)}; {text}{after} = "
                   f"{sp.sstr(expr)[:200]}")
        items.append(item(model, "claim", ident, status, printed, value, message,
                          expect, note))
    return items


def _evaluate(mapper: Mapper, names: dict[str, sp.Expr], entry: Fields, text: str,
              data: dict, samples: int) -> tuple[float, sp.Expr]:
    """The value of one claim's formula at ``data`` (the graph's values at a point)."""

    def gradient(of: str, wrt: str) -> sp.Expr:
        return mapper.derivative(sp.Symbol(of), sp.Symbol(wrt))

    expr = formula(entry, "of", text, names, derivative=gradient)
    expr = concrete(expr, N, samples, mapper.sample)
    [value] = compile_exprs([expr])(data)
    return float(np.asarray(value).ravel()[0]), expr
