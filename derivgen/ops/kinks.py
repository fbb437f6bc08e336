"""Where an expression is not differentiable: one kink finder for every form.

A kink is where ReLU, leaky ReLU, |·|, a step or a sign switches (its argument
is 0), where max/min switch, where a Piecewise condition flips, and, in matrix
form, where an entrywise function with such a kink or the MAE loss does.
Gradient checks and the judge keep their random points away from them.
"""
from __future__ import annotations

import sympy as sp
from sympy import MatAdd, MatMul

from derivgen.ops.activations import KINK_FUNCTIONS
from derivgen.ops.functions import Sign, Step
from derivgen.ops.losses import loss
from derivgen.ops.matexpr import BatchLoss, Elementwise

#: scalar functions whose first argument is 0 at a kink
KINKS: tuple[type, ...] = (*KINK_FUNCTIONS, sp.Abs, Step, Sign)


def kink_arguments(expr: sp.Basic) -> list[sp.Basic]:
    """Every expression that is 0 at a kink of ``expr`` (matrices for matrix form), once each."""
    found: list[sp.Basic] = []
    stack, seen = [expr], set()
    while stack:  # shared subtrees are visited once: the walk is linear in the DAG
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if isinstance(e, Elementwise):  # its body is in Lambda variables: judged as a whole
            if e.function.expr.atoms(*KINKS):
                found.append(e.mats[0])
            stack.extend(reversed(e.mats))
            continue
        stack.extend(reversed(e.args))
        if isinstance(e, KINKS):
            found.append(e.args[0])
        elif isinstance(e, (sp.Max, sp.Min)) and len(e.args) == 2:
            found.append(e.args[0] - e.args[1])
        elif isinstance(e, sp.Piecewise):
            found += [c.lhs - c.rhs for _, c in e.args
                      if isinstance(c, sp.core.relational.Relational)]
        elif isinstance(e, BatchLoss) and loss(e.kind).kink:
            found.append(MatAdd(e.z, MatMul(-1, e.y)))
    return list(dict.fromkeys(found))
