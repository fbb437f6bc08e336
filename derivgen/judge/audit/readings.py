"""Readings of a link that depend on its surroundings: the prose that states what a
formula is about, a value at a kink, and a parameter set to "its value minus a step"."""
from __future__ import annotations

import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError
from derivgen.judge.audit.sides import Side


ACTIVATION_WORDS = {"relu": "relu", "сигмоид": "sigmoid", "sigmoid": "sigmoid",
                    "logistic": "sigmoid", "логистич": "sigmoid", "tanh": "tanh",
                    "leaky": "leaky_relu", "softplus": "softplus"}


def prose_activations(context: str) -> set[str]:
    """The activations the prose before a statement names ("For ReLU:", "для сигмоиды")."""
    lowered = context.lower()
    return {v for k, v in ACTIVATION_WORDS.items() if k in lowered}


def applied_functions(part, exprs) -> list[tuple[str, str]]:
    """(document function name, what the network binds it to) of every function the
    expressions apply, σ' as σ; names bound to a node are left out."""
    out = []
    for expr in exprs:
        for f in expr.atoms(sp.core.function.AppliedUndef):
            base = str(f.func).removesuffix("_prime")
            target = part.mapper.functions.get(base)
            if target is not None and target != "node":
                out.append((base, target))
    return out


def stated_for(part, sides: list[Side], context: str) -> str | None:
    """The activation the prose says a statement is about ("For ReLU: σ'(z) = 1"), when
    the statement applies another one of the network's function names."""
    said = prose_activations(context)
    if not said:
        return None
    used = {target for _, target in applied_functions(part, [s.expr for s in sides])}
    if used - said:
        return (f"stated for {', '.join(sorted(said))} (the prose before it says so), while "
                f"{', '.join(sorted(used - said))} is this network's function: not judged")
    return None



def _kink_convention(left: Side, right: Side) -> bool:
    """a'(0) = 0 or 1, ReLU'(0) = 1: the derivative at the kink is a chosen convention."""
    calls = [f for f in left.expr.atoms(sp.core.function.AppliedUndef)
             if str(f.func).endswith("_prime") and f.args == (sp.Integer(0),)]
    return bool(calls) and right.expr in (sp.Integer(0), sp.Integer(1))


def _update_shape(part, left: Side, right: Side) -> bool:
    """``w_21 = 0.4 - 0.1 (-0.027)``: a parameter set to its own value minus a step is the
    parameter after the step (the message says it is read so)."""
    if not (isinstance(left.expr, sp.Symbol) and right.literals and right.expr.is_Add):
        return False
    try:
        value = part.mapper.map(left.expr)
    except (DerivgenError, ReferenceParseError):
        return False
    if value not in part.model.graph.params:
        return False
    old = part.params.get(value.name)
    lits = {sp.Symbol(k): v.value for k, v in right.literals.items()}
    return any(isinstance(t, sp.Symbol) and t in lits and abs(lits[t] - old) < 1e-12
               for t in right.expr.args)


def gradient_head(part, side: Side) -> bool:
    """∂L/∂W, ∇_W L, or a name bound to the adjoints of a layer (dscores): a gradient, whose
    shape is the engine's, so a formula for it that does not fit its shape is wrong."""
    expr = side.expr
    if isinstance(expr, sp.core.function.AppliedUndef) and str(expr.func) == "D":
        return True
    if isinstance(expr, sp.Symbol) and part.matrices is not None:
        binding = part.matrices[1].get(expr.name)
        return binding is not None and binding.kind == "adjoint"
    return False
