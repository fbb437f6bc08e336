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

Widths are estimated in em from the LaTeX (:func:`estimate`), which is enough to choose
break points; the layout test checks the result against pdflatex.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

import sympy as sp
from sympy import S
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

#: the width of a display line and of a line inside a list item, in em of the body font
WIDTH = 40.0
ITEM_WIDTH = 37.0

# ---- estimated widths --------------------------------------------------------------
_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}_^]|\s+|.", re.S)
_ZERO = {r"\left", r"\right", r"\displaystyle", r"\limits", r"\nolimits", "&", r"\!"}
_NARROW = {r"\,": 0.17, r"\;": 0.28, r"\:": 0.22, r"\quad": 1.0, r"\qquad": 2.0,
           r"\cdot": 0.78, r"\times": 0.78, r"\odot": 0.78, r"\otimes": 0.78,
           r"\leftarrow": 1.56, r"\approx": 1.33, r"\geq": 1.33, r"\leq": 1.33,
           r"\neq": 1.33, r"\partial": 0.57, r"\sum": 1.44, r"\|": 0.5, r"\ldots": 1.2}
_GLYPH = {"+": 1.33, "-": 1.33, "=": 1.33, ">": 1.33, "<": 1.33, ",": 0.45, ".": 0.28,
          "(": 0.39, ")": 0.39, "[": 0.28, "]": 0.28, "|": 0.28, "'": 0.28, "1": 0.5}
#: operator names, set upright letter by letter
_OPERATORS = {r"\log", r"\exp", r"\tanh", r"\max", r"\min", r"\sin", r"\cos", r"\sign"}
#: commands whose one braced argument is shown in another size or style
_WRAP = {r"\hat": 1.0, r"\tilde": 1.0, r"\bar": 1.0, r"\mathbf": 1.1, r"\mathcal": 1.2,
         r"\boldsymbol": 1.1, r"\mathbb": 1.2, r"\mathrm": 1.0, r"\operatorname": 1.0}


def estimate(latex: str) -> float:
    """The width of ``latex`` in em, roughly: glyphs, spacing of operators, fractions as
    their wider part, scripts at 70 %."""
    tokens = [t for t in _TOKEN.findall(latex) if not t.isspace()]
    return _width(tokens, [0])


def _group(tokens: list[str], at: list[int]) -> float:
    """The width of one argument: a {…} group or a single token."""
    if at[0] >= len(tokens):
        return 0.0
    if tokens[at[0]] != "{":
        at[0] += 1
        return _one(tokens[at[0] - 1], tokens, at)
    at[0] += 1
    return _width(tokens, at)


def _width(tokens: list[str], at: list[int]) -> float:
    total = 0.0
    while at[0] < len(tokens):
        tok = tokens[at[0]]
        at[0] += 1
        if tok == "}":
            break
        total += _one(tok, tokens, at)
    return total


def _one(tok: str, tokens: list[str], at: list[int]) -> float:
    if tok == "{":
        return _width(tokens, at)
    if tok in ("_", "^"):
        return 0.7 * _group(tokens, at)
    if tok == r"\frac":
        return max(_group(tokens, at), _group(tokens, at)) + 0.3
    if tok == r"\underset":
        return max(0.7 * _group(tokens, at), _group(tokens, at))
    if tok == r"\text":
        at[0] += 1  # the {
        start = at[0]
        _width(tokens, at)
        return 0.5 * sum(len(t) for t in tokens[start:at[0] - 1])
    if tok in _WRAP:
        return _WRAP[tok] * _group(tokens, at)
    if tok == r"\sum":  # a display sum sets its limits under and over it
        wide = 1.44
        while at[0] < len(tokens) and tokens[at[0]] in ("_", "^"):
            at[0] += 1
            wide = max(wide, 0.7 * _group(tokens, at))
        return wide + 0.2
    if tok in _ZERO:
        return 0.0
    if tok in _NARROW:
        return _NARROW[tok]
    if tok in _OPERATORS:
        return 0.5 * (len(tok) - 1) + 0.2
    if tok.startswith("\\"):  # a Greek letter, or a symbol
        return 0.6 if len(tok) <= 6 else 0.3 * (len(tok) - 1)
    return _GLYPH.get(tok, 0.5)


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
            inner = pieces(part.printer, part.expr) if estimate(text) > budget else None
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
        texts = [self.text(p) for p in parts]
        flat = texts[0] + "".join(f" {r} {t}" for r, t in zip(relations, texts[1:]))
        if estimate(flat) <= width:
            return ()
        lhs = estimate(texts[0])
        aligned = lhs <= width / 4
        indent = lhs if aligned else 2.0
        out = [texts[0] + " &" if aligned else "&" + texts[0]]
        for rel, part in zip(relations, parts[1:]):
            budget = width - indent - estimate(rel) - 1.0
            rows = self.fill(part, budget)
            head = f"{rel} {rows[0]}"
            if aligned and len(out) == 1 and out[0].endswith("&"):
                out[0] += head
            else:
                out.append(("&" if aligned else r"&\quad ") + head)
            out += [(r"&\quad {}" if aligned else r"&\qquad {}") + row for row in rows[1:]]
        return tuple(out)
