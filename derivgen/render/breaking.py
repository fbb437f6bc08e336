"""Long displays broken into lines where the printer knows the terms.

A display is given as parts: LaTeX that never breaks (``str``), an expression with the
printer that prints it (:class:`E`), terms or factors that may break before their sign
(:class:`Join`), pieces in a row (:class:`Seq`) and brackets that may be broken inside
(:class:`Group`).  When a display is wider than the page, :meth:`Layout.lines` breaks it:
one side per line at its relation, and a side that is still too wide before the sign of
a term or factor, opening an expression only as deep as needed.  A bracket broken across
lines is closed with ``\\right.`` and reopened with ``\\left.``.  Nothing printed is edited
afterwards: a printer prints every subexpression once (it remembers what it printed), and
an expression is taken apart by how that printer prints sums, products, powers and calls.

Widths are estimated in em from the LaTeX (:func:`derivgen.render.widths.estimate`), which
is enough to choose break points; the layout test checks the result against pdflatex.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

import sympy as sp
from sympy import S
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from derivgen.render.widths import estimate, wider_than

#: the width of a display line and of a line inside a list item, in em of the body font
WIDTH = 40.0
ITEM_WIDTH = 37.0

# ---- parts -------------------------------------------------------------------------
@dataclass(frozen=True)
class E:
    """An expression and the printer that prints it."""

    expr: Any
    printer: Any


@dataclass(frozen=True)
class Join:
    """Pieces, each after its operator (" + ", " - ", r" \\cdot ", "" for the first); a
    line may break before an operator."""

    items: tuple


@dataclass(frozen=True)
class Seq:
    """Pieces in a row, with no break between them."""

    items: tuple


@dataclass(frozen=True)
class Group:
    """open + item + close, where a line may break inside the item."""

    open: str
    item: Any
    close: str


Part = Union[str, E, Join, Seq, Group]


def remember(printer: Any) -> Any:
    """Make ``printer`` print each subexpression once: what it printed is kept, so that
    taking a printed expression apart costs no second printing."""
    if getattr(printer, "_printed", None) is None:
        printed: dict = {}
        inner = printer._print

        def cached(expr, **kwargs):
            if kwargs:
                return inner(expr, **kwargs)
            try:
                return printed[expr]
            except KeyError:
                printed[expr] = text = inner(expr)
                return text
            except TypeError:  # unhashable: print it
                return inner(expr)

        printer._print, printer._printed = cached, printed
    return printer


def pieces(printer: Any, expr: Any) -> Part | None:
    """``expr`` as the parts a SymPy LaTeX printer prints it from: the terms of a sum, the
    factors of a product, the base of a power, the argument of a call.  None: one piece."""
    own = getattr(printer, "pieces", None)
    if own is not None:
        return own(expr)
    if expr.is_Add:
        items = []
        for i, term in enumerate(expr.args):
            op = ""
            if i and term.could_extract_minus_sign():
                op, term = " - ", -term
            elif i:
                op = " + "
            part = E(term, printer)
            if printer._needs_add_brackets(term):
                part = Group(r"\left(", part, r"\right)")
            items.append((op, part))
        return Join(tuple(items))
    if expr.is_Mul:
        return _product(printer, expr)
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 1 and expr.base.is_Add:
        return Group(r"\left(", E(expr.base, printer), r"\right)^{" +
                     printer._print(expr.exp) + "}")
    name = _call_name(printer, expr)
    if name is not None:
        return Group(name + r"\left(", E(expr.args[0], printer), r"\right)")
    return None


def _call_name(printer: Any, expr: Any) -> str | None:
    """What a notation printer writes before \\left( of a call (σ_h, \\log), else None."""
    from derivgen.ops.functions import LeakyRelu
    from derivgen.render.latex import ACTIVATION_KEYS, CALL, FUNCTION_TEMPLATES
    notation = getattr(printer, "notation", None)
    if notation is None or not isinstance(expr, sp.Function) or len(expr.args) != 1 \
            and expr.func is not LeakyRelu:
        return None
    if expr.func is sp.log:
        return r"\log"
    if FUNCTION_TEMPLATES.get(expr.func) != CALL or (expr.func is LeakyRelu
                                                      and notation.alpha is None):
        return None
    return notation.function_name(ACTIVATION_KEYS[expr.func], expr.args[0])


def _product(printer: Any, expr: sp.Mul) -> Part | None:
    """A product as SymPy's LaTeX printer writes it, when it writes it as factors."""
    from sympy.simplify import fraction
    prefix = ""
    args = list(expr.args)
    if not (args[0] is S.One or any(isinstance(a, sp.Number) for a in args[1:])):
        if expr.could_extract_minus_sign():
            expr, prefix = -expr, "- "
            if expr.is_Add or not expr.is_Mul:
                return None
        numer, denom = fraction(expr, exact=True)
        if denom is not S.One or sp.Pow(1, -1, evaluate=False) in expr.args:
            return None
        args = list(expr.args)
    separator = printer._settings["mul_symbol_latex"]
    items = []
    for i, term in enumerate(args):
        part = E(term, printer)
        if printer._needs_mul_brackets(term, first=i == 0, last=i == len(args) - 1):
            part = Group(r"\left(", part, r"\right)")
        items.append(("" if i == 0 else separator, part))
    return Seq((prefix, Join(tuple(items)))) if prefix else Join(tuple(items))


def needs_brackets(expr: Any, level: int = PRECEDENCE["Mul"]) -> bool:
    """What ``parenthesize(expr, level, strict=True)`` brackets."""
    return precedence_traditional(expr) < level


# ---- layout ------------------------------------------------------------------------
class Layout:
    """Flat text and broken lines of parts."""

    def text(self, part: Part) -> str:
        """The part on one line."""
        if isinstance(part, str):
            return part
        if isinstance(part, E):
            return remember(part.printer)._print(part.expr)
        if isinstance(part, Join):
            return "".join(op + self.text(item) for op, item in part.items)
        if isinstance(part, Seq):
            return "".join(self.text(item) for item in part.items)
        return part.open + self.text(part.item) + part.close

    def tokens(self, part: Part, budget: float) -> list[tuple[str, str]]:
        """("t", text), ("o", opening), ("c", closing) and ("b", "") where a line may break."""
        if isinstance(part, str):
            return [("t", part)]
        if isinstance(part, E):
            text = self.text(part)
            inner = pieces(part.printer, part.expr) if wider_than(text, budget) else None
            return [("t", text)] if inner is None else self.tokens(inner, budget)
        if isinstance(part, Join):
            out: list[tuple[str, str]] = []
            for op, item in part.items:
                if out:
                    out.append(("b", ""))
                out += [("t", op)] if op else []
                out += self.tokens(item, budget)
            return out
        if isinstance(part, Seq):
            return [tok for item in part.items for tok in self.tokens(item, budget)]
        return [("o", part.open), *self.tokens(part.item, budget), ("c", part.close)]

    def fill(self, part: Part, budget: float) -> list[str]:
        """The part broken into lines no wider than ``budget`` where it can be."""
        rows: list[list[tuple[str, str]]] = [[]]
        used = 0.0
        segment: list[tuple[str, str]] = []
        for tok in self.tokens(part, budget) + [("b", "")]:
            if tok[0] != "b":
                segment.append(tok)
                continue
            wide = sum(estimate(text) for _, text in segment)
            if rows[-1] and used + wide > budget:
                rows.append([])
                used = 0.0
            rows[-1] += segment
            used += wide
            segment = []
        lines, depth = [], 0
        for row in rows:
            text = r"\left." * depth
            for kind, piece in row:
                depth += (kind == "o") - (kind == "c")
                text += piece
            lines.append(text + r"\right." * depth)
        return lines

    def lines(self, parts: list[Part], relations: tuple[str, ...],
              width: float = WIDTH) -> tuple[str, ...]:
        """Lines for an aligned environment, or () when the display fits on one."""
        return self.laid_out(parts, relations, width)[1]

    def laid_out(self, parts: list[Part], relations: tuple[str, ...],
                 width: float = WIDTH) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(each part on one line, :meth:`lines`): the sides' texts are made once."""
        texts = tuple(self.text(p) for p in parts)
        return texts, self._lines(parts, texts, relations, width)

    def _lines(self, parts: list[Part], texts: tuple[str, ...], relations: tuple[str, ...],
               width: float) -> tuple[str, ...]:
        flat = texts[0] + "".join(f" {r} {t}" for r, t in zip(relations, texts[1:]))
        if not wider_than(flat, width):
            return ()
        lhs = estimate(texts[0])
        aligned = lhs <= width / 4
        indent = lhs if aligned else 2.0
        out = [texts[0] + " &" if aligned else "&" + texts[0]]
        for rel, part in zip(relations, parts[1:]):
            budget = width - indent - estimate(rel) - 1.0
            filled = self.fill(part, budget)
            head = f"{rel} {filled[0]}"
            if aligned and len(out) == 1 and out[0].endswith("&"):
                out[0] += head
            else:
                out.append(("&" if aligned else r"&\quad ") + head)
            out += [(r"&\quad {}" if aligned else r"&\qquad {}") + row for row in filled[1:]]
        return tuple(out)


def rows(displays: list[Any], width: float = WIDTH) -> list[list[Any]]:
    """Displays two to a line (a, \\quad b) where both fit, else one."""
    out: list[list[Any]] = []
    for d in displays:
        if out and len(out[-1]) == 1 and not out[-1][0].lines and not d.lines and \
                estimate(out[-1][0].latex + r", \quad " + d.latex) <= width:
            out[-1].append(d)
        else:
            out.append([d])
    return out
