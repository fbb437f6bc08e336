"""Derivative rules: one table, one line per primitive.

``local_diff`` differentiates the small defining expression of one graph node
with respect to one of its inputs.  It knows Add, Mul and Pow itself and asks
``DERIVATIVES`` for every function; a function without a rule is an
:class:`UnsupportedError`, never a silent ``sympy.diff`` fallback (which would
turn ReLU into Heaviside and give 1/2 at the kink).
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence

import sympy as sp

from derivgen.errors import UnsupportedError
from derivgen.ops.functions import LeakyRelu, LogSumExp, Relu, Sigmoid, Sign, Softplus, Step

#: rule(args, at0) -> one partial per argument (None: not differentiable there).
Rule = Callable[[Sequence[sp.Expr], sp.Expr], Sequence[Optional[sp.Expr]]]

DERIVATIVES: dict[type, Rule] = {
    # ---- smooth activations ----
    Sigmoid:   lambda a, k: (Sigmoid(a[0]) * (1 - Sigmoid(a[0])),),
    sp.tanh:   lambda a, k: (1 - sp.tanh(a[0]) ** 2,),
    Softplus:  lambda a, k: (Sigmoid(a[0]),),
    # ---- elementary functions ----
    sp.exp:    lambda a, k: (sp.exp(a[0]),),
    sp.log:    lambda a, k: (1 / a[0],),
    sp.sin:    lambda a, k: (sp.cos(a[0]),),
    sp.cos:    lambda a, k: (-sp.sin(a[0]),),
    # ---- kinks: k is the spec's value of [x > 0] at x = 0 ----
    Relu:      lambda a, k: (Step(a[0], k),),
    LeakyRelu: lambda a, k: (a[1] + (1 - a[1]) * Step(a[0], k), None),
    sp.Abs:    lambda a, k: (Sign(a[0], k),),
    Step:      lambda a, k: (sp.Integer(0), None),
    Sign:      lambda a, k: (sp.Integer(0), None),
    # ---- reductions kept whole for stable code ----
    LogSumExp: lambda a, k: tuple(sp.exp(x - LogSumExp(*a)) for x in a),
}


def local_diff(expr: sp.Expr, var: sp.Symbol, at0: sp.Expr = sp.Integer(0)) -> sp.Expr:
    """∂expr/∂var for a node's defining expression, using ``DERIVATIVES``.

    ``at0`` is the subgradient convention: the value of [x > 0] at x = 0.
    """
    if expr == var:
        return sp.Integer(1)
    if var not in expr.free_symbols:
        return sp.Integer(0)
    if expr.is_Add:
        return sp.Add(*(local_diff(t, var, at0) for t in expr.args))
    if isinstance(expr, sp.Sum):  # a document's Σ_n: the derivative of a sum is the sum
        return sp.Sum(local_diff(expr.function, var, at0), *expr.limits)
    if expr.is_Mul:
        terms = []
        for i, factor in enumerate(expr.args):
            d = local_diff(factor, var, at0)
            if d != 0:
                terms.append(sp.Mul(*expr.args[:i], d, *expr.args[i + 1:]))
        return sp.Add(*terms)
    if expr.is_Pow:
        base, exponent = expr.args
        d_base = local_diff(base, var, at0)
        if var not in exponent.free_symbols:
            return exponent * base ** (exponent - 1) * d_base
        return expr * (local_diff(exponent, var, at0) * sp.log(base)
                       + exponent * d_base / base)
    rule = DERIVATIVES.get(expr.func)
    if rule is None:
        raise UnsupportedError(f"no derivative rule for {expr.func.__name__}; "
                               f"known: {', '.join(sorted(f.__name__ for f in DERIVATIVES))}")
    partials = rule(expr.args, at0)
    total = []
    for arg, partial in zip(expr.args, partials):
        if var not in arg.free_symbols:
            continue
        if partial is None:
            raise UnsupportedError(f"{expr.func.__name__} is not differentiable in argument {arg}")
        total.append(partial * local_diff(arg, var, at0))
    return sp.Add(*total)
