"""The reverse pass: one adjoint per node, from the per-sample loss back to parameters.

Local partials ∂parent/∂child come from :func:`derivgen.rules.local_diff` on
each node's own small equation, and are folded back into node names
(σ(z)(1 − σ(z)) becomes h(1 − h), p − y becomes r).  Adjoints are kept as
named symbols so that generated code is plain backprop; the compact and
expanded formulas are built from them on demand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from derivgen.engine.graph import Graph, sym
from derivgen.engine.rules import local_diff

Edge = tuple[sp.Symbol, sp.Symbol, sp.Expr]


def fold(expr: sp.Expr, table: dict[sp.Expr, sp.Symbol]) -> sp.Expr:
    """Replace, bottom-up, every subexpression that is some node's definition by its name."""
    if expr.is_Atom:
        return expr
    args = tuple(fold(a, table) for a in expr.args)
    rebuilt = expr.func(*args) if args != expr.args else expr
    return table.get(rebuilt, rebuilt)


@dataclass
class Derivation:
    """Adjoints and per-sample gradients of a graph, with compact/expanded/chain views."""

    graph: Graph
    #: (parent, child) -> ∂parent/∂child in node names
    partials: dict[tuple[sp.Symbol, sp.Symbol], sp.Expr]
    #: node -> its adjoint symbol ∂ℓ/∂node
    adjoint_symbols: dict[sp.Symbol, sp.Symbol]
    #: node -> adjoint expression in parents' adjoint symbols (reverse topological order)
    adjoints: dict[sp.Symbol, sp.Expr]
    #: parameter -> per-sample gradient in adjoint symbols
    param_adjoints: dict[sp.Symbol, sp.Expr]
    parents: dict[sp.Symbol, list[sp.Symbol]] = field(default_factory=dict)
    #: input -> per-sample ∂ℓ/∂x in adjoint symbols (seed 003's ∂L/∂x)
    input_adjoints: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)

    @cached_property
    def _inlined(self) -> dict[sp.Symbol, sp.Expr]:
        done: dict[sp.Symbol, sp.Expr] = {}
        for node, expr in self.adjoints.items():  # parents come first
            done[self.adjoint_symbols[node]] = expr.xreplace(done)
        return done

    def compact(self, param: sp.Symbol) -> sp.Expr:
        """Per-sample ∂ℓ/∂param (or ∂ℓ/∂input) in named intermediates (seed 000's r φ₁ g₁ x)."""
        total = self.param_adjoints.get(param)
        if total is None:
            total = self.input_adjoints[param]
        return total.xreplace(self._inlined)

    @cached_property
    def _expanded_nodes(self) -> dict[sp.Symbol, sp.Expr]:
        done: dict[sp.Symbol, sp.Expr] = {}
        for symbol, node in self.graph.nodes.items():
            done[symbol] = node.expr.xreplace(done)
        return done

    def expand(self, expr: sp.Expr) -> sp.Expr:
        """Rewrite an expression in named intermediates in parameters and inputs only."""
        return expr.xreplace(self._expanded_nodes)

    def expanded(self, param: sp.Symbol) -> sp.Expr:
        """Per-sample ∂ℓ/∂param in parameters, inputs and targets only."""
        return self.expand(self.compact(param))

    def chains(self, param: sp.Symbol) -> list[list[Edge]]:
        """Every path of local partials from the loss down to ``param`` (seed 001's products)."""
        paths: list[list[Edge]] = []

        def walk(child: sp.Symbol, suffix: list[Edge]) -> None:
            if child == self.graph.loss:
                paths.append(suffix)
                return
            for parent in self.parents.get(child, []):
                if parent in self.adjoint_symbols or parent == self.graph.loss:
                    walk(parent, [(parent, child, self.partials[(parent, child)])] + suffix)

        walk(param, [])
        return paths


def reverse_pass(graph: Graph) -> Derivation:
    """Derive every parameter's per-sample gradient by one reverse sweep."""
    table = {n.expr: s for s, n in graph.nodes.items() if not n.expr.is_Atom}
    parents: dict[sp.Symbol, list[sp.Symbol]] = {}
    partials: dict[tuple[sp.Symbol, sp.Symbol], sp.Expr] = {}
    for symbol in graph.nodes:
        for child in graph.children(symbol):
            parents.setdefault(child, []).append(symbol)
            local = local_diff(graph.nodes[symbol].expr, child, graph.at0)
            partials[(symbol, child)] = fold(local, table)
    adjoint_symbols: dict[sp.Symbol, sp.Symbol] = {}
    adjoints: dict[sp.Symbol, sp.Expr] = {}
    for symbol in reversed(list(graph.nodes)):
        if symbol == graph.loss:
            expr: sp.Expr = sp.Integer(1)
        else:
            terms = [adjoint_symbols[p] * partials[(p, symbol)]
                     for p in parents.get(symbol, []) if p in adjoint_symbols]
            if not terms:
                continue  # not on a path to the loss (an unused residual, say)
            expr = sp.Add(*terms)
        adjoints[symbol] = expr
        adjoint_symbols[symbol] = sym(f"dL_d{symbol.name}")
    def leaf(v: sp.Symbol) -> sp.Expr:
        return sp.Add(*(adjoint_symbols[q] * partials[(q, v)]
                        for q in parents.get(v, []) if q in adjoint_symbols))

    return Derivation(graph, partials, adjoint_symbols, adjoints,
                      {p: leaf(p) for p in graph.params}, parents,
                      {x: leaf(x) for x in graph.inputs})
