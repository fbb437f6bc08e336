"""The reverse pass: one adjoint per node, from the loss back to parameters and inputs.

The same sweep serves both forms.  A form supplies its rule table as a
:class:`Rules` object: the scalar form's (:class:`derivgen.engine.rules.ScalarRules`)
differentiates each node's own small equation once per input it reads; the
matrix form's (:class:`derivgen.engine.matrules.MatrixRules`) walks a node's
matrix expression with one vector-Jacobian product per operation.  Either way
each node is visited once, in reverse order, and hands each node, parameter
or input it reads a contribution; the contributions a symbol receives, summed,
are its adjoint ∂L/∂symbol.

Adjoints are kept as named symbols (dL_dz_1), so generated code is plain
backprop; :class:`Derivation` builds the compact, expanded and chain views
from them on demand.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Protocol

import sympy as sp

Edge = tuple[sp.Basic, sp.Basic, sp.Basic]


class Rules(Protocol):
    """A form's rule table, as the reverse pass uses it."""

    def pullback(self, node: sp.Basic, g: sp.Basic,
                 wanted: frozenset) -> Iterable[tuple[sp.Basic, sp.Basic]]:
        """What each symbol in ``wanted`` that ``node``'s equation reads receives from
        the adjoint ``g`` of ``node`` (``g`` is 1 for the loss)."""

    def adjoint_symbol(self, node: sp.Basic) -> sp.Basic:
        """∂L/∂node as a symbol of the node's shape."""

    def total(self, terms: list[sp.Basic]) -> sp.Basic:
        """The sum of contributions (Add for scalars, MatAdd for matrices)."""


def fold(expr: sp.Basic, table: dict[sp.Basic, sp.Basic]) -> sp.Basic:
    """Replace, bottom-up, every subexpression that is some node's definition by its name.

    σ(z)(1 − σ(z)) becomes h(1 − h) and softmax(S) − Y becomes P − Y, so that
    formulas and code reuse the forward values.
    """
    done: dict[sp.Basic, sp.Basic] = {}

    def walk(e: sp.Basic) -> sp.Basic:
        if e.is_Atom:
            return e
        if e not in done:  # shared subtrees are folded once
            args = tuple(walk(a) for a in e.args)
            rebuilt = e.func(*args) if args != e.args else e
            done[e] = table.get(rebuilt, rebuilt)
        return done[e]
    return walk(expr)


@dataclass
class Derivation:
    """Adjoints of a graph, with compact, expanded and chain-rule views."""

    graph: object
    #: node -> its adjoint symbol ∂L/∂node
    adjoint_symbols: dict[sp.Basic, sp.Basic]
    #: node -> ∂L/∂node in the adjoint symbols of its readers (reverse topological order)
    adjoints: dict[sp.Basic, sp.Basic]
    #: parameter or input -> ∂L/∂it (per sample in scalar form, reduced in matrix form)
    leaves: dict[sp.Basic, sp.Basic]
    #: (reader, read) -> what ``read`` receives from ``reader``
    contributions: dict[tuple[sp.Basic, sp.Basic], sp.Basic]

    @property
    def param_adjoints(self) -> dict[sp.Basic, sp.Basic]:
        """Parameter -> its gradient in adjoint symbols (0 where nothing reads it)."""
        return {p: self.leaves.get(p, sp.Integer(0)) for p in self.graph.params}

    @property
    def input_adjoints(self) -> dict[sp.Basic, sp.Basic]:
        """Input -> ∂L/∂input in adjoint symbols (seed 003's ∂L/∂x)."""
        return {x: self.leaves.get(x, sp.Integer(0)) for x in self.graph.inputs}

    @cached_property
    def parents(self) -> dict[sp.Basic, list[sp.Basic]]:
        """Symbol -> the nodes that read it on a path to the loss, in forward order."""
        order = {s: i for i, s in enumerate(self.graph.nodes)}
        out: dict[sp.Basic, list[sp.Basic]] = {}
        for reader, read in self.contributions:
            out.setdefault(read, []).append(reader)
        return {k: sorted(v, key=order.__getitem__) for k, v in out.items()}

    def partial(self, parent: sp.Basic, child: sp.Basic) -> sp.Basic:
        """The local partial ∂parent/∂child in node names (scalar form)."""
        got = self.contributions[(parent, child)]
        return got.xreplace({self.adjoint_symbols[parent]: sp.Integer(1)})

    @cached_property
    def inlined(self) -> dict[sp.Basic, sp.Basic]:
        """Adjoint symbol -> its expression in forward nodes only."""
        done: dict[sp.Basic, sp.Basic] = {}
        for node, expr in self.adjoints.items():  # readers come first
            done[self.adjoint_symbols[node]] = expr.xreplace(done)
        return done

    def inlined_adjoint(self, node: sp.Basic) -> sp.Basic:
        """∂L/∂node in forward nodes only."""
        return self.inlined[self.adjoint_symbols[node]]

    def compact(self, leaf: sp.Basic) -> sp.Basic:
        """∂L/∂leaf (a parameter, input or node) in named intermediates (seed 000's r φ₁ g₁ x)."""
        expr = self.leaves.get(leaf)
        if expr is None:
            expr = self.adjoints[leaf] if leaf in self.adjoints else sp.Integer(0)
        return expr.xreplace(self.inlined)

    @cached_property
    def _expanded_nodes(self) -> dict[sp.Basic, sp.Basic]:
        done: dict[sp.Basic, sp.Basic] = {}
        for symbol, node in self.graph.nodes.items():
            done[symbol] = node.expr.xreplace(done)
        return done

    def expand(self, expr: sp.Basic) -> sp.Basic:
        """Rewrite an expression in named intermediates in parameters and inputs only."""
        return expr.xreplace(self._expanded_nodes)

    def expanded(self, leaf: sp.Basic) -> sp.Basic:
        """∂L/∂leaf in parameters, inputs and targets only."""
        return self.expand(self.compact(leaf))

    def chains(self, leaf: sp.Basic) -> list[list[Edge]]:
        """Every path of local partials from the loss down to ``leaf`` (seed 001's products)."""
        paths: list[list[Edge]] = []
        loss = self.graph.loss

        def walk(child: sp.Basic, suffix: list[Edge]) -> None:
            if child == loss:
                paths.append(suffix)
                return
            for parent in self.parents.get(child, []):
                walk(parent, [(parent, child, self.partial(parent, child))] + suffix)

        walk(leaf, [])
        return paths


def reverse_pass(graph, rules: Rules) -> Derivation:
    """Derive ∂L/∂(every node, parameter and input) of ``graph`` by one reverse sweep."""
    leaves = (*graph.params, *graph.inputs)
    wanted = frozenset((*graph.nodes, *leaves))
    received: dict[sp.Basic, list[sp.Basic]] = {}
    contributions: dict[tuple[sp.Basic, sp.Basic], sp.Basic] = {}
    adjoint_symbols: dict[sp.Basic, sp.Basic] = {}
    adjoints: dict[sp.Basic, sp.Basic] = {}
    for node in reversed(list(graph.nodes)):
        if node == graph.loss:
            adjoints[node] = sp.Integer(1)
        elif node in received:
            adjoints[node] = rules.total(received[node])
        else:
            continue  # nothing reads it on the way to the loss (an unused residual, say)
        adjoint_symbols[node] = rules.adjoint_symbol(node)
        g = sp.Integer(1) if node == graph.loss else adjoint_symbols[node]
        for read, got in rules.pullback(node, g, wanted):
            received.setdefault(read, []).append(got)
            key = (node, read)
            contributions[key] = (rules.total([contributions[key], got])
                                  if key in contributions else got)
    return Derivation(graph, adjoint_symbols, adjoints,
                      {s: rules.total(received[s]) for s in leaves if s in received},
                      contributions)
