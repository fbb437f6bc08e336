"""Fuzzing numbers: custom activations written with exp and log, at extreme points.

Hypothesis draws a formula from the patterns people write by hand (log(1 + eᵘ),
1/(1 + e⁻ᵘ), eᵘ/(1 + eᵘ), eᵘ·e⁻ᵘ·u, log σ(u), (eᵘ − e⁻ᵘ)/(eᵘ + e⁻ᵘ), …) nested in
each other and in sums, products and activations.  A 1-1 network uses it as its
activation; at z = w·x + b from −1000 to 1000 the truth — the value F(z), the
slope F'(z) and the gradient ∂L/∂w = F(z)·F'(z) — is computed with mpmath at 60
digits from an independent SymPy form of the same formula.  Wherever the truth
is a finite float64, derivgen's numbers must be finite too, and close to it
(1e-4 relative, 1e-10 absolute for values below 1e-6).
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzzing import Watchdog, count, record

from derivgen import load

X = sp.Symbol("x", real=True)
POINTS = (-1000.0, -200.0, -30.0, -1.5, -0.3, 0.7, 2.0, 30.0, 200.0, 1000.0)
#: a truth this large is no finite float64, and derivgen may say inf
FINITE = 1e300
#: closeness asked besides finiteness: the generated σ(z) is 0.5 + 0.5·tanh(z/2), whose
#: relative error grows in the far negative tail (σ(−30) is 2e-4 off), so tiny values are
#: held to an absolute 1e-10 and the rest to 1e-4 relative
RTOL, TINY = 1e-4, 1e-6

Pair = tuple[str, sp.Expr]  # (formula text for the spec, the same formula for the truth)


def _sig(u: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-u))


def _soft(u: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(u))


#: one argument -> (text, truth)
UNARY = {
    "softplus_by_hand": lambda t, e: (f"log(1 + exp({t}))", _soft(e)),
    "sigmoid_by_hand": lambda t, e: (f"1/(1 + exp(-({t})))", _sig(e)),
    "logistic_ratio": lambda t, e: (f"exp({t})/(1 + exp({t}))", _sig(e)),
    "exp_product": lambda t, e: (f"exp({t})*exp(-({t}))*({t})", e),
    "log_sigmoid": lambda t, e: (f"log(sigmoid({t}))", -_soft(-e)),
    "log_one_minus_sigmoid": lambda t, e: (f"log(1 - sigmoid({t}))", -_soft(e)),
    "tanh_by_hand": lambda t, e: (f"(exp({t}) - exp(-({t})))/(exp({t}) + exp(-({t})))",
                                  sp.tanh(e)),
    "sigmoid_slope_by_hand": lambda t, e: (f"exp({t})/(1 + exp({t}))**2",
                                           _sig(e) * (1 - _sig(e))),
    "sigmoid": lambda t, e: (f"sigmoid({t})", _sig(e)),
    "softplus": lambda t, e: (f"softplus({t})", _soft(e)),
    "tanh": lambda t, e: (f"tanh({t})", sp.tanh(e)),
    "square": lambda t, e: (f"({t})**2", e ** 2),
    "scaled": lambda t, e: (f"0.5*({t}) + 0.25", e / 2 + sp.Rational(1, 4)),
}
#: two arguments -> (text, truth)
BINARY = {
    "sum": lambda a, b: (f"({a[0]}) + ({b[0]})", a[1] + b[1]),
    "product": lambda a, b: (f"({a[0]})*({b[0]})", a[1] * b[1]),
    "logsumexp_by_hand": lambda a, b: (f"log(exp({a[0]}) + exp({b[0]}))",
                                       sp.log(sp.exp(a[1]) + sp.exp(b[1]))),
    "softmax_by_hand": lambda a, b: (f"exp({a[0]})/(exp({a[0]}) + exp({b[0]}))",
                                     sp.exp(a[1]) / (sp.exp(a[1]) + sp.exp(b[1]))),
}
LEAVES = st.sampled_from([("x", X), ("-x", -X), ("2*x", 2 * X), ("x + 1", X + 1),
                          ("0.5*x", X / 2)])


def formulas(depth: int = 3) -> st.SearchStrategy[Pair]:
    return st.recursive(
        LEAVES,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(sorted(UNARY)), inner).map(
                lambda p: UNARY[p[0]](*p[1])),
            st.tuples(st.sampled_from(sorted(BINARY)), inner, inner).map(
                lambda p: BINARY[p[0]](p[1], p[2]))),
        max_leaves=depth + 2)


def truth(expr: sp.Expr, z: float) -> tuple[float, float]:
    """F(z) and F'(z) to 60 digits, as floats (inf when beyond float64)."""
    value = sp.N(expr.subs(X, sp.Float(z, 60)), 60)
    slope = sp.N(sp.diff(expr, X).subs(X, sp.Float(z, 60)), 60)
    return _as_float(value), _as_float(slope)


def _as_float(v: sp.Expr) -> float:
    if not v.is_finite or not v.is_real:
        return math.nan
    mag = abs(v)
    if mag > FINITE:
        return math.copysign(math.inf, float(sp.sign(v)))
    return float(v)


def _close(a: float, t: float) -> bool:
    return abs(a - t) <= RTOL * max(abs(t), TINY)


@settings(max_examples=count(40, 800), deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(formulas())
def test_custom_activation_is_finite_where_the_truth_is(pair: Pair) -> None:
    text, expr = pair
    start = time.process_time()
    with Watchdog() as dog:
        model = load("name: fuzz\nnetwork:\n  inputs: 1\n  layers:\n"
                     f"    - {{units: 1, activation: {{custom: '{text}'}}}}\n"
                     "loss: half_sse\nreduction: single\n")
        gradient = model.gradient_fn()
        checked = 0
        for z in POINTS:
            f, slope = truth(expr, z)
            params = {"w": z, "b": 0.0}
            with np.errstate(all="ignore"):
                value = float(model.values(params, [[1.0]], [[0.0]])["yhat"][0])
                grad = float(gradient(params, [[1.0]], [[0.0]])["w"])
            want = f * slope if math.isfinite(f) and math.isfinite(slope) else math.nan
            if math.isfinite(f):
                assert math.isfinite(value), f"{text} at z={z}: F is {value}, truth {f}"
                assert _close(value, f), f"{text} at z={z}: F {value} vs {f}"
            if math.isfinite(want) and abs(want) < FINITE:
                assert math.isfinite(grad), f"{text} at z={z}: dL/dw is {grad}, truth {want}"
                assert _close(grad, want), f"{text} at z={z}: dL/dw {grad} vs {want}"
                checked += 1
    assert not dog.fired, f"{text}: more than 10 s of CPU"
    record("numeric formula", f"{checked} finite points", time.process_time() - start, text)


@pytest.mark.parametrize("text", ["exp(exp(x))", "exp(-exp(x))", "x*exp(-x)"])
def test_overflow_is_reported_not_hidden(text: str, tmp_path: Path) -> None:
    """Where float64 cannot hold an intermediate, check says "non-finite" (never NaN as a
    number, never a warning on stderr) — or passes, when it can."""
    from support.fuzzing import check_promises, run_case
    spec = ("name: overflow\nnetwork:\n  inputs: 1\n  layers:\n"
            f"    - {{units: 1, activation: {{custom: '{text}'}}}}\n"
            "loss: half_sse\nreduction: single\nexample:\n  x: [800.0]\n  y: [0.0]\n"
            "  params: {w: 1.0, b: 0.0}\n")
    folder = tmp_path / "case"
    folder.mkdir()
    result = run_case(folder, ["check", "--json", "--points", "1", "s.yaml"], {"s.yaml": spec})
    check_promises(result, folder, None, text, json_out=True)
    import json
    statuses = {i["status"] for i in json.loads(result.out)["items"]}
    assert statuses <= {"ok", "non-finite"} and "Warning" not in result.err, (statuses,
                                                                               result.err)
