"""Shared pieces of the reference-formula builder: names, tree helpers, errors.

:mod:`derivgen.refbuild` walks the parse tree; :mod:`derivgen.refderiv` and
:mod:`derivgen.refstruct` hold the builder's derivative and structure rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy
from lark import Token, Tree

from derivgen.errors import ReferenceParseError

#: ∂X/∂Y as parsed: D(X, Y, *indices the factor depends on)
D = sympy.Function("D")
#: a bmatrix of entries: bmatrix(Tuple(row, row, ...)), each row a Tuple; its products keep
#: their order, as a matrix's must
BMATRIX = sympy.Function("bmatrix", commutative=False)
#: ∂X with a shape note (\frac{\partial o_1}{[N \times H]}): only under a fraction bar
DIFFERENTIAL = sympy.Function("differential", commutative=False)
#: a vector of components, [a, b, c]: VECTOR(Tuple(a, b, c)), orientation left open
VECTOR = sympy.Function("vector", commutative=False)
#: the value of a parameter after one update step: w_5^{+}, w^{new} (and θ in θ ← …)
UPDATED = sympy.Function("updated")
#: x^{(2)}: a per-sample name at sample 2 (AT_SAMPLE(x, 2)), not the component x_2
AT_SAMPLE = sympy.Function("at_sample")
#: \mathbf{1} in matrix notation: a vector of ones as long as its neighbour needs
ONES = sympy.Symbol("ones", commutative=False)
#: the upper limit of a sum written without one (\sum_k, \sum_n): every value the names allow
ALL = sympy.Symbol("all_values", integer=True, positive=True)
#: the lower limit of such a sum: the first value the names allow (0 or 1)
FIRST = sympy.Symbol("first_value", integer=True)


def components(expr: sympy.Basic) -> tuple[sympy.Expr, ...] | None:
    """The entries of a vector: [a, b, c], a one-row or one-column bmatrix, or either
    transposed; None for anything else."""
    if getattr(expr, "func", None) is not None and str(expr.func) == "transpose":
        expr = expr.args[0]
    if isinstance(expr, sympy.Basic) and expr.func == VECTOR:
        return tuple(expr.args[0])
    if isinstance(expr, sympy.Basic) and expr.func == BMATRIX:
        rows = expr.args[0]
        if len(rows) == 1:
            return tuple(rows[0])
        if all(len(r) == 1 for r in rows):
            return tuple(r[0] for r in rows)
    return None


@dataclass(frozen=True)
class Name:
    """A name before scoping decides between Symbol and Indexed."""
    core: str
    pos: int
    word: bool = False  # plain letters: juxtaposed, so each is its own symbol
    parts: tuple[str, ...] = ()  # the subscript, split at commas
    primes: int = 0

    def text(self, parts: Sequence[str] | None = None, primes: bool = True) -> str:
        parts = self.parts if parts is None else parts
        return "_".join((self.core, *parts)) + "_prime" * self.primes * primes


def fail(msg: str, src: str, pos: int) -> ReferenceParseError:
    return ReferenceParseError(msg, text=src, column=pos + 1)


def only(node: object, *path: str) -> Tree | Token | None:
    """Descend through trees named ``path`` that each have exactly one child."""
    for data in path:
        ok = isinstance(node, Tree) and node.data == data and len(node.children) == 1
        node = node.children[0] if ok else None  # type: ignore[union-attr]
    return node  # type: ignore[return-value]


def is_tree(node: object, *data: str) -> bool:
    return isinstance(node, Tree) and node.data in data


def trees(node: Tree) -> list[Tree]:
    return [c for c in node.children if isinstance(c, Tree)]
