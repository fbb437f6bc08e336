"""A safe parser for the formulas users write in specs (``theta_10 + theta_11*x``).

Python's ``ast`` only parses; nothing is evaluated.  The tree is walked with a
whitelist of node types, names and functions and turned into SymPy objects by
hand, so no user text reaches ``eval`` or ``sympify``.
"""
from __future__ import annotations

import ast
import math
import re
from typing import Callable, Mapping

import sympy as sp

from derivgen.errors import DerivgenError
from derivgen.limits import (MAX_DIGITS, MAX_FORMULA_CHARS, MAX_FORMULA_DEPTH, MAX_MAGNITUDE,
                             clip, power_problem)
from derivgen.ops import activations
from derivgen.ops.functions import Relu
from derivgen.spec.stable import stabilize

MAX_LENGTH = MAX_FORMULA_CHARS
#: a number's text: digits, a point and an exponent (checked before Python reads it)
_NUMBER = re.compile(r"(?<![A-Za-z_0-9])[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?[jJ]?")
#: integers beyond float64's exact range become floats, so NumPy never sees a huge int
_EXACT = 2 ** 53


class ExprError(Exception):
    """A formula problem at a 0-based (line, column) inside the formula text."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _activation(op: activations.ActivationOp) -> Callable[[list[sp.Expr]], sp.Expr]:
    """A registry activation as a callable: (x), or (x, slope) when it takes a slope."""
    def build(args: list[sp.Expr]) -> sp.Expr:
        if len(args) == 1:
            return op.build(args[0], None)
        if len(args) == 2 and op.takes_alpha and args[1].is_Number:
            return op.build(args[0], args[1])
        raise ExprError(f"{op.name} takes (x)" + (" or (x, slope) with a numeric slope"
                                                  if op.takes_alpha else " only"))
    return build


def _max(args: list[sp.Expr]) -> sp.Expr:
    if len(args) == 2 and args[0] == 0:
        return Relu(args[1])
    if len(args) == 2 and args[1] == 0:
        return Relu(args[0])
    raise ExprError("max is supported only as max(0, x), i.e. ReLU")


def _unary(f: Callable[[sp.Expr], sp.Expr], name: str) -> Callable[[list[sp.Expr]], sp.Expr]:
    def build(args: list[sp.Expr]) -> sp.Expr:
        if len(args) != 1:
            raise ExprError(f"{name} takes one argument")
        return f(args[0])
    return build


#: Functions a formula may call, by the name it uses.
FUNCTIONS: dict[str, Callable[[list[sp.Expr]], sp.Expr]] = {
    "exp": _unary(sp.exp, "exp"),
    "log": _unary(sp.log, "log"),
    "sqrt": _unary(sp.sqrt, "sqrt"),
    "sin": _unary(sp.sin, "sin"),
    "cos": _unary(sp.cos, "cos"),
    "abs": _unary(sp.Abs, "abs"),
    "max": _max,
    # every elementwise activation of the registry, by its spec name
    **{op.name: _activation(op) for op in activations.ACTIVATIONS.values() if op.build},
}

_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


Derivative = Callable[[str, str], sp.Expr]


def parse_formula(text: str, names: Mapping[str, sp.Expr],
                  aliases: Mapping[str, str] | None = None,
                  derivative: Derivative | None = None) -> sp.Expr:
    """Parse ``text`` into a SymPy expression.

    ``names`` maps every identifier the formula may use to its symbol;
    ``aliases`` maps extra function names (seed 000's ``a``) to entries of
    :data:`FUNCTIONS`.  With ``derivative``, ``dA/dB`` (a name starting with d over
    another, as in a claim ``w_2 - eta*dL/dw_2``) is the derivative
    ``derivative("A", "B")``, never a ratio.  Raises :class:`ExprError` with a
    position otherwise.
    """
    if not isinstance(text, str):
        raise ExprError("expected a formula as text")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"formula longer than {MAX_LENGTH} characters")
    lead = len(text) - len(text.lstrip())
    for line_no, line in enumerate(text.strip().split("\n")):
        for m in _NUMBER.finditer(line):
            if sum(ch.isdigit() for ch in m.group()) > MAX_DIGITS:
                raise ExprError(f"a number with more than {MAX_DIGITS} digits "
                                f"({clip(m.group(), 20)})", line_no,
                                m.start() + (lead if line_no == 0 else 0))
    # Documents write x^3; in Python ^ binds looser than +, so swap the token.
    source = text.strip().replace("^", "**")
    columns = _column_map(text.strip(), lead)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"not a formula: {exc.msg}", (exc.lineno or 1) - 1,
                        columns(max((exc.offset or 1) - 1, 0))) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("formula is too long or nested too deeply to read") from None
    aliases = dict(aliases or {})
    try:
        expr = _Walker(names, aliases, derivative).visit(tree.body)
    except RecursionError:
        raise ExprError("formula is nested too deeply") from None
    except ExprError as exc:
        raise ExprError(exc.message, exc.line, columns(exc.column)) from None
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I):
        raise ExprError("the formula has an infinite, undefined or complex value")
    if any(abs(n) > MAX_MAGNITUDE for n in expr.atoms(sp.Number)):
        raise ExprError(f"a number in the formula is larger than {MAX_MAGNITUDE:g}")
    return stabilize(expr)  # log(1 + exp(x)) → softplus(x) and the like: see spec.stable


def _column_map(stripped: str, lead: int) -> Callable[[int], int]:
    """Columns in the rewritten text (^ → **) back to columns in the user's text."""
    def column(col: int) -> int:
        shift, seen = 0, 0
        for ch in stripped:
            if seen + shift >= col:
                break
            if ch == "^":
                shift += 1
            seen += 1
        return lead + col - shift
    return column


def _differential(node: ast.AST) -> bool:
    """A name dX with X a name itself (dL, dw_2): one side of a claim's dA/dB."""
    return isinstance(node, ast.Name) and node.id[:1] == "d" and node.id[1:2].isalpha()


def _leibniz_shape(node: ast.BinOp) -> bool:
    """Whether ``node`` reads as dA/dB: X*dA/dB, -dA/dB or dA/dB (see _Walker.leibniz)."""
    left = node.left
    if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult):
        left = left.right
    elif isinstance(left, ast.UnaryOp) and isinstance(left.op, ast.USub):
        left = left.operand
    return isinstance(node.op, ast.Div) and _differential(node.right) and _differential(left)


class _Walker:
    def __init__(self, names: Mapping[str, sp.Expr], aliases: Mapping[str, str],
                 derivative: Derivative | None = None) -> None:
        self.names, self.aliases, self.derivative = names, aliases, derivative
        self.depth = 0

    def leibniz(self, node: ast.BinOp) -> sp.Expr | None:
        """``dA/dB`` as a derivative, or None when ``node`` is not one.

        Python reads ``eta*dL/dw`` as ``(eta*dL)/dw`` and ``-dL/dw`` as ``(-dL)/dw``,
        so the numerator is the last factor of the left operand.
        """
        right, left = node.right, node.left
        if self.derivative is None or not _differential(right):
            return None
        lead: sp.Expr = sp.Integer(1)
        if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Mult):
            lead, left = self.visit(left.left), left.right
        elif isinstance(left, ast.UnaryOp) and isinstance(left.op, ast.USub):
            lead, left = sp.Integer(-1), left.operand
        if not _differential(left):
            return None
        try:
            return lead * self.derivative(left.id[1:], right.id[1:])
        except DerivgenError as exc:
            raise self.fail(left, str(exc)) from None

    def fail(self, node: ast.AST, message: str) -> ExprError:
        return ExprError(message, getattr(node, "lineno", 1) - 1, getattr(node, "col_offset", 0))

    def visit(self, node: ast.AST) -> sp.Expr:
        self.depth += 1
        if self.depth > MAX_FORMULA_DEPTH:
            raise self.fail(node, f"formula is nested too deeply (more than {MAX_FORMULA_DEPTH} "
                            "levels of brackets, calls, powers and signs)")
        try:
            return self.node(node)
        finally:
            self.depth -= 1

    def node(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            if type(node.value) is int:
                return self.exact(sp.Integer(node.value))
            if not math.isfinite(node.value):
                raise self.fail(node, "numbers must be finite")
            return self.exact(sp.Rational(repr(node.value)))
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            raise self.fail(node, f"unknown name {node.id!r}; allowed: "
                            + ", ".join(sorted(self.names)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.visit(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return self.constant(node, self.power(node))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and (
                found := self.leibniz(node)) is not None:
            return found
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return self.chain(node)
        if isinstance(node, ast.Call):
            return self.constant(node, self.call(node))
        raise self.fail(node, f"{type(node).__name__} is not allowed in a formula; use numbers, "
                        "names, + - * / ** and calls of " + ", ".join(sorted(FUNCTIONS)))

    def chain(self, node: ast.BinOp) -> sp.Expr:
        """a + b - c + … (or a * b / c …) read along the chain, not by recursion: a long
        sum is not deep nesting.  A derivative dA/dB in the chain is read as one."""
        group = (ast.Add, ast.Sub) if isinstance(node.op, (ast.Add, ast.Sub)) else (
            ast.Mult, ast.Div)
        spine: list[ast.BinOp] = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, group) and not (
                self.derivative is not None and _leibniz_shape(node)):
            spine.append(node)
            node = node.left
        value = self.visit(node)
        for link in reversed(spine):
            value = self.constant(link, _BINOPS[type(link.op)](value, self.visit(link.right)))
        return value

    def exact(self, value: sp.Expr) -> sp.Expr:
        """A rational number beyond float64's exact integers, as a 30-digit float."""
        if value.is_Rational and (abs(value.p) >= _EXACT or value.q >= _EXACT):
            return sp.Float(value, 30)
        return value

    def constant(self, node: ast.AST, value: sp.Expr) -> sp.Expr:
        """A formula part without names must be a finite real number (no 1/0, log(-1))."""
        if value.free_symbols:
            return value
        try:
            number = complex(value.evalf(30))
        except (TypeError, ValueError, OverflowError, ArithmeticError):
            raise self.fail(node, "this constant has no finite real value") from None
        if number.imag != 0 or not math.isfinite(number.real) or abs(number.real) > MAX_MAGNITUDE:
            raise self.fail(node, "this constant has no finite real value")
        return self.exact(value)

    def power(self, node: ast.BinOp) -> sp.Expr:
        base, exponent = self.visit(node.left), self.visit(node.right)
        # 9**9**9 would make SymPy compute a number with billions of digits.
        problem = power_problem(base, exponent)
        if problem:
            raise self.fail(node, problem)
        if not exponent.is_Number and base.is_Number:
            raise self.fail(node, "a number raised to a formula is not supported; use exp()")
        return base ** exponent

    def call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise self.fail(node, "only plain calls such as relu(z) are allowed")
        name = self.aliases.get(node.func.id, node.func.id)
        if name not in FUNCTIONS:
            raise self.fail(node.func, f"unknown function {node.func.id!r}; allowed: "
                            + ", ".join(sorted(set(FUNCTIONS) | set(self.aliases))))
        args = [self.visit(a) for a in node.args]
        try:
            return FUNCTIONS[name](args)
        except ExprError as exc:
            raise self.fail(node, exc.message) from None
        except (OverflowError, ValueError, TypeError, ArithmeticError):
            raise self.fail(node, f"{name} of this argument has no finite real value") from None
