"""Numbers of a worked example, and formulas with numbers substituted for their symbols.

:func:`number` prints a computed value to N significant digits (0.525, −0.188,
1.23 · 10⁻⁵), :func:`exact` a value the user gave as it was given, and
:func:`updated` the result of an update step with enough digits to show the
change.  Each returns a :class:`Printed`: the LaTeX and the exact rational that
LaTeX denotes, so that a line can say "=" only when the printed arithmetic is
exact.  :class:`SubstitutionPrinter` prints an arranged expression with every
symbol replaced by its printed value (0.3 · 1 − 0.2), deciding signs and
brackets on the values, never on printed text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from derivgen.ops.functions import Step
from derivgen.render.latex import LeakyPrime, NotationPrinter

#: the most decimals an update line prints, whatever the change
MAX_DECIMALS = 15
#: the change of an update is shown to at least this many significant digits (fewer when
#: --digits asks for fewer)
CHANGE_DIGITS = 3


@dataclass(frozen=True)
class Printed:
    """A number as printed: its LaTeX and the exact value of that LaTeX."""

    latex: str
    value: sp.Rational
    #: the printed value is the value itself (nothing was rounded away)
    exact: bool

    @property
    def negative(self) -> bool:
        return self.value < 0


def _latex(text: str) -> str:
    """Python's 1.23e-05 as 1.23 \\cdot 10^{-5}; a -0 as 0."""
    if "e" in text:
        mantissa, exponent = text.split("e")
        return mantissa + r" \cdot 10^{" + str(int(exponent)) + "}"
    return "0" if text in ("0", "-0", "0.0", "-0.0") else text


def _printed(text: str, value: float) -> Printed:
    return Printed(_latex(text), sp.Rational(text), float(text) == value)


def number(value: float, digits: int = 3) -> Printed:
    """``value`` to ``digits`` significant digits.  A rounded value that would read as
    an integer keeps its zeros (1.00), so that "1" always means exactly one."""
    if not math.isfinite(value):
        return Printed(r"\text{" + str(value) + "}", sp.Integer(0), False)
    text = f"{value:.{digits}g}"
    if "." not in text and "e" not in text and float(text) != value:
        text = f"{value:#.{digits}g}"
    return _printed(text, value)


def exact(value: float) -> Printed:
    """A value the user gave (input, target, parameter, rate), printed as given."""
    if not math.isfinite(value):
        return number(value)
    text = repr(float(value))
    text = text[:-2] if text.endswith(".0") else text
    return _printed(text, value)


def _decimals(value: float, digits: int) -> int:
    """Decimals that show ``digits`` significant digits of ``value``."""
    if value == 0:
        return digits
    return digits - 1 - math.floor(math.log10(abs(value)))


def updated(new: float, change: float, digits: int = 3) -> Printed:
    """The value after an update: ``digits`` significant digits, and more when that is
    needed to show the change itself (0.3 − 0.1 · 0.00187 = 0.299813, not 0.3)."""
    if change == 0 or not math.isfinite(change) or not math.isfinite(new):
        return number(new, digits)
    places = max(_decimals(new, digits), _decimals(change, min(digits, CHANGE_DIGITS)))
    if places <= 0:
        return number(new, digits)
    text = f"{new:.{min(places, MAX_DECIMALS)}f}"
    return _printed(text, new)


def relation(arithmetic: sp.Expr, result: Printed) -> str:
    """= when the printed numbers give exactly the printed result, else ≈."""
    return "=" if arithmetic.is_Rational and arithmetic == result.value else r"\approx"


class SubstitutionPrinter(NotationPrinter):
    """A formula of the notation with each symbol's printed value in its place.

    Signs and brackets are decided on the values: b + w·x with w = −0.3, b = −0.2
    prints −0.3 · 1.5 − 0.2, and a negative value inside a product or under a power
    is bracketed: 0.5 · (−0.3).  A kink prints as its indicator at the number,
    1[0.1 > 0] ([0.1 > 0] where the document writes Iverson brackets), whatever the
    document's letter for it.
    """

    def __init__(self, notation, values: Mapping[sp.Symbol, Printed],
                 label: str | None = None) -> None:
        # numbers side by side need a sign between them, whatever the document writes
        super().__init__(notation, sample=True, mul=r"\cdot", label=label)
        self.values = values

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        printed = self.values.get(expr)
        return super()._print_Symbol(expr) if printed is None else printed.latex

    def _negative(self, expr: sp.Expr) -> bool:
        """Whether ``expr`` prints with a leading minus sign."""
        if isinstance(expr, sp.Symbol) and expr in self.values:
            return self.values[expr].negative
        if expr.is_Number:
            return bool(expr < 0)
        if expr.is_Mul and expr.args:
            return self._negative(expr.args[0])
        return False

    def _positive(self, expr: sp.Expr) -> str:
        """``expr`` printed without the minus sign :meth:`_negative` found."""
        if isinstance(expr, sp.Symbol) and expr in self.values:
            return self.values[expr].latex.lstrip("-")
        if expr.is_Number:
            return self._print(-expr)
        first, *rest = expr.args
        if first == -1 and rest:
            return self._product(rest, after_sign=True)
        return self._product(list(expr.args), lead=self._positive(first))

    def _terms(self, expr: sp.Add) -> list[tuple[str, str]]:
        """(sign, text) of each term: "" for the first, " + " or " - " after it."""
        out = []
        for i, term in enumerate(expr.args):
            if i and not term.is_Add and self._negative(term):
                out.append((" - ", self._positive(term)))
                continue
            body = self._print(term)
            out.append(("" if i == 0 else " + ",
                        r"\left(" + body + r"\right)" if term.is_Add else body))
        return out

    def _print_Add(self, expr: sp.Add, order=None) -> str:
        return "".join(sign + text for sign, text in self._terms(expr))

    def pieces(self, expr: sp.Expr):
        """Where a line may break: before the sign of a term or between factors."""
        from derivgen.render.breaking import Join
        if expr.is_Add:
            return Join(tuple(self._terms(expr)))
        if expr.is_Mul and not self._bottom(expr) and not (expr.args[0] == -1):
            sep = self._sep()
            return Join(tuple(("" if i == 0 else sep, self._factor(f, i == 0))
                              for i, f in enumerate(expr.args)))
        return None

    def _factor(self, f: sp.Expr, first: bool) -> str:
        text = self._print(f)
        loose = precedence_traditional(f) < PRECEDENCE["Mul"] or f.is_Mul
        scientific = isinstance(f, sp.Symbol) and f in self.values and r"\cdot" in text
        if loose or scientific or (not first and self._negative(f)):
            return r"\left(" + text + r"\right)"
        return text

    def _sep(self) -> str:
        symbol = self._settings["mul_symbol"]
        return f" {symbol.strip()} " if symbol else " "

    def _bottom(self, expr: sp.Mul) -> list:
        return [f for f in expr.args if f.is_Pow and f.exp.is_Number and f.exp < 0]

    def _product(self, factors: list, lead: str | None = None, after_sign: bool = False) -> str:
        """Factors joined by the product sign; ``after_sign``: a minus stands before the
        first, so that a negative first value needs brackets too (− (−0.13))."""
        sep = self._sep()
        texts = [lead if i == 0 and lead is not None else
                 self._factor(f, i == 0 and not after_sign) for i, f in enumerate(factors)]
        return sep.join(texts)

    def _print_Mul(self, expr: sp.Mul) -> str:
        below = self._bottom(expr)
        top = [f for f in expr.args if f not in below]
        bottom = [sp.Pow(f.base, -f.exp, evaluate=False) if f.exp != -1 else f.base
                  for f in below]
        if bottom:
            num = self._product(top) if len(top) > 1 else self._print(top[0]) if top else "1"
            den = self._product(bottom) if len(bottom) > 1 else self._print(bottom[0])
            return r"\frac{" + num + "}{" + den + "}"
        if top and top[0] == -1 and len(top) > 1:
            return "- " + self._product(top[1:], after_sign=True)
        return self._product(top)

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.args
        if exp == -1:
            return r"\frac{1}{" + self._print(base) + "}"
        text = self._print(base)
        if precedence_traditional(base) <= PRECEDENCE["Pow"] or self._negative(base) \
                or (isinstance(base, sp.Symbol) and base in self.values
                    and r"\cdot" in text):
            text = r"\left(" + text + r"\right)"
        return text + "^{" + self._print(exp) + "}"

    def _print_Step(self, expr: sp.Expr, exp: str | None = None) -> str:
        arg, at0 = expr.args
        rel = ">" if at0 == 0 else r"\geq"
        one = "" if self.notation.profile.step == "iverson" else r"\mathbf{1}"  # seed 003: [·]
        return self._wrap(one + r"\left[" + self._print(arg) + f" {rel} 0" + r"\right]", exp)


def rational_values(values: Mapping[sp.Symbol, Printed]) -> dict[sp.Symbol, sp.Rational]:
    """The exact value of each printed number, to redo a line's arithmetic."""
    return {s: p.value for s, p in values.items()}


def arithmetic(expr: sp.Expr, values: Mapping[sp.Symbol, Printed], notation) -> sp.Expr:
    """The arranged ``expr`` evaluated on the printed numbers (exact where they allow it);
    LeakyReLU' gets its slope back, which only printing leaves implicit."""
    if notation.alpha is not None:
        alpha, at0 = notation.alpha, notation.graph.at0
        expr = expr.replace(LeakyPrime, lambda z: alpha + (1 - alpha) * Step(z, at0))
    return expr.xreplace(rational_values(values))
