"""One display formula of a derivation document, as data; the worked example's lines."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derivgen.render.breaking import WIDTH, Layout, Part

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
    #: the relation before each side after the first, when they differ (= … ≈ …); else op
    ops: tuple[str, ...] = ()
    #: the display broken into lines for the page (LaTeX), empty when it fits on one
    lines: tuple[str, ...] = ()
    #: a formula for one generic unit (compact mode): each free index letter and how many
    #: values it takes (k: 1 … 128); a reader checks it for every one of them
    each: tuple[tuple[str, int], ...] = ()

    @property
    def relations(self) -> tuple[str, ...]:
        """The relation before each side after the first."""
        return self.ops or (self.op,) * (len(self.sides) - 1)

    @property
    def latex(self) -> str:
        text = self.sides[0]
        for rel, side in zip(self.relations, self.sides[1:]):
            text += f" {rel} {side}"
        return text


@dataclass(frozen=True)
class WorkedLine(Display):
    """A display of the worked example; ``substituted`` is the index of its side with
    numbers in place of symbols (None when it has none), the last side its result."""

    substituted: int | None = None


@dataclass
class SampleWork:
    """The steps of one sample; ``label`` is its number (None for a single sample)."""

    label: str | None
    forward: list[WorkedLine] = field(default_factory=list)
    backward: list[WorkedLine] = field(default_factory=list)
    gradients: list[WorkedLine] = field(default_factory=list)


@dataclass
class Worked:
    """The example's values and lines, each line a :class:`WorkedLine`."""

    samples: int
    digits: int
    seed: int
    data: list[str] = field(default_factory=list)
    #: the parameters' values, a few at a time, one layer's after another's
    params: list[list[str]] = field(default_factory=list)
    learning_rate: str | None = None
    #: the LaTeX of every value drawn from the seed because the spec does not give it
    filled: list[str] = field(default_factory=list)
    per_sample: list[SampleWork] = field(default_factory=list)
    #: the loss and the gradients over the batch (sum or mean reductions only)
    loss: WorkedLine | None = None
    gradients: list[WorkedLine] = field(default_factory=list)
    updates: list[WorkedLine] = field(default_factory=list)

    def lines(self) -> list[WorkedLine]:
        """Every line, in document order."""
        out: list[WorkedLine] = []
        for s in self.per_sample:
            out += s.forward + s.backward + s.gradients
        return out + ([self.loss] if self.loss else []) + self.gradients + self.updates


def laid_out(layout: Layout, kind: str, parts: list[Part], param: str | None = None,
             op: str = "=", ops: tuple[str, ...] = (), width: float = WIDTH,
             cls: type = Display, **extra: Any) -> Any:
    """The display (``cls``, a Display or WorkedLine) of ``parts`` joined by ``op`` (or
    by ``ops``, one relation per side after the first), with its lines for the page when
    it is wider than ``width``; every builder makes its displays here."""
    relations = ops or (op,) * (len(parts) - 1)
    sides, lines = layout.laid_out(parts, relations, width)
    return cls(kind, sides, param, op, ops=ops, lines=lines, **extra)
