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
