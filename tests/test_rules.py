"""Every derivative rule in the table, checked exactly against SymPy's own calculus.

The reference column differentiates a plain SymPy definition of each function
(smooth functions) or states the one-sided derivatives (kinks); a rule added to
the table without a reference here fails ``test_every_rule_has_a_reference``.
"""
from __future__ import annotations

import pytest
import sympy as sp

from derivgen.ops.functions import LeakyRelu, LogSumExp, Relu, Sigmoid, Sign, Softplus, Step
from derivgen.engine.rules import DERIVATIVES, local_diff
from derivgen.errors import UnsupportedError

x, y, a = sp.symbols("x y a", real=True)
alpha = sp.Rational(1, 10)

#: function -> (applied form, plain SymPy definition) for smooth rules
SMOOTH = {
    Sigmoid: (Sigmoid(x), 1 / (1 + sp.exp(-x))),
    sp.tanh: (sp.tanh(x), (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))),
    Softplus: (Softplus(x), sp.log(1 + sp.exp(x))),
    sp.exp: (sp.exp(x), sp.exp(x)),
    sp.log: (sp.log(x), sp.log(x)),
    sp.sin: (sp.sin(x), sp.sin(x)),
    sp.cos: (sp.cos(x), sp.cos(x)),
}

#: function -> (applied form, derivative left of 0, right of 0, value at 0 for at0 = 0 and 1)
KINKS = {
    Relu: (Relu(x), 0, 1, (0, 1)),
    LeakyRelu: (LeakyRelu(x, alpha), alpha, 1, (alpha, 1)),
    sp.Abs: (sp.Abs(x), -1, 1, (0, 1)),
    Step: (Step(x, 0), 0, 0, (0, 0)),
    Sign: (Sign(x, 0), 0, 0, (0, 0)),
}


def _to_plain(expr: sp.Expr) -> sp.Expr:
    """Rewrite derivgen's functions as SymPy's so that simplify can compare."""
    return expr.replace(Sigmoid, lambda u: 1 / (1 + sp.exp(-u))).replace(
        Softplus, lambda u: sp.log(1 + sp.exp(u)))


def test_every_rule_has_a_reference():
    assert set(DERIVATIVES) == set(SMOOTH) | set(KINKS) | {LogSumExp}


@pytest.mark.parametrize("func", list(SMOOTH), ids=lambda f: f.__name__)
def test_smooth_rule_equals_sympy_derivative(func):
    applied, definition = SMOOTH[func]
    derived = _to_plain(local_diff(applied, x))
    assert sp.simplify(derived - sp.diff(definition, x)) == 0


def test_documents_forms_of_the_smooth_rules():
    # seed 001: σ' = σ(1 − σ); seed 004: σ'(a) = e^{-a}/(1 + e^{-a})²; tanh' = 1 − tanh²
    assert local_diff(Sigmoid(x), x) == Sigmoid(x) * (1 - Sigmoid(x))
    assert sp.simplify(_to_plain(local_diff(Sigmoid(a), a))
                       - sp.exp(-a) / (1 + sp.exp(-a)) ** 2) == 0
    assert local_diff(sp.tanh(x), x) == 1 - sp.tanh(x) ** 2


@pytest.mark.parametrize("func", list(KINKS), ids=lambda f: f.__name__)
@pytest.mark.parametrize("at0", [0, 1])
def test_kink_rule_sides_and_convention(func, at0):
    applied, left, right, at_zero = KINKS[func]
    applied = applied.func(x, *applied.args[1:])
    d = local_diff(applied, x, sp.Integer(at0))
    assert d.subs(x, sp.Rational(-3, 7)) == left
    assert d.subs(x, sp.Rational(5, 3)) == right
    assert d.subs(x, 0) == at_zero[at0]
    assert not d.has(sp.Heaviside) and not d.has(sp.DiracDelta)


def test_relu_default_is_zero_at_the_kink_never_one_half():
    d = local_diff(Relu(x), x)
    assert d.subs(x, 0) == 0
    # what sympy.diff would have said, for the record
    assert sp.diff(sp.Max(0, x), x).subs(x, 0) == sp.Rational(1, 2)


def test_logsumexp_rule_is_softmax():
    xs = sp.symbols("s1:4", real=True)
    plain = sp.log(sum(sp.exp(s) for s in xs))
    for s in xs:
        d = local_diff(LogSumExp(*xs), s).replace(LogSumExp, lambda *u: sp.log(sum(map(sp.exp, u))))
        assert sp.simplify(d - sp.diff(plain, s)) == 0


def test_product_quotient_power_and_chain():
    expr = x ** 3 * sp.exp(2 * x) / (1 + x ** 2) + Sigmoid(x * y) ** 2
    assert sp.simplify(_to_plain(local_diff(expr, x)) - sp.diff(_to_plain(expr), x)) == 0
    assert local_diff(x ** y, x) == y * x ** (y - 1)
    assert sp.simplify(local_diff(2 ** x, x) - sp.diff(2 ** x, x)) == 0


def test_missing_rule_is_a_clear_error():
    with pytest.raises(UnsupportedError, match="no derivative rule for erf"):
        local_diff(sp.erf(x), x)


def test_leaky_relu_slope_is_not_a_variable():
    with pytest.raises(UnsupportedError, match="not differentiable"):
        local_diff(LeakyRelu(x, y), y)
