"""Sums for the reference-formula builder: with limits, without, and with an exception.

``\\sum_{n=1}^{N}`` has its limits; ``\\sum_n`` over the sample index runs over the
N samples; ``\\sum_k`` over another letter runs over every value the names allow
(upper limit :data:`ALL`, which the mapper resolves against the spec); a bare
``\\sum`` is a sum over the samples when its body names the sample index, and is
refused otherwise (it would be a guess).
"""
from __future__ import annotations

import sympy
from lark import Token, Tree

from derivgen.reader.tree import ALL, FIRST

#: the sample count of sums over the samples written without limits
_N = "N"


class Sums:
    """Mixin of :class:`derivgen.reader.build.Builder`: the summation rules."""

    def r_sum(self, tree: Tree) -> sympy.Expr:
        idx, lo, *hi, body = tree.children
        self.index(idx)
        upper = self.bound(self.ev(hi[0].children[0]), True) if hi else self.everything(idx)
        return self.summed(idx, body, (self.bound(self.ev(lo), False), upper))

    def r_sum_all(self, tree: Tree) -> sympy.Expr:
        """``\\sum_k`` and ``\\sum_{k}`` without limits, or a bare ``\\sum``."""
        *idx, body = tree.children
        if not idx:
            return self.bare_sum(tree, body)
        letter = idx[0]
        if letter.type == "SUB1":
            letter = Token.new_borrow_pos("WORD", letter[-1], letter)
        self.index(letter)
        lower = sympy.Integer(1) if str(letter) == self.indices[0] else FIRST
        return self.summed(letter, body, (lower, self.everything(letter)))

    def bare_sum(self, tree: Tree, body: Tree) -> sympy.Expr:
        """``\\sum x_n``: over the samples when the body is indexed by the sample index."""
        sample = sympy.Symbol(self.indices[0], integer=True)
        value = self.ev(body)
        if sample not in value.free_symbols:
            raise self.fail("\\sum without an index: write \\sum_k (every value of k the "
                            "names allow) or \\sum_{k=1}^{K}", tree)
        return sympy.Sum(value, (sample, sympy.Integer(1), self.bound(sympy.Symbol(_N), True)))

    def everything(self, idx: Token) -> sympy.Expr:
        """The upper limit of a sum without one: N over the samples, else :data:`ALL`."""
        if str(idx) == self.indices[0]:
            return self.bound(sympy.Symbol(_N), True)
        return ALL

    def r_sum_except(self, tree: Tree) -> sympy.Expr:
        """``\\sum_{c \\neq j}``: c from 1 to C (or the upper limit given) but j."""
        idx, rel, other, *sup, body = tree.children
        self.index(idx)
        if rel.lstrip("\\") not in ("ne", "neq"):
            raise self.fail("only \\neq may restrict a summation index", rel)
        if len(other) != 1 or other == idx:
            raise self.fail("the excluded index must be one letter other than the sum's", other)
        hi = self.ev(sup[0].children[0]) if sup else sympy.Symbol("C")
        return self.summed(idx, body, (sympy.Integer(1), self.bound(hi, True)),
                           sympy.Symbol(str(other), integer=True))  # an index: each gives it values

    def index(self, idx: Token) -> None:
        if len(idx) != 1:
            raise self.fail("summation index must be a single letter", idx)

    def summed(self, idx: Token, body: Tree, limits: tuple, but: sympy.Expr | None = None
               ) -> sympy.Expr:
        self.indices.append(str(idx))
        var = sympy.Symbol(str(idx), integer=True)
        try:
            val = self.ev(body)
        finally:
            self.indices.pop()
        val = val if but is None else val * (1 - sympy.KroneckerDelta(var, but))
        return sympy.Sum(val, (var, *limits))

    def bound(self, expr: sympy.Expr, upper: bool) -> sympy.Expr:
        """Summation limits are integers; upper ones (N, C) positive as well."""
        subs = {}
        for s in expr.free_symbols:
            if isinstance(s, sympy.Symbol) and s.name not in self.indices and s not in (ALL,
                                                                                      FIRST):
                new = sympy.Symbol(s.name, integer=True, positive=upper or None)
                self.bounds[s.name] = subs[s] = self.bounds.get(s.name, new)
        return expr.xreplace(subs)
