"""The sections of a matrix-form derivation: shapes, forward pass, loss, backward pass,
gradients, update rule and notes, each a list of :class:`~derivgen.sections.Display`.

Shapes are written under the symbols ([N × H], as seed 003 does) on the left
of every forward equation and every gradient.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from derivgen.render.matlatex import MatrixLatexPrinter, bold, shape_latex
from derivgen.render.profiles import Profile
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.losses import loss as loss_op
from derivgen.render.display import Display
from derivgen.engine.protocol import GradientModel



@dataclass
class MatrixDocument:
    """Everything a matrix-form template needs."""

    architecture: dict[str, Any]
    forward: list[Display]
    loss: list[Display]
    backward: list[Display]
    gradients: list[Display]
    inputs: list[Display]
    updates: list[Display]
    notes: dict[str, Any]


def _under(symbol: str, shape: tuple) -> str:
    return rf"\underset{{{shape_latex(shape)}}}{{{symbol}}}"


def build_matrix_document(model: GradientModel, profile: Profile) -> MatrixDocument:
    """The derivation of a matrix-form model, printed in ``profile``'s notation."""
    g, d = model.graph, model.derivation
    loss_symbol = profile.loss or (r"\mathcal{L}" if str(g.loss) == "L" and
                                   profile.symbols.get("L") == r"\mathcal{L}" else str(g.loss))
    plain = MatrixLatexPrinter({})
    adjoint_names = {a: rf"\frac{{\partial {loss_symbol}}}{{\partial {plain.doprint(n)}}}"
                     for n, a in d.adjoint_symbols.items()}
    outputs = {g.layers[-1].pre: g.layers[-1].post}
    printer = MatrixLatexPrinter(dict(adjoint_names), profile.matmul, outputs)
    p = printer.doprint

    forward = [Display("forward", (_under(p(s), s.shape), p(n.expr)))
               for s, n in g.nodes.items() if s != g.loss]
    loss = [Display("loss", (loss_symbol, p(g.nodes[g.loss].expr)))]
    backward = [Display("backward", (adjoint_names[d.adjoint_symbols[s]], p(e)))
                for s, e in d.adjoints.items() if s != g.loss]
    gradients = []
    for param, expr in d.param_adjoints.items():
        lhs = rf"\frac{{\partial {loss_symbol}}}{{\partial {p(param)}}}"
        lhs = _under(lhs, param.shape) if param.is_Matrix else lhs
        sides = [lhs, p(expr)]
        compact = p(d.compact(param))
        if compact != sides[-1]:
            sides.append(compact)
        gradients.append(Display("gradient", tuple(sides), str(param)))
    inputs = []
    if g.x in d.leaves:
        lhs = _under(rf"\frac{{\partial {loss_symbol}}}{{\partial {p(g.x)}}}", g.x.shape)
        inputs.append(Display("input", (lhs, p(d.input_adjoints[g.x]), p(d.compact(g.x)))))
    updates = [Display("update", (p(param), rf"{p(param)} - {profile.learning_rate} "
                                  rf"\frac{{\partial {loss_symbol}}}{{\partial {p(param)}}}"),
                       str(param), profile.assign) for param in g.params]
    acts = [layer.activation for layer in g.layers]
    architecture = {
        "layout": g.layout, "reduction": g.reduction, "loss": model.spec.loss,
        "loss_prose": loss_op(model.spec.loss).prose,
        "loss_symbol": loss_symbol, "subgradient": int(g.at0),
        "x": _under(p(g.x), g.x.shape), "y": _under(p(g.y), g.y.shape),
        "sizes": ", ".join(f"{sp.latex(s)} = {v}" for s, v in g.sizes.items()),
        "layers": [{"index": i + 1, "hidden": i < len(g.layers) - 1, "units": layer_units,
                    "activation": layer.activation,
                    "prose": ACTIVATIONS[layer.activation].prose,
                    "alpha": None if layer.alpha is None else f"{float(layer.alpha):g}",
                    "weight": _under(p(layer.weight), layer.weight.shape),
                    "bias": (None if layer.bias is None else
                             _under(p(layer.bias), layer.bias.shape) if layer.bias.is_Matrix
                             else p(layer.bias)),
                    "shared": layer.bias is not None and not layer.bias.is_Matrix}
                   for i, (layer, layer_units) in enumerate(
                       zip(g.layers, (spec_layer.units for spec_layer in model.spec.network.layers)))],
        "penalty": [rf"\lambda_{{{bold(name)}}} = {float(lam):g}"
                    for name, lam in g.penalty.items()],
    }
    notes = {"kinks": any(a in ("relu", "leaky_relu") for a in acts) or model.spec.loss == "mae",
             "cross_entropy": model.spec.loss == "cross_entropy", "penalty": bool(g.penalty)}
    return MatrixDocument(architecture, forward, loss, backward, gradients, inputs, updates,
                          notes)

