"""Relations, indicators and cases for the reference-formula builder."""
from __future__ import annotations

import sympy
from lark import Token, Tree

from derivgen.reader.tree import BMATRIX, trees as _trees

_RELS = {">": sympy.Gt, "<": sympy.Lt, "gt": sympy.Gt, "lt": sympy.Lt, "ge": sympy.Ge,
         "geq": sympy.Ge, "le": sympy.Le, "leq": sympy.Le, "ne": sympy.Ne, "neq": sympy.Ne}
#: relations an indicator of matrices may use, by the suffix of its function name
_INDICATORS = {">": "gt", "gt": "gt", "<": "lt", "lt": "lt", "ge": "ge", "geq": "ge",
               "le": "le", "leq": "le"}


class Structures:
    """Mixin of :class:`derivgen.refbuild.Builder`: relations, indicators, cases, matrices."""

    def relation(self, lhs: Tree, rel: Token, rhs: Tree) -> sympy.Basic:
        return _RELS[rel.lstrip("\\")](self.ev(lhs), self.ev(rhs))

    def r_indicator(self, tree: Tree) -> sympy.Expr:
        lhs, rel, rhs = tree.children
        left, right = self.ev(lhs), self.ev(rhs)
        if not (left.is_commutative and right.is_commutative):  # [s1 > 0] of a matrix
            kind = _INDICATORS.get(rel.lstrip("\\"))
            if kind is None:
                raise self.fail("this relation is not supported between matrices", rel)
            return sympy.Function("indicator_" + kind)(left, right)
        return sympy.Piecewise((1, self.relation(*tree.children)), (0, True))

    def r_cases(self, tree: Tree) -> sympy.Expr:
        """Rows ``value, & condition`` (or ``value & cond``, ``value, cond``)."""
        pieces = []
        for row in tree.children:
            value, *cond = _trees(row)
            for text in (t for c in cond for t in c.scan_values(lambda v: isinstance(v, Token))):
                if text.type == "TEXT":  # \text{otherwise}, \text{if } z > 0
                    raise self.fail("\\text{...} in a cases condition is not supported", text)
            rel = [t for t in row.children if isinstance(t, Token) and t.type == "REL"]
            if not rel:
                raise self.fail("a cases condition must be a relation (>, <, \\ge, \\le, \\neq)",
                                cond[0])
            pieces.append((self.ev(value), self.relation(cond[0], rel[0], cond[1])))
        return sympy.Piecewise(*pieces)

    def r_bmatrix(self, tree: Tree) -> sympy.Expr:
        """Rows of entries, or rows ``value, condition`` (seed 004's ReLU'), which are cases:
        a relation cannot be a matrix entry, so the two readings never compete."""
        rows = _trees(tree)
        if {r.data for r in rows} == {"bcase"}:
            return sympy.Piecewise(*((self.ev(value), self.relation(lhs, rel, rhs))
                                     for value, lhs, rhs, rel in
                                     ((*_trees(r), r.children[3]) for r in rows)))
        if any(r.data == "bcase" for r in rows):
            raise self.fail("a bmatrix mixes rows 'value, condition' with rows of entries",
                            next(r for r in rows if r.data != rows[0].data))
        entries = [[self.ev(e) for e in _trees(r)] for r in rows]
        for row, values in zip(rows, entries):
            if len(values) != len(entries[0]):
                raise self.fail(f"a bmatrix row of {len(values)} entries where the first row "
                                f"has {len(entries[0])}", row)
        return BMATRIX(sympy.Tuple(*(sympy.Tuple(*values) for values in entries)))

    def r_cond_group(self, tree: Tree) -> sympy.Expr:
        """``(X)_{c \\neq j}``: X, for the index values that satisfy the condition."""
        group, left, rel, right = tree.children
        for letter in (left, right):
            if len(letter) != 1:
                raise self.fail("a condition under a group relates two index letters", letter)
        if left == right:
            raise self.fail("a condition under a group relates two different letters", right)
        self.conditions.append(_RELS[rel.lstrip("\\")](sympy.Symbol(str(left), integer=True),
                                                         sympy.Symbol(str(right), integer=True)))
        return self.ev(group)
