"""The sections of a matrix-form derivation: shapes, forward pass, loss, backward pass,
gradients, update rule and notes, each a list of :class:`~derivgen.sections.Display`.

Shapes are written under the symbols ([N × H], as seed 003 does) on the left
of every forward equation and every gradient.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy import OneMatrix

from derivgen.render.matlatex import MatrixLatexPrinter, bold, shape_latex
from derivgen.render.profiles import Profile
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.losses import loss as loss_op
from derivgen.render.breaking import E, Layout, remember, rows
from derivgen.render.display import Display, laid_out
from derivgen.render.latex import name_latex
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

    @property
    def update_rows(self) -> list[list[Display]]:
        """The update rules two to a line where two fit."""
        return rows(self.updates)


def _under(symbol: str, shape: tuple) -> str:
    return rf"\underset{{{shape_latex(shape)}}}{{{symbol}}}"


def matrix_loss_symbol(profile: Profile, loss: sp.Symbol) -> str:
    """The total loss of a matrix-form document: the profile's, else the loss node's."""
    if profile.loss:
        return profile.loss
    if str(loss) == "L" and profile.symbols.get("L") == r"\mathcal{L}":
        return r"\mathcal{L}"
    return name_latex(str(loss))


def build_matrix_document(model: GradientModel, profile: Profile) -> MatrixDocument:
    """The derivation of a matrix-form model, printed in ``profile``'s notation."""
    g, d = model.graph, model.derivation
    loss_symbol = matrix_loss_symbol(profile, g.loss)
    plain = MatrixLatexPrinter({})
    adjoint_names = {a: rf"\frac{{\partial {loss_symbol}}}{{\partial {plain.doprint(n)}}}"
                     for n, a in d.adjoint_symbols.items()}
    outputs = {g.layers[-1].pre: g.layers[-1].post}
    printer = remember(MatrixLatexPrinter(dict(adjoint_names), profile.matmul, outputs))
    p = printer.doprint
    layout = Layout()

    def show(kind: str, parts: list, param: str | None = None, op: str = "=") -> Display:
        """A display; too wide for the page, it comes with its lines as well."""
        return laid_out(layout, kind, parts, param, op)

    forward = [show("forward", [_under(p(s), s.shape), E(n.expr, printer)])
               for s, n in g.nodes.items() if s != g.loss]
    loss = [show("loss", [loss_symbol, E(g.nodes[g.loss].expr, printer)])]
    backward = [show("backward", [adjoint_names[d.adjoint_symbols[s]], E(e, printer)])
                for s, e in d.adjoints.items() if s != g.loss]
    gradients = []
    for param, expr in d.param_adjoints.items():
        lhs = rf"\frac{{\partial {loss_symbol}}}{{\partial {p(param)}}}"
        lhs = _under(lhs, param.shape) if param.is_Matrix else lhs
        sides = [lhs, E(expr, printer)]
        compact = E(d.compact(param), printer)
        if layout.text(compact) != layout.text(sides[-1]):
            sides.append(compact)
        gradients.append(show("gradient", sides, str(param)))
    inputs = []
    if g.x in d.leaves:
        lhs = _under(rf"\frac{{\partial {loss_symbol}}}{{\partial {p(g.x)}}}", g.x.shape)
        inputs.append(show("input", [lhs, E(d.input_adjoints[g.x], printer),
                                     E(d.compact(g.x), printer)]))
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
        # how the prose says a bias reaches every sample: 1_N for a bias vector, and
        # b·1_{N×H}, a number times a matrix of ones, for a bias shared by a layer
        "vector_bias": any(layer.bias is not None and layer.bias.is_Matrix
                           for layer in g.layers),
        "shared": [f"{p(layer.bias)} {p(OneMatrix(*layer.pre.shape))}" for layer in g.layers
                   if layer.bias is not None and not layer.bias.is_Matrix],
    }
    kinds = [a for a in ("relu", "leaky_relu") if a in acts] + (
        ["abs"] if model.spec.loss == "mae" else [])
    notes = {"kinks": kinds,
             "cross_entropy": model.spec.loss == "cross_entropy", "penalty": bool(g.penalty)}
    return MatrixDocument(architecture, forward, loss, backward, gradients, inputs, updates,
                          notes)

