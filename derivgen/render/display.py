"""One display formula of a derivation document, as data."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

#: the free argument of activation notes (σ'(z) = σ(z)(1 − σ(z)))
Z = sp.Symbol("z", real=True)


@dataclass(frozen=True)
class Display:
    """One display formula: its sides, what it shows, and the parameter it is about."""

    kind: str
    sides: tuple[str, ...]
    param: str | None = None
    op: str = "="
    #: for a whole-layer equation: each matrix's LaTeX and what it holds, (kind, names) with
    #: kind inputs/group/param/nodes, so that a reader can evaluate it with arrays
    matrices: tuple[tuple[str, tuple[str, tuple[str, ...]]], ...] = ()

    @property
    def latex(self) -> str:
        return f" {self.op} ".join(self.sides)
