"""The reverse pass in matrix form: one adjoint matrix per node, keyed by node.

Each node's equation is walked with :func:`derivgen.matrules.vjp` from its
adjoint symbol (∂L/∂S₂, a MatrixSymbol of the node's shape) down to the
nodes, parameters and inputs it reads.  Results are folded back into node
names, so cross-entropy's softmax(S₂) − Y becomes P − Y and the generated code
reuses the forward values.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp
from sympy import MatAdd, MatrixSymbol

from derivgen.engine.reverse import fold
from derivgen.ops.matexpr import ENTRY_VARS, Elementwise, apply
from derivgen.engine.matgraph import MatGraph
from derivgen.engine.matrules import vjp


def adjoint_symbol(node: sp.Basic) -> sp.Basic:
    """∂L/∂node as a symbol of the node's shape (named dL_d<node>)."""
    name = f"dL_d{node}"
    return MatrixSymbol(name, *node.shape) if node.is_Matrix else sp.Symbol(name, real=True)


def _sum(terms: list[sp.Basic]) -> sp.Basic:
    if len(terms) == 1:
        return terms[0]
    if terms[0].is_Matrix:
        return MatAdd(*terms)
    return sp.Add(*terms)


@dataclass
class MatDerivation:
    """Adjoints of a matrix graph: node → expression in the adjoint symbols of its readers."""

    graph: MatGraph
    adjoint_symbols: dict[sp.Basic, sp.Basic]
    #: node -> ∂L/∂node in adjoint symbols and forward nodes (reverse topological order)
    adjoints: dict[sp.Basic, sp.Basic]
    #: parameter -> ∂L/∂parameter (already reduced over the batch)
    param_adjoints: dict[sp.Basic, sp.Basic]
    #: ∂L/∂X
    input_adjoint: sp.Basic | None
    #: (reader, read) -> what ``read`` receives from ``reader``: the chain-rule factors
    contributions: dict[tuple[sp.Basic, sp.Basic], sp.Basic]

    @cached_property
    def _inlined(self) -> dict[sp.Basic, sp.Basic]:
        done: dict[sp.Basic, sp.Basic] = {}
        for node, expr in self.adjoints.items():
            done[self.adjoint_symbols[node]] = expr.xreplace(done)
        return done

    def compact(self, leaf: sp.Basic) -> sp.Basic:
        """∂L/∂leaf in forward nodes only (seed 003's Xᵀ(((P − Y)W₂ᵀ) ⊙ [S₁ > 0]))."""
        expr = self.param_adjoints.get(leaf)
        if expr is None:
            expr = self.input_adjoint if leaf == self.graph.x else self.adjoints[leaf]
        return expr.xreplace(self._inlined)


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


def matrix_reverse_pass(graph: MatGraph) -> MatDerivation:
    """Derive ∂L/∂(every node, parameter and the input) by one reverse sweep."""
    table = {n.expr: s for s, n in graph.nodes.items()
             if not isinstance(n.expr, (MatrixSymbol, sp.Symbol))}
    wanted = set(graph.nodes) | set(graph.params) | {graph.x}
    received: dict[sp.Basic, list[sp.Basic]] = {}
    contributions: dict[tuple[sp.Basic, sp.Basic], sp.Basic] = {}

    def walk(reader: sp.Basic, expr: sp.Basic, g: sp.Basic) -> None:
        if expr in wanted:
            got = _reuse_outputs(fold(g, table), table)
            received.setdefault(expr, []).append(got)
            key = (reader, expr)
            contributions[key] = (_sum([contributions[key], got]) if key in contributions
                                  else got)
            return
        if not (expr.free_symbols & wanted):
            return  # targets, ones and constants receive nothing
        for arg, g_arg in vjp(expr, g, graph.at0):
            walk(reader, arg, g_arg)

    adjoint_symbols: dict[sp.Basic, sp.Basic] = {}
    adjoints: dict[sp.Basic, sp.Basic] = {}
    for node in reversed(list(graph.nodes)):
        if node == graph.loss:
            adjoints[node] = sp.Integer(1)
        elif node in received:
            adjoints[node] = _sum(received[node])
        else:
            continue  # nothing reads it on the way to the loss
        adjoint_symbols[node] = adjoint_symbol(node)
        g = sp.Integer(1) if node == graph.loss else adjoint_symbols[node]
        walk(node, graph.nodes[node].expr, g)
    params = {p: _sum(received[p]) for p in graph.params if p in received}
    x_adjoint = _sum(received[graph.x]) if graph.x in received else None
    return MatDerivation(graph, adjoint_symbols, adjoints, params, x_adjoint, contributions)
