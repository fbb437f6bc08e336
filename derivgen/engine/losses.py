"""Per-sample losses, one line each, and how they attach to a graph.

All losses are written on the residual r = ŷ − y, except the two
cross-entropies, which are written on the logits so that their gradients come
out as p − y and generated code stays stable (log-sum-exp, softplus).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

import sympy as sp

from derivgen.errors import UnsupportedError
from derivgen.ops.functions import LogSumExp, Softplus

if TYPE_CHECKING:
    from derivgen.engine.graph import Graph

Half = sp.Rational(1, 2)

#: loss(residuals, outputs, targets, logits) for one sample
LOSSES: dict[str, Callable[[Sequence, Sequence, Sequence, Sequence], sp.Expr]] = {
    "half_sse": lambda r, f, y, s: Half * sp.Add(*(ri ** 2 for ri in r)),
    "sse":      lambda r, f, y, s: sp.Add(*(ri ** 2 for ri in r)),
    "mse":      lambda r, f, y, s: sp.Add(*(ri ** 2 for ri in r)) / len(r),
    "mae":      lambda r, f, y, s: sp.Add(*(sp.Abs(ri) for ri in r)) / len(r),
    # −Σ y log softmax(s) = LSE(s) − Σ y s when Σ y = 1; the right side is the definition
    "cross_entropy": lambda r, f, y, s: LogSumExp(*s) - sp.Add(*(a * b for a, b in zip(y, s))),
    # −[y log σ(s) + (1 − y) log(1 − σ(s))] = softplus(s) − y s
    "bce":      lambda r, f, y, s: sp.Add(*(Softplus(a) - b * a for a, b in zip(s, y))),
}

#: the output activation a loss is written through (its logits)
NEEDS_LOGITS = {"cross_entropy": "softmax", "bce": "sigmoid"}


def attach_loss(graph: "Graph", loss: str, residual: str, loss_name: str,
                activation: str | None) -> None:
    """Add residual nodes r_k = ŷ_k − y_k and the per-sample loss node to ``graph``.

    ``residual`` is a name template in {k}; ``activation`` is the output
    activation of a dense network (None for free-form models).
    """
    from derivgen.spec.naming import format_name
    if loss in NEEDS_LOGITS and activation != NEEDS_LOGITS[loss]:
        raise UnsupportedError(f"loss {loss} needs a {NEEDS_LOGITS[loss]} output layer")
    count = len(graph.outputs)
    residuals = []
    for k, (f, y) in enumerate(zip(graph.outputs, graph.targets)):
        name = format_name(residual, k=(k + 1, count))
        residuals.append(graph.add(name, f - y, "residual", unit=k))
    expr = LOSSES[loss](residuals, graph.outputs, graph.targets, graph.logits)
    graph.loss = graph.add(loss_name, expr, "loss")
