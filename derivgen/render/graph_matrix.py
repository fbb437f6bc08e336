"""The computation graph of a matrix-form model: one node per matrix, with its shape.

Edges carry what the matrix read receives from its reader, the vector-Jacobian
product of the backward pass (∂L/∂Z₂ W₂ᵀ into H₁), printed as the matrix
derivation prints it.  Values are shown by shape and Frobenius norm, or in full
when a matrix has at most four entries.
"""
from __future__ import annotations

from typing import Any

import sympy as sp

from derivgen.render.dot import Dot, Point, numbers
from derivgen.render.matlatex import MatrixLatexPrinter, shape_latex
from derivgen.render.unicode import latex_to_unicode


def matrix_dot(model: Any, point: Point | None) -> str:
    """DOT of a matrix-form model; ``point`` holds array parameters."""
    g, d = model.graph, model.derivation
    plain = MatrixLatexPrinter({})
    loss = latex_to_unicode(plain.doprint(g.loss))
    adjoint_names = {a: rf"\frac{{\partial {plain.doprint(g.loss)}}}{{\partial {plain.doprint(n)}}}"
                     for n, a in d.adjoint_symbols.items()}
    outputs = {g.layers[-1].pre: g.layers[-1].post}
    printer = MatrixLatexPrinter(adjoint_names, " ", outputs)
    values = model.values(point.params, point.x, point.y) if point else {}
    sizes = ", ".join(f"{s} = {v}" for s, v in g.sizes.items())
    title = f"{model.spec.name} (matrix form, {g.layout} layout; {sizes})"
    if point is not None:
        title += f"; values at {len(point.x)} sample(s)"
    dot = Dot(title)

    def label(s: sp.Basic, value: Any, grad: Any) -> str:
        name = latex_to_unicode(plain.doprint(s))
        shape = getattr(s, "shape", ())
        lines = [name + (f"  {latex_to_unicode(shape_latex(shape))}" if shape else "")]
        if point is not None and value is not None:
            lines.append(f"= {numbers(value)}")
        if point is not None and grad is not None:
            lines.append(f"∂{loss}/∂{name} = {numbers(grad)}")
        return "\n".join(lines)

    x_value, y_value = (point.x, point.y) if point else (None, None)
    if point is not None and g.layout == "columns":
        x_value, y_value = point.x.T, point.y.T
    dot.node(g.x, label(g.x, x_value, values.get(f"dL/d{g.x}")), "input")
    dot.node(g.y, label(g.y, y_value, None), "target")
    for p in g.params:
        value = point.params[str(p)] if point else None
        grad = point.grads[str(p)] if point else None
        dot.node(p, label(p, value, grad), "param")
    for s in g.nodes:
        kind = "loss" if s == g.loss else "node"
        dot.node(s, label(s, values.get(str(s)), None if s == g.loss
                          else values.get(f"dL/d{s}")), kind)
    for (reader, read), received in d.contributions.items():
        dot.edge(read, reader, latex_to_unicode(printer.doprint(received)))
    drawn = {(read, reader) for reader, read in d.contributions}
    for s, node in g.nodes.items():  # reads no derivative goes through (targets, ŷ beside CE)
        for read in (g.x, g.y, *g.params, *g.nodes):
            if read in node.expr.free_symbols and (read, s) not in drawn:
                dot.edge(read, s, None)
    return dot.text()
