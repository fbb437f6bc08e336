"""The scalar form's rule table: one line per primitive, and its pullback.

``local_diff`` differentiates the small defining expression of one graph node
with respect to one of its inputs.  It knows Add, Mul and Pow itself and asks
``DERIVATIVES`` for every function; a function without a rule is an
:class:`UnsupportedError`, never a silent ``sympy.diff`` fallback (which would
turn ReLU into Heaviside and give 1/2 at the kink).  The activations' rules
come from their registry (:mod:`derivgen.ops.activations`); the elementary
functions and kinks are listed here.
"""
from __future__ import annotations

from typing import Iterator

import sympy as sp

from derivgen.engine.graph import Graph, sym
from derivgen.engine.reverse import fold
from derivgen.errors import UnsupportedError
from derivgen.ops.activations import ACTIVATIONS, Rule
from derivgen.ops.functions import LogSumExp, Sign, Step

DERIVATIVES: dict[type, Rule] = {
    # ---- activations: their registry records ----
    **{op.function: op.derivative for op in ACTIVATIONS.values() if op.function is not None},
    # ---- elementary functions ----
    sp.exp:    lambda a, k: (sp.exp(a[0]),),
    sp.log:    lambda a, k: (1 / a[0],),
    sp.sin:    lambda a, k: (sp.cos(a[0]),),
    sp.cos:    lambda a, k: (-sp.sin(a[0]),),
    # ---- kinks: k is the spec's value of [x > 0] at x = 0 ----
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


def local_partials(expr: sp.Expr, wanted: frozenset | set,
                   at0: sp.Expr = sp.Integer(0)) -> dict[sp.Symbol, sp.Expr]:
    """∂expr/∂v for every symbol v of ``wanted`` that ``expr`` reads, in one pass.

    Reverse mode over the expression tree: each subexpression is visited once,
    with the product of the partials on the way down to it (its seed), and a
    symbol collects the sum of the seeds that reach it.  A unit with fan-in H
    therefore costs O(H), where one :func:`local_diff` per input costs O(H²).
    The rules are ``local_diff``'s, so both give the same partials.
    """
    seeds: dict[sp.Symbol, list[sp.Expr]] = {}
    one = sp.Integer(1)
    stack: list[tuple[sp.Expr, sp.Expr]] = [(expr, one)]
    while stack:
        e, seed = stack.pop()
        if e.is_Symbol:
            if e in wanted:
                seeds.setdefault(e, []).append(seed)
            continue
        if e.is_Atom:
            continue
        if e.is_Add:
            stack.extend((t, seed) for t in e.args)
        elif e.is_Mul:
            args = e.args
            for i, factor in enumerate(args):
                if factor.is_Number:
                    continue
                rest = args[:i] + args[i + 1:]
                local = rest[0] if len(rest) == 1 else sp.Mul(*rest)
                stack.append((factor, local if seed is one else seed * local))
        elif e.is_Pow:
            base, exponent = e.args
            if exponent.free_symbols & wanted:
                stack.append((exponent, seed * e * sp.log(base)))
                stack.append((base, seed * e * exponent / base))
            else:
                stack.append((base, seed * exponent * base ** (exponent - 1)))
        elif isinstance(e, sp.Sum):
            for v in e.free_symbols & wanted:
                seeds.setdefault(v, []).append(seed * local_diff(e, v, at0))
        elif e.free_symbols & wanted:
            rule = DERIVATIVES.get(e.func)
            if rule is None:
                raise UnsupportedError(f"no derivative rule for {e.func.__name__}; known: "
                                       f"{', '.join(sorted(f.__name__ for f in DERIVATIVES))}")
            for arg, partial in zip(e.args, rule(e.args, at0)):
                if partial is None:
                    if arg.free_symbols & wanted:
                        raise UnsupportedError(
                            f"{e.func.__name__} is not differentiable in argument {arg}")
                    continue
                if partial != 0:
                    stack.append((arg, partial if seed is one else seed * partial))
    return {v: terms[0] if len(terms) == 1 else sp.Add(*terms) for v, terms in seeds.items()}


class ScalarRules:
    """The scalar form's rules for :func:`derivgen.engine.reverse.reverse_pass`.

    A node's contribution to each symbol it reads is its adjoint times the local
    partial, folded back into node names (σ(z)(1 − σ(z)) becomes h(1 − h)).
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.table = {n.expr: s for s, n in graph.nodes.items() if not n.expr.is_Atom}

    def pullback(self, node: sp.Symbol, g: sp.Expr,
                 wanted: frozenset) -> Iterator[tuple[sp.Symbol, sp.Expr]]:
        # one differentiation of the node's equation hands every input its partial
        expr = self.graph.nodes[node].expr
        partials = local_partials(expr, wanted, self.graph.at0)
        zero = sp.Integer(0)
        # every input the equation reads gets a contribution (0 where the partial is 0)
        for child in sorted(expr.free_symbols & wanted, key=lambda s: s.name):
            local = fold(partials.get(child, zero), self.table)
            yield child, local if g == 1 else g * local

    def adjoint_symbol(self, node: sp.Symbol) -> sp.Symbol:
        return sym(f"dL_d{node.name}")

    def total(self, terms: list[sp.Expr]) -> sp.Expr:
        return sp.Add(*terms)
