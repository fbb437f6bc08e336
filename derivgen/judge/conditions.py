"""``when:`` conditions: a formula that holds only under a condition the document states.

``when: "y = 0"`` sets a target (an input, a parameter) to a value in both sides
before they are compared; ``when: "z_1 > 0"`` keeps only the random points where
the inequality holds, for every sample the formula uses.  A condition on a node
being equal to something (``z_1 = 0``) cannot be drawn at random and is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy as sp

from derivgen.errors import ReferenceParseError, UnsupportedError

if TYPE_CHECKING:
    from derivgen.judge.mapping import Mapper

#: one relation: the sign and its meaning as "left - right" > 0, < 0, = 0 or ≠ 0
_RELATION = re.compile(r"\\(?:geq?|leq?|gt|lt|neq?)(?![A-Za-z])|[<>]=?|!=|=")
_KIND = {">": ">", ">=": ">", r"\gt": ">", r"\ge": ">", r"\geq": ">",
         "<": "<", "<=": "<", r"\lt": "<", r"\le": "<", r"\leq": "<",
         "=": "=", "!=": "!=", r"\ne": "!=", r"\neq": "!="}


@dataclass
class Conditions:
    """Values set by the conditions, and expressions that must be positive."""

    values: dict[sp.Basic, sp.Expr] = field(default_factory=dict)
    positive: list[sp.Expr] = field(default_factory=list)
    texts: tuple[str, ...] = ()
    #: the plain per-sample data symbols (x_1, y): one sample's, copied for each sample
    data: frozenset = frozenset()

    def __bool__(self) -> bool:
        return bool(self.values or self.positive)

    def apply(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with the values set (a plain data name for every sample)."""
        if not self.values:
            return expr
        subs = dict(self.values)
        for atom in expr.atoms(sp.Indexed):
            plain = sp.Symbol(atom.base.label.name, real=True)
            if plain in self.values and atom not in subs:
                subs[atom] = self.values[plain]
        return expr.xreplace(subs)

    def constraints(self, used: set[sp.Basic]) -> list[sp.Expr]:
        """The inequalities, once for the plain names and once for each sample the
        compared expressions use (x[1], x[2], …)."""
        samples = {a.indices[-1] for a in used if isinstance(a, sp.Indexed)}
        out = []
        for g in self.positive:
            out.append(g)
            plain = g.free_symbols & self.data
            for k in samples if plain else ():
                out.append(g.xreplace({s: sp.IndexedBase(s.name)[k] for s in plain}))
        return out


def read_conditions(raw: Any, mapper: "Mapper", concrete) -> Conditions:
    """Parse and map ``when:`` (a string or a list of strings, one relation each)."""
    texts = [raw] if isinstance(raw, str) else list(raw or [])
    out = Conditions(texts=tuple(texts),
                     data=frozenset((*mapper.graph.inputs, *mapper.graph.targets)))
    data = {*mapper.graph.inputs, *mapper.graph.targets, *mapper.graph.params}
    for text in texts:
        if not isinstance(text, str):
            raise UnsupportedError("'when' is a relation as text, or a list of them")
        found = list(_RELATION.finditer(text))
        if len(found) != 1:
            raise UnsupportedError(f"when: {text!r}: write one relation (=, <, >, \\le, \\ge, "
                                   "\\neq) per condition")
        sign = found[0]
        try:
            left = concrete(mapper.map(mapper.parse(text[:sign.start()])))
            right = concrete(mapper.map(mapper.parse(text[sign.end():])))
        except ReferenceParseError as exc:
            raise UnsupportedError(f"when: {text!r}: {exc}") from None
        kind = _KIND[sign.group()]
        if kind == "=":
            plain = sp.Symbol(left.base.label.name, real=True) \
                if isinstance(left, sp.Indexed) else left
            if plain not in data:
                raise UnsupportedError(f"when: {text!r}: an equality sets an input, a target or "
                                       "a parameter (y = 0, x_1 = 1); a node cannot be set")
            out.values[left] = right
        elif kind in (">", "<"):
            out.positive.append(left - right if kind == ">" else right - left)
    return out
