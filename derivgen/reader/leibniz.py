"""Leibniz's d for the reference-formula builder.

``\\frac{dL}{da_2}``, ``\\frac{d\\hat y}{dz}``, ``\\frac{\\mathrm{d} L}{\\mathrm{d} w}`` are
derivatives, and ``\\frac{d}{dx}`` applies to the factors after it, exactly as
``\\frac{\\partial}{\\partial x}`` does.  A d in derivative position is never read as a
factor d (that would make ``\\frac{dL}{da}`` the ratio L/a); only a caller that binds a
variable named d (``leibniz=False``) gets the ratio.  Second derivatives
(``\\frac{d^2 y}{dx^2}``) and ``\\frac{X}{dY}`` without d above are refused.
"""
from __future__ import annotations

import sympy
from lark import Token, Tree

from derivgen.reader.tree import Name as _Name, is_tree as _is

_UPRIGHT = ("mathrm", "text", "textrm", "operatorname")


class Leibniz:
    """Mixin of :class:`derivgen.reader.build.Builder`: derivatives written with d."""

    def differential(self, node: Tree | Token) -> list | None:
        """The factors after a leading differential d in ``node`` (a numerator or a
        denominator), [] for d alone; None when ``node`` does not start with d."""
        if not self.leibniz or not _is(node, "expr") or len(node.children) != 1 \
                or not _is(node.children[0], "product"):
            return None
        first, *rest = node.children[0].children
        if not _is(first, "item") or not _is(first.children[0], "name"):
            return None
        name, sup = first.children[0], first.children[1:]
        head, *decor = name.children
        if not isinstance(head, Token):
            return None
        upright = head.type == "TEXT" and head[1:head.index("{")].strip() in _UPRIGHT \
            and head[head.index("{") + 1:-1].strip() == "d"
        if head.type == "WORD" and head == "d" and not decor or upright and not decor:
            if sup:
                raise self.fail("second and higher derivatives (d^2 y / dx^2) are not supported",
                                first)
            return rest
        if head.type != "WORD" or not head.startswith("d") or len(head) == 1:
            return None
        glued = _Name(str(head), head.start_pos, word=True)
        if self.declared(glued) or decor and self.declared(self.name(name)):
            return None  # dW_2 declared by the caller is a name, not a differential
        if sup:
            raise self.fail("second and higher derivatives (d^2 y / dx^2) are not supported",
                            first)
        tok = Token("WORD", str(head)[1:], start_pos=head.start_pos + 1,
                    line=head.line, column=head.column + 1,
                    end_pos=head.end_pos)
        inner = Tree("name", [tok, *decor], meta=name.meta)
        return [Tree("item", [inner], meta=first.meta), *rest]

    def leibniz_parts(self, frac: Tree) -> tuple[list, str] | None:
        """(factors after d above, the variable below) of a Leibniz derivative, or None."""
        num, den = frac.children
        below = self.differential(den)
        if below is None:
            return None
        above = self.differential(num)
        if above is None:
            raise self.fail("a d in the denominator without one above: write \\frac{dX}{dY} "
                            "for a derivative", den)
        if len(below) != 1 or not _is(below[0], "item") or len(below[0].children) != 1 \
                or not _is(below[0].children[0], "name"):
            raise self.fail("the denominator of a Leibniz derivative must be d followed by one "
                            "name (d^2 and products of differentials are not supported)", den)
        wrt = self.single_name(below[0].children[0])
        if wrt is None:
            raise self.fail("d must be followed by a single name", den)
        return above, wrt

    def leibniz_of(self, above: list, at: Tree) -> sympy.Expr:
        """What d differentiates: a lone name stays one symbol (dL is L)."""
        if len(above) == 1 and _is(above[0], "item") and len(above[0].children) == 1 \
                and _is(above[0].children[0], "name"):
            text = self.single_name(above[0].children[0])
            if text is not None:
                return sympy.Symbol(text)
        return self.ev(Tree("product", above, meta=at.meta))

    def leibniz_operator(self, child: Tree | Token) -> str | None:
        """The variable of ``\\frac{d}{dx}`` when ``child`` is that operator alone."""
        frac = child.children[0] if _is(child, "item") and len(child.children) == 1 else None
        if not _is(frac, "frac"):
            return None
        parts = self.leibniz_parts(frac)
        return parts[1] if parts is not None and not parts[0] else None
