"""The matrix form's rule table: one vector-Jacobian product per operation, one line each.

``VJPS[type](expr, G)`` answers: if ``G`` is ∂L/∂expr, what does each argument
of ``expr`` receive?  The entrywise derivatives of activations come from the
scalar table :data:`derivgen.engine.rules.DERIVATIVES`, so ReLU'(0) follows the
spec's subgradient here exactly as in scalar form; the losses' gradients come
from their registry records (:mod:`derivgen.ops.losses`).  A type without a
rule is an :class:`UnsupportedError`.  :class:`MatrixRules` walks a node's
equation with these rules for the reverse pass.
"""
from __future__ import annotations

from typing import Callable, Iterator

import sympy as sp
from sympy import (HadamardPower, HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix,
                   Transpose)
from sympy.matrices.expressions.matexpr import MatrixExpr

from derivgen.engine.matgraph import MatGraph
from derivgen.engine.reverse import fold
from derivgen.engine.rules import local_diff
from derivgen.errors import UnsupportedError
from derivgen.ops.losses import loss
from derivgen.ops.matexpr import ENTRY_VARS, BatchLoss, Elementwise, Softmax, Total, apply

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
    grad = loss(expr.kind).matrix_vjp(expr, at0)
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


def adjoint_symbol(node: sp.Basic) -> sp.Basic:
    """∂L/∂node as a symbol of the node's shape (named dL_d<node>)."""
    name = f"dL_d{node}"
    return MatrixSymbol(name, *node.shape) if node.is_Matrix else sp.Symbol(name, real=True)


def _reuse_outputs(expr: sp.Basic, table: dict[sp.Basic, sp.Basic]) -> sp.Basic:
    """σ'(S) = σ(S) ⊙ (1 − σ(S)) becomes H ⊙ (1 − H) when H = σ(S) is a node.

    The derivative of an activation is then read from the forward pass instead of
    being computed again, as hand-written backprop does.
    """
    def rewrite(e: Elementwise) -> sp.Basic:
        if len(e.mats) != 1:
            return e
        (u,), body = e.function.variables, e.function.expr
        for f in body.atoms(sp.Function):
            node = table.get(apply(lambda v, f=f: f.xreplace({u: v}), e.mats[0]))
            if f.has(u) and node is not None:
                v = ENTRY_VARS[1]
                return Elementwise(sp.Lambda((u, v), body.xreplace({f: v})), e.mats[0], node)
        return e
    return expr.replace(lambda e: isinstance(e, Elementwise), rewrite)


class MatrixRules:
    """The matrix form's rules for :func:`derivgen.engine.reverse.reverse_pass`.

    A node's equation is walked with :func:`vjp` from its adjoint down to the
    nodes, parameters and the input it reads; what arrives is folded back into
    node names (softmax(S₂) − Y becomes P − Y), and activation derivatives are
    read from the forward values.
    """

    def __init__(self, graph: MatGraph) -> None:
        self.graph = graph
        self.table = {n.expr: s for s, n in graph.nodes.items()
                      if not isinstance(n.expr, (MatrixSymbol, sp.Symbol))}

    def pullback(self, node: sp.Basic, g: sp.Basic,
                 wanted: frozenset) -> Iterator[tuple[sp.Basic, sp.Basic]]:
        # an explicit stack, not recursion: a 200-layer network must not hit Python's limit
        stack = [(self.graph.nodes[node].expr, g)]
        while stack:
            expr, grad = stack.pop()
            if expr in wanted:
                yield expr, _reuse_outputs(fold(grad, self.table), self.table)
            elif expr.free_symbols & wanted:  # targets, ones and constants receive nothing
                stack.extend(reversed(list(vjp(expr, grad, self.graph.at0))))

    def adjoint_symbol(self, node: sp.Basic) -> sp.Basic:
        return adjoint_symbol(node)

    def total(self, terms: list[sp.Basic]) -> sp.Basic:
        if len(terms) == 1:
            return terms[0]
        return MatAdd(*terms) if terms[0].is_Matrix else sp.Add(*terms)
