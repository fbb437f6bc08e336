"""The spec formula parser reads a claim's dA/dB as a derivative (one reader for specs)."""
from __future__ import annotations

import pytest
import sympy as sp

from derivgen.spec.formula import ExprError, parse_formula

NAMES = {k: sp.Symbol(k) for k in ("eta", "w_2", "x", "dose")}


def D(a: str, b: str) -> sp.Expr:
    return sp.Symbol(f"D[{a},{b}]")


@pytest.mark.parametrize("text, expected", [
    ("w_2 - eta*dL/dw_2", NAMES["w_2"] - NAMES["eta"] * D("L", "w_2")),
    ("-dL/dw_2", -D("L", "w_2")),
    ("2*eta*dL/dw_2 + x", 2 * NAMES["eta"] * D("L", "w_2") + NAMES["x"]),
    ("x/dose", NAMES["x"] / NAMES["dose"]),          # a ratio of names stays a ratio
])
def test_claim_derivatives_are_derivatives(text, expected):
    assert parse_formula(text, NAMES, derivative=D) == expected


def test_without_a_derivative_reader_dL_is_an_unknown_name():
    with pytest.raises(ExprError, match="unknown name 'dL'"):
        parse_formula("dL/dw_2", NAMES)
