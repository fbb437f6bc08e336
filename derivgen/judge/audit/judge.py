"""One link, one verdict: ok, wrong, not understood or not judgeable.

* Both sides are numbers: the printed arithmetic, within the tolerance of the
  printed digits.
* A number and a quantity: the quantity at the worked example (the engine's value)
  against the number.
* Two formulas: compared at random points (N = 3 samples), as ``derivgen check`` does;
  index letters (k in h_k) take every value their names allow.
* An update (``←``, ``:=``, ``w^{+}``) stands for θ − η ∂L/∂θ; a definition of a name
  the document introduces is registered and is ``ok``.
"""
from __future__ import annotations

import functools
import re

import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError
from derivgen.judge.arrays import ShapeMismatch
from derivgen.judge.audit.layers import judge_layers
from derivgen.judge.audit.formulas import judge_formulas
from derivgen.judge.audit.numbers import judge_numbers
from derivgen.judge.audit.sides import Side, Values, _Evaluator, parse_side
from derivgen.judge.audit.verdicts import (NOT_JUDGEABLE, NOT_UNDERSTOOD, OK, WRONG,
                                           Verdict)
from derivgen.judge.audit.readings import (_kink_convention, _update_shape, gradient_head,
                                           stated_for)
from derivgen.judge.audit.stated import (condition, for_each_parameter, functions_as,
                                         said_activation, used_functions)

__all__ = ["NOT_JUDGEABLE", "NOT_UNDERSTOOD", "OK", "WRONG", "Verdict", "judge_link",
           "judge_numbers"]


def judge_matrices(values: Values, left: Side, right: Side, rng, assign: bool = False
                   ) -> Verdict:
    """Matrix formulas without numbers: the arrays judge at random points."""
    from derivgen.judge.array_judge import judge_matrix
    from derivgen.reader.latex import Reference
    part = values.part
    ref = Reference(wrt=None, of=None, expr=right.expr, sides=(left.expr, right.expr),
                    assign=assign)
    evaluator = functools.partial(_Evaluator, defined=part.matrix_defined)
    status, derived, message = judge_matrix(ref, part.mapper, part.matrices, rng, evaluator)
    if status != "ok" and ("shapes do not fit" in message or "shape (" in message) and \
            not (gradient_head(part, left) or gradient_head(part, right)):
        return Verdict(NOT_JUDGEABLE, message + " (as the matrices are bound)", "formula")
    return Verdict(OK if status == "ok" else WRONG, message, "formula", derived_value=derived)


def judge_link(part, left_text: tuple[str, list[int]], relation: str,
               right_text: tuple[str, list[int]], rng, ranges, context: str = "",
               head: str = "", after: str = "") -> Verdict:
    """The verdict of one link, with its parsed sides under ``detail``; ``head`` is the
    chain's first side, whose ``(X)_{c \\neq j}`` holds for every link; ``context`` and
    ``after`` are the prose before and after the math (a condition, an activation)."""
    part.condition = condition(context, after)
    try:
        return _judge_link_in(part, left_text, relation, right_text, rng, ranges, context,
                              head)
    finally:
        part.condition = None


def _judge_link_in(part, left_text, relation, right_text, rng, ranges, context, head
                   ) -> Verdict:
    def one(left_text: str, right_text: str) -> Verdict:
        return _judge_link(part, (left_text, offsets(left_text, left)), relation,
                           (right_text, offsets(right_text, right)), rng, ranges, unequal)[0]

    def offsets(text: str, original: tuple[str, list[int]]) -> list[int]:
        return original[1] if len(text) == len(original[1]) else \
            [original[1][0] if original[1] else 0] * len(text)

    left, right = left_text, right_text
    unequal = tuple(re.findall(r"\\right\s*\)\s*_\s*\{\s*([a-z])\s*\\neq?\s*([a-z])\s*\}", head))
    layered = judge_layers(part, left_text[0], right_text[0], one)
    if layered is not None and layered.verdict in (OK, WRONG):
        return layered
    verdict, left, right = _judge_link(part, left_text, relation, right_text, rng, ranges,
                                       unequal)
    if left is not None and right is not None and verdict.verdict == WRONG:
        reason = stated_for(part, [left, right], context)
        if reason:
            verdict = Verdict(NOT_JUDGEABLE, reason, verdict.kind)
            fnames, targets = used_functions(part, [left.expr, right.expr])
            activation = said_activation(context, targets)
            if activation is not None:  # a statement about ReLU: judged as one
                with functions_as(part, fnames, activation):
                    again = _judge_link(part, left_text, relation, right_text, rng, ranges,
                                        unequal)[0]
                if again.verdict in (OK, WRONG):
                    again.message = f"as a statement about {activation} (the prose says " \
                        f"so): {again.message}"
                    verdict = again
    verdict.detail["left_side"], verdict.detail["right_side"] = left, right
    return verdict


def _judge_link(part, left_text: tuple[str, list[int]], relation: str,
                right_text: tuple[str, list[int]], rng, ranges, unequal=()) -> tuple[Verdict, Side | None,
                                                                   Side | None]:
    """The verdict of one link; never raises for the document's content."""
    try:
        left = parse_side(part, *left_text)
        right = parse_side(part, *right_text)
    except ReferenceParseError as exc:
        return Verdict(NOT_UNDERSTOOD, f"cannot read: {exc.message}", detail={
            "column": exc.column}), None, None
    except DerivgenError as exc:
        return Verdict(NOT_UNDERSTOOD, f"cannot read: {exc}"), None, None
    each = for_each_parameter(part, (left.expr, right.expr), lambda swap: _judge_sides(
        part, _swapped(left, swap), relation, _swapped(right, swap), rng, ranges, unequal)[0])
    if each is not None:
        return each, left, right
    return _judge_sides(part, left, relation, right, rng, ranges, unequal)


def _swapped(side: Side, swap: dict) -> Side:
    return Side(side.expr.xreplace(swap), side.rewritten, side.matrix, side.flat)


def _judge_sides(part, left: Side, relation: str, right: Side, rng, ranges, unequal
                 ) -> tuple[Verdict, Side, Side]:
    """The verdict of two parsed sides, and the sides as judged (an update's first side is
    the parameter after the step)."""
    entry = left.expr if str(getattr(left.expr, "func", "")) == "entry" else None
    target = entry.args[0] if entry is not None else left.expr
    if relation in ("←", ":=") and left.matrix and isinstance(target, sp.Symbol):
        step = target - sp.Symbol("eta") * sp.Function("D")(sp.Symbol("L"), target)
        if entry is not None:
            step = entry.func(step, *entry.args[1:])
        left = Side(step, left.rewritten, True, left.flat)  # the array after one step
    elif relation in ("←", ":=") and _plain_name(left.expr) or _update_shape(part, left, right):
        left = Side(sp.Symbol(left.expr.name + "_upd"), left.rewritten, left.matrix, left.flat) \
            if not left.matrix else left
    return _verdict(part, left, relation, right, rng, ranges, unequal), left, right


def _verdict(part, left: Side, relation: str, right: Side, rng, ranges, unequal) -> Verdict:
    values = Values(part)
    try:
        if left.matrix or right.matrix:
            if (left.numeric or right.numeric or left.literals or right.literals
                    or left.flat or right.flat or part.has_example):  # at the document's batch
                return judge_numbers(values, left, right)
            return judge_matrices(values, left, right, rng, relation in ("←", ":="))
        constant_of_name = (left.numeric and isinstance(right.expr, sp.Symbol) or
                            right.numeric and isinstance(left.expr, sp.Symbol) or
                            any("smpl" in n for n in left.names() | right.names()))
        if left.numeric and right.numeric or left.literals or right.literals or \
                constant_of_name:
            verdict = judge_numbers(values, left, right)
            if verdict.verdict == WRONG and _kink_convention(left, right):
                verdict = Verdict(OK, "a value at the kink is a convention (derivgen's "
                                  "subgradient: 0 by default, 1 can be selected)", "number")
            return verdict
        return judge_formulas(values, left, right, rng, ranges, unequal)
    except ShapeMismatch as exc:  # the document's shapes or the front matter's bindings
        if gradient_head(part, left) or gradient_head(part, right):
            return Verdict(WRONG, f"the formula cannot be formed from the arrays it names "
                           f"({exc}), while {left.rewritten.text[:60]} is a gradient of "
                           "known shape", "formula")
        return Verdict(NOT_JUDGEABLE, f"{exc} as the matrices are bound: check 'matrices' "
                       "in the front matter", "formula")
    except (DerivgenError, ReferenceParseError) as exc:
        return Verdict(NOT_JUDGEABLE, _unbound(str(exc)))
    except (ValueError, TypeError, ArithmeticError, AttributeError, KeyError,
            IndexError, RecursionError, NotImplementedError) as exc:
        return Verdict(NOT_JUDGEABLE, f"cannot evaluate: {type(exc).__name__}: "
                       f"{str(exc)[:200]}")


def _plain_name(expr: sp.Expr) -> bool:
    return isinstance(expr, sp.Symbol)


def _unbound(message: str) -> str:
    m = re.search(r"uses '([^']+)', which is not a name of the spec", message)
    if m:
        return f"{m.group(1)!r} is unbound: bind it under reference.where in the front matter"
    return message
