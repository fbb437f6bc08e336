"""Judging the worked numbers of documents: a spec's ``claims:`` section.

Each claim is a formula in the spec's names (``w_2 - eta*dL/dw_2``), evaluated
at the worked example and compared with the printed number to half a unit of
its last printed digit.
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


def _tolerance(value: Any, entry: Fields) -> tuple[float, float]:
    """The printed number and the half-unit of its last printed digit."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise entry.error("value", "'value' must be a number as printed, e.g. 0.525") from None
    if not number.is_finite():
        raise entry.error("value", "'value' must be a finite number")
    printed, given = claim_number(number, entry.take("tolerance", float), entry.error)
    exponent = number.as_tuple().exponent
    return printed, given if given is not None else 0.5 * 10.0 ** max(int(exponent), -300)


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
    mapper = Mapper(model, {}, {})
    data = point_values(model.graph, params, x, y)
    items = []
    for i, raw_entry in enumerate(raw):
        entry = Fields(raw_entry, f"claim {i + 1}", source, raw.item_pos[i])
        ident = entry.take("id", str, required=True)
        text = entry.take("of", str, required=True)
        printed, tol = _tolerance(entry.take("value", (str, float, int), required=True), entry)
        expect, note = expect_of(entry)
        entry.done()
        names: dict[str, sp.Expr] = {n: mapper.name(n, None) for n in mapper.by_name}
        names["eta"] = sp.Float(model.spec.example.learning_rate or 0.0)

        def gradient(of: str, wrt: str) -> sp.Expr:
            return mapper.derivative(sp.Symbol(of), sp.Symbol(wrt))

        try:
            expr = formula(entry, "of", text, names, derivative=gradient)
        except DerivgenError as exc:
            raise entry.error("of", f"claim {ident!r}: {exc}") from None
        expr = concrete(expr, N, x.shape[0], mapper.sample)
        [value] = compile_exprs([expr])(data)
        value = float(np.asarray(value).ravel()[0])
        status = "ok" if abs(value - printed) <= tol + 1e-12 else "mismatch"
        message = (f"engine {value:.6g} vs printed {printed:g} (±{tol:g} from its digits); "
                   f"{text} = {sp.sstr(expr)[:200]}")
        items.append(item(model, "claim", ident, status, printed, value, message,
                           expect, note))
    return items
