"""Matrix-form rules: one vector-Jacobian product per operation, one line each.

``VJPS[type](expr, G)`` answers: if ``G`` is ∂L/∂expr, what does each argument
of ``expr`` receive?  The entrywise derivatives of activations come from the
scalar table :data:`derivgen.rules.DERIVATIVES`, so ReLU'(0) follows the
spec's subgradient here exactly as in scalar form.  A type without a rule is an
:class:`UnsupportedError`.
"""
from __future__ import annotations

from typing import Callable, Iterator, Sequence

import sympy as sp
from sympy import HadamardPower, HadamardProduct, MatAdd, MatMul, OneMatrix, Transpose
from sympy.matrices.expressions.matexpr import MatrixExpr

from derivgen.errors import UnsupportedError
from derivgen.ops.functions import LogSumExp, Sigmoid, Sign, Softplus
from derivgen.ops.matexpr import BatchLoss, Elementwise, Softmax, Total, apply
from derivgen.engine.rules import local_diff

Pair = tuple[sp.Basic, sp.Basic]


def ones(shape) -> OneMatrix:
    return OneMatrix(*shape)


def _split_scalar(m: sp.Basic) -> tuple[sp.Expr, sp.Basic]:
    """(c, A) with m = c·A, so that c·1 can be recognised as a scaled matrix of ones."""
    if isinstance(m, MatMul) and m.args and not m.args[0].is_Matrix:
        return m.args[0], MatMul(*m.args[1:]).doit(deep=False)
    return sp.Integer(1), m


def had(a: MatrixExpr, b: MatrixExpr) -> MatrixExpr:
    """a ⊙ b, with a matrix of ones (times a scalar) reduced to that scalar."""
    ca, ma = _split_scalar(a)
    cb, mb = _split_scalar(b)
    c = ca * cb
    if isinstance(ma, OneMatrix):
        return mb if c == 1 else MatMul(c, mb)
    if isinstance(mb, OneMatrix):
        return ma if c == 1 else MatMul(c, ma)
    return HadamardProduct(a, b)


def _matmul(expr: MatMul, g: MatrixExpr) -> Iterator[Pair]:
    """C = c·A₁⋯A_k: A_i gets (A₁⋯A_{i−1})ᵀ G (A_{i+1}⋯A_k)ᵀ, a scalar c gets Σ(G ⊙ A)."""
    scalars = [a for a in expr.args if not a.is_Matrix]
    mats = [a for a in expr.args if a.is_Matrix]
    coeff = sp.Mul(*scalars)
    for s in scalars:
        rest = sp.Mul(*[t for t in scalars if t is not s])
        yield s, rest * Total(had(g, MatMul(*mats).doit(deep=False)))
    for i, m in enumerate(mats):
        parts = ([Transpose(MatMul(*mats[:i])).doit()] if i else []) + [g] + (
            [Transpose(MatMul(*mats[i + 1:])).doit()] if i + 1 < len(mats) else [])
        grad = MatMul(*parts).doit(deep=False) if len(parts) > 1 else parts[0]
        yield m, grad if coeff == 1 else MatMul(coeff, grad)


def _elementwise(expr: Elementwise, g: MatrixExpr, at0: sp.Expr) -> Iterator[Pair]:
    f = expr.function
    for var, m in zip(f.variables, expr.mats):
        partial = sp.Lambda(f.variables, local_diff(f.expr, var, at0))
        if partial.expr == 0:
            continue
        yield m, had(g, Elementwise(partial, *expr.mats))


def _softmax(expr: Softmax, g: MatrixExpr) -> Iterator[Pair]:
    """∂/∂S of P = softmax(S): P ⊙ (G − ((G ⊙ P) summed along the class axis))."""
    p, (rows, cols) = expr, expr.shape
    if expr.axis == 1:
        spread = MatMul(had(g, p), OneMatrix(cols, 1), OneMatrix(1, cols))
    else:
        spread = MatMul(OneMatrix(rows, 1), OneMatrix(1, rows), had(g, p))
    yield expr.arg, had(p, MatAdd(g, MatMul(-1, spread)))


def _loss(expr: BatchLoss, g: sp.Expr, at0: sp.Expr) -> Iterator[Pair]:
    grad = LOSS_VJPS[expr.kind](expr, at0)
    yield expr.z, grad if g == 1 else MatMul(g, grad)


def _scalar_mul(expr: sp.Mul, g: sp.Expr) -> Iterator[Pair]:
    for i, factor in enumerate(expr.args):
        yield factor, g * sp.Mul(*expr.args[:i], *expr.args[i + 1:])


#: rule(expr, G, at0) -> (argument, what it receives) pairs
VJPS: dict[type, Callable[[sp.Basic, sp.Basic, sp.Expr], Iterator[Pair]]] = {
    # ---- linear algebra ----
    MatAdd:          lambda e, g, k: ((a, g) for a in e.args),
    MatMul:          lambda e, g, k: _matmul(e, g),
    Transpose:       lambda e, g, k: iter([(e.arg, Transpose(g).doit(deep=False))]),
    HadamardProduct: lambda e, g, k: ((a, had(g, HadamardProduct(*(e.args[:i] + e.args[i + 1:]))
                                              if len(e.args) > 2 else e.args[1 - i]))
                                      for i, a in enumerate(e.args)),
    HadamardPower:   lambda e, g, k: iter([(e.base, e.exp * had(g, HadamardPower(
                                          e.base, e.exp - 1) if e.exp != 2 else e.base))]),
    # ---- entrywise functions and softmax ----
    Elementwise:     _elementwise,
    Softmax:         lambda e, g, k: _softmax(e, g),
    # ---- scalars: the loss and its terms ----
    Total:           lambda e, g, k: iter([(e.arg, MatMul(g, ones(e.arg.shape))
                                            if g != 1 else ones(e.arg.shape))]),
    BatchLoss:       _loss,
    sp.Add:          lambda e, g, k: ((a, g) for a in e.args),
    sp.Mul:          lambda e, g, k: _scalar_mul(e, g),
}


def vjp(expr: sp.Basic, g: sp.Basic, at0: sp.Expr) -> Iterator[Pair]:
    """The arguments of ``expr`` and the adjoint each receives from ``g``."""
    rule = VJPS.get(type(expr))
    if rule is None:
        raise UnsupportedError(f"no matrix-form rule for {type(expr).__name__}; "
                               f"known: {', '.join(sorted(t.__name__ for t in VJPS))}")
    return rule(expr, g, at0)


# ---- the losses: ∂(loss summed over the batch)/∂Z, then the value of one sample ----
LOSS_VJPS: dict[str, Callable[[BatchLoss, sp.Expr], MatrixExpr]] = {
    "half_sse":      lambda e, k: MatAdd(e.z, MatMul(-1, e.y)),
    "sse":           lambda e, k: MatMul(2, MatAdd(e.z, MatMul(-1, e.y))),
    "mse":           lambda e, k: MatMul(2 / e.classes, MatAdd(e.z, MatMul(-1, e.y))),
    "mae":           lambda e, k: MatMul(1 / e.classes, apply(
                         lambda z, y: Sign(z - y, k), e.z, e.y)),
    "cross_entropy": lambda e, k: MatAdd(Softmax(e.z, e.axis), MatMul(-1, e.y)),
    "bce":           lambda e, k: MatAdd(apply(Sigmoid, e.z),
                                         MatMul(-1, e.y)),
}

Row = Sequence[sp.Expr]
LOSS_ENTRIES: dict[str, Callable[[Row, Row], sp.Expr]] = {
    "half_sse":      lambda z, y: sp.Add(*((a - b) ** 2 for a, b in zip(z, y))) / 2,
    "sse":           lambda z, y: sp.Add(*((a - b) ** 2 for a, b in zip(z, y))),
    "mse":           lambda z, y: sp.Add(*((a - b) ** 2 for a, b in zip(z, y))) / len(z),
    "mae":           lambda z, y: sp.Add(*(sp.Abs(a - b) for a, b in zip(z, y))) / len(z),
    "cross_entropy": lambda z, y: LogSumExp(*z) - sp.Add(*(a * b for a, b in zip(z, y))),
    "bce":           lambda z, y: sp.Add(*(Softplus(a) - a * b for a, b in zip(z, y))),
}
