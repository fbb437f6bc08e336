"""Derivatives and fractions for the reference-formula builder.

``\\frac{\\partial X}{\\partial Y}``, its ∂-less and δ spellings (seed 004),
``\\frac{\\partial}{\\partial Y} X``, ``\\nabla_Y X`` and shape notes under
matrices (seed 003) become ``D(X, Y, *indices)`` or plain fractions.
"""
from __future__ import annotations

import re

import sympy
from lark import Token, Tree

from derivgen.reader.tree import D, DIFFERENTIAL, is_tree as _is, only as _only


def delta_kind(node: object) -> str | None:
    """"bare" for a lone ``\\delta`` factor, "call" for ``\\delta(...)``, else None."""
    item = _only(node, "item")
    call = _is(item, "call")
    head = _only(item.children[0] if call else item, "name")  # type: ignore[union-attr]
    ok = getattr(head, "type", "") == "GREEK" and head == r"\delta"
    return ("call" if call else "bare") if ok else None


#: a shape written under a matrix: [D \times H], possibly [N \times D] over [D \times N]
_SHAPE = re.compile(r"(\\[dt]?frac\s*\{\s*)?\[\s*[A-Z]\s*\\times\s*[A-Z]\s*\](\s*\}\s*"
                    r"\{\s*\[\s*[A-Z]\s*\\times\s*[A-Z]\s*\]\s*\})?")


class Derivatives:
    """Mixin of :class:`derivgen.refbuild.Builder`: the derivative and fraction rules."""

    def wrt(self, tree: Tree) -> str:
        last = tree.children[-1]  # \nabla_\theta and \nabla_w end in a token
        text = self.piece(last) if isinstance(last, Token) else self.single_name(last)
        if text is None:
            raise self.fail("the subscript of \\nabla or \\partial must be a single symbol"
                            if _is(tree, "nabla", "partial_sub")
                            else "\\partial must be followed by a single symbol", last)
        return text

    def r_frac(self, tree: Tree) -> sympy.Expr:
        leibniz = self.leibniz_parts(tree)
        if leibniz is not None:
            above, var = leibniz
            if not above:
                raise self.fail("\\frac{d}{dx} must be followed by what it differentiates", tree)
            return self.derivative(self.leibniz_of(above, tree), var)
        wrt = self.delta_wrt(tree)
        if wrt is not None:
            return self.derivative(self.top(tree.children[0]), wrt)
        if self.matrices and self.is_shape(tree.children[1]):  # seed 003: w1 over [D × H]
            return self.arg(tree.children[0])
        num, den = map(self.arg, tree.children)
        return num / den

    def is_shape(self, node: Tree | Token) -> bool:
        """A shape note under a matrix: [D \\times H], or [N × D] over [D × N]."""
        if isinstance(node, Token) or node.meta.empty:
            return False
        text = self.src[node.meta.start_pos:node.meta.end_pos]
        return _SHAPE.fullmatch(text.strip()) is not None

    @staticmethod
    def delta_lead(node: Tree | Token) -> list | None:
        """The factors of ``node`` when it is ``\\delta`` juxtaposed with more."""
        kids = node.children[0].children if _is(node, "expr") and _is(node.children[0],
                                                                       "product") else []
        kind = delta_kind(kids[0]) if kids else None
        lead = kind == "call" or kind and len(kids) > 1 and isinstance(kids[1], Tree)
        return kids if lead else None

    def uses_delta(self, tree: Tree) -> bool:
        """Whether a ``\\frac{X}{\\delta Y}`` reads δ as ∂: then no other δ is a factor."""
        return any(self.delta_lead(f.children[1]) is not None for f in tree.find_data("frac"))

    def delta_wrt(self, frac: Tree) -> str | None:
        """Y in ``\\frac{X}{\\delta Y}``, seed 004's δ for ∂; None for a fraction."""
        num, den = frac.children
        kids = self.delta_lead(den)
        if kids is None:
            return None
        if self.delta_lead(num) is not None:
            raise self.fail("\\delta over \\delta is ambiguous: write \\partial", num)
        call = delta_kind(kids[0]) == "call"  # \delta(x): no symbol follows
        rest = None if call else _only(kids[1], "item")
        text = self.single_name(rest) if _is(rest, "name") else None
        bad = kids[0] if call else kids[1] if text is None else kids[2] if len(kids) > 2 \
            else den.children[1] if len(den.children) > 1 else None
        if bad is not None:
            raise self.fail("\\delta in a denominator must be followed by a single symbol", bad)
        return text

    def top(self, num: Tree) -> sympy.Expr:
        """The numerator of a derivative: a lone name stays one symbol (∂f_n is f_n)."""
        bare = _only(num, "expr", "product", "item")
        text = self.single_name(bare) if _is(bare, "name") else None
        return sympy.Symbol(text) if text is not None else self.ev(num)

    def r_deriv(self, tree: Tree) -> sympy.Expr:
        num, last = tree.children
        if _is(last, "group"):  # ∂(e^x − e^{-x}): the mapper differentiates through it
            wrt = self.ev(last)
            if wrt.is_number:
                raise self.fail("\\partial of a number", last)
            return D(self.top(num), wrt)
        return self.derivative(self.top(num), self.wrt(tree))

    def r_diff_over(self, tree: Tree) -> sympy.Expr:
        """``\\frac{\\partial X}{[A \\times B]}``: the differential ∂X, of shape A×B (seed 003);
        ``\\frac{\\partial X}{∂Y}`` with such differentials below: ∂X/∂Y, or, over a product
        ∂Y₁·∂Y₂, ``D(X, (Y₁, Y₂))``, which names no value."""
        num, den = tree.children
        top = self.top(num)
        if isinstance(top, sympy.Symbol) and top.name in self.matrices:
            top = self.sym(top.name)
        if self.is_shape(den):
            if not self.matrices:
                raise self.fail("shape notes are read only in matrix formulas", den)
            marker = DIFFERENTIAL(top)
            self.differentials.append((marker, tree.meta.start_pos))
            return marker
        below: list[sympy.Expr] = []
        stack = [self.ev(den)]
        while stack:  # a product of differentials, · possibly read as ⊙
            value = stack.pop()
            if value.is_Mul or getattr(value.func, "__name__", "") == "hadamard":
                stack.extend(reversed(value.args))
            elif value.func == DIFFERENTIAL:
                below.append(value.args[0])
            else:
                raise self.fail("the denominator of \\frac{\\partial X}{...} must be \\partial Y "
                                "or differentials with shape notes", den)
        return D(top, below[0] if len(below) == 1 else sympy.Tuple(*below))

    def r_dop_apply(self, tree: Tree) -> sympy.Expr:
        return self.derivative(self.ev(tree.children[-1]), self.wrt(tree.children[0]))

    def derivative(self, top: sympy.Expr, wrt: str) -> sympy.Expr:
        """D(top, wrt, *i): bound sum indices named in the subscripts (∂ŷ_i/∂z_{2i})
        are trailing arguments, so that SymPy sees the factor depend on them."""
        names = [wrt] + ([top.name] if isinstance(top, sympy.Symbol) else [])
        subs = "".join(n.removesuffix("_prime").partition("_")[2] for n in names)
        deps = [sympy.Symbol(i, integer=True) for i in self.indices if i in subs]
        if isinstance(top, sympy.Symbol) and top.name in self.matrices:
            top = self.sym(top.name)
        return D(top, self.sym(wrt) if wrt in self.matrices else sympy.Symbol(wrt), *deps)

    def lhs(self, side: Tree) -> tuple[str | None, str | None]:
        """(wrt, of) when ``side`` is a lone derivative, else (None, None)."""
        product = _only(side, "expr")
        kids = product.children if _is(product, "product") else []
        var = self.leibniz_operator(kids[0]) if kids else None
        if var is not None:  # \frac{d}{dx} f(x)
            rest = [c for c in kids[1:] if isinstance(c, Tree)]
            name = _only(rest[0], "item") if len(rest) == 1 else None
            return var, self.single_name(name) if _is(name, "name", "call") else None
        first = _only(side, "expr", "product")
        first = _only(first, "item") or first
        leibniz = self.leibniz_parts(first) if _is(first, "frac") else None
        if leibniz is not None:
            above, var = leibniz
            name = _only(above[0], "item") if len(above) == 1 else None
            return var, self.single_name(name) if _is(name, "name", "call") else None
        wrt = self.delta_wrt(first) if _is(first, "frac") else None
        if _is(first, "deriv") and _is(first.children[-1], "group"):
            return None, None  # ∂ with respect to an expression names no variable
        if _is(first, "deriv") or wrt is not None:
            of = self.single_name(_only(first.children[0], "expr", "product", "item"))
            return wrt or self.wrt(first), of
        if _is(first, "diff_over"):
            value = self.r_diff_over(first)
            names = value.args if value.func == D else ()
            if len(names) == 2 and all(isinstance(n, sympy.Symbol) for n in names):
                return names[1].name, names[0].name
            return None, None
        if _is(first, "dop_apply"):
            of = self.single_name(_only(first.children[-1], "product", "item"))
            return self.wrt(first.children[0]), of
        return None, None
