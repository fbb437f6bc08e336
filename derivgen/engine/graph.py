"""The forward graph: named intermediates (z, h, ŷ, r, L) as SymPy equations.

Every node is one equation ``symbol = expr`` written in terms of inputs,
targets, parameters and earlier nodes, for one sample.  The loss over the data
set is the per-sample loss node reduced over samples (sum, mean or a single
sample).  The builders, for dense networks and for free-form models, are in
:mod:`derivgen.engine.scalar`.
"""
from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import Iterable

import sympy as sp

from derivgen.errors import SpecError
from derivgen.ops.kinks import kink_arguments
from derivgen.spec.naming import IDENTIFIER


#: the per-sample index n and the sample count N of every sum over the data set
SAMPLE_INDEX = sp.Symbol("n", integer=True, positive=True)
SAMPLE_COUNT = sp.Symbol("N", integer=True, positive=True)


def sym(name: str) -> sp.Symbol:
    """The one way derivgen makes a symbol, so that equal names are equal symbols."""
    return sp.Symbol(name, real=True)


@dataclass(frozen=True)
class Node:
    """One named intermediate: ``symbol = expr``; ``role`` is pre/post/output/residual/loss/equation."""

    symbol: sp.Symbol
    expr: sp.Expr
    role: str
    layer: int | None = None
    unit: int | None = None


@dataclass
class Graph:
    """A DAG of named per-sample equations ending in the per-sample loss."""

    inputs: tuple[sp.Symbol, ...] = ()
    targets: tuple[sp.Symbol, ...] = ()
    params: tuple[sp.Symbol, ...] = ()
    nodes: dict[sp.Symbol, Node] = field(default_factory=dict)
    outputs: tuple[sp.Symbol, ...] = ()
    logits: tuple[sp.Symbol, ...] = ()
    loss: sp.Symbol | None = None
    reduction: str = "sum"
    at0: sp.Integer = sp.Integer(0)
    #: parameter groups for array-valued input: name -> nested lists of parameter names
    groups: dict[str, list] = field(default_factory=dict)
    #: fan-in per parameter for initialisation (0 for biases)
    fan_in: dict[sp.Symbol, int] = field(default_factory=dict)

    def add(self, name: str | sp.Symbol, expr: sp.Expr, role: str, layer: int | None = None,
            unit: int | None = None) -> sp.Symbol:
        """Append a node; names must be new."""
        symbol = name if isinstance(name, sp.Symbol) else sym(name)
        if not IDENTIFIER.match(symbol.name) or keyword.iskeyword(symbol.name):
            raise SpecError(f"{symbol.name!r} is not a usable name; change a name template")
        taken = set(self.nodes) | set(self.inputs) | set(self.targets) | set(self.params)
        if symbol in taken:
            raise SpecError(f"the name {symbol} is used twice; change a name template")
        self.nodes[symbol] = Node(symbol, expr, role, layer, unit)
        return symbol

    def children(self, symbol: sp.Symbol) -> list[sp.Symbol]:
        """Nodes, parameters and inputs the node's equation reads, in a stable order."""
        known = set(self.nodes) | set(self.params) | set(self.inputs)
        return sorted((s for s in self.nodes[symbol].expr.free_symbols if s in known),
                      key=lambda s: s.name)

    def kink_arguments(self) -> list[sp.Expr]:
        """Arguments of every non-differentiable point in the forward equations."""
        return kink_arguments(sp.Tuple(*(n.expr for n in self.nodes.values())))


def check_distinct(*groups: Iterable[sp.Symbol]) -> None:
    """Inputs, targets and parameters must all have different names."""
    seen: set[sp.Symbol] = set()
    for group in groups:
        for symbol in group:
            if symbol in seen or not IDENTIFIER.match(symbol.name) or keyword.iskeyword(
                    symbol.name):
                raise SpecError(f"the name {symbol} is used twice or is not usable; "
                                "change a name template")
            seen.add(symbol)
