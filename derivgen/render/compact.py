"""Compact mode: one generic unit per layer, with index letters, the other units alike.

A full derivation lists every parameter, so its length grows with the parameters
times the depth.  Compact mode writes the derivation as seed 001's 2-3-2 section
and seed 003's matrix sections do: z_{1k} = Σ_j w_{1kj} x_j + b_{1k} for every unit
k of a layer, one backward formula per layer quantity, one gradient per parameter
group.  The formulas are the matrix form's derivation (which costs the same at any
width) written entry by entry (:mod:`derivgen.render.indexed`), in the names of the
scalar form and the notation of the spec's profile.  ``derive --compact`` asks for
it; a network of more than :data:`COMPACT_ABOVE` parameters gets it by default
(``--full`` lists every parameter).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from derivgen.engine.matgraph import build_matrix_network
from derivgen.engine.matrules import MatrixRules
from derivgen.engine.reverse import reverse_pass
from derivgen.ops.activations import ACTIVATIONS
from derivgen.ops.losses import loss as loss_op
from derivgen.ops.matexpr import BatchLoss
from derivgen.render.breaking import E, Join, Layout, Part, Seq, remember, rows
from derivgen.render.display import Display, laid_out
from derivgen.render.indexed import Indexer
from derivgen.render.matsections import matrix_loss_symbol
from derivgen.render.overview import activation_notes
from derivgen.render.latex import (FUNCTION_NAMES, NotationPrinter, SymbolLatex, name_latex,
                                  reduction_prefix, subscript)
# COMPACT_ABOVE is re-exported: the size above which compact is the default
from derivgen.spec.forms import COMPACT_ABOVE, parameter_count  # noqa: F401


class CompactNotation:
    """What a :class:`NotationPrinter` asks of a notation, for generic units."""

    def __init__(self, profile: Any, indexer: Indexer, alpha: Any) -> None:
        self.profile, self.indexer, self.alpha = profile, indexer, alpha
        self.sample = profile.sample_index if indexer.per_sample else None

    def symbol(self, s: sp.Symbol, sample: bool = True, label: str | None = None) -> str:
        return self.indexer.table.get(s) or name_latex(s.name)

    def _layer(self, arg: Any) -> int | None:
        return self.indexer.layer_of.get(arg)

    def function_name(self, key: str, arg: Any) -> str:
        """σ_h/σ_o by layer where the profile says so, else the activation's name."""
        layer = self._layer(arg)
        if self.profile.layer_functions and layer is not None:
            return r"\sigma_{o}" if layer == self.indexer.depth else r"\sigma_{h}"
        return self.profile.functions.get(key, FUNCTION_NAMES[key])

    def step_style(self, arg: Any) -> tuple[str, None, str]:
        """ReLU'(z) where the profile writes primes and the kink is a ReLU's, else [z > 0]."""
        style, layer = self.profile.step, self._layer(arg)
        relu = layer is not None and self.indexer.g.layers[layer - 1].activation == "relu"
        if style in ("g", "prime") and relu:
            return "prime", None, self.function_name("relu", arg)
        return ("iverson" if style == "iverson" else "indicator"), None, ""


@dataclass
class CompactDocument:
    """The sections of a compact derivation, every formula a :class:`Display`."""

    architecture: dict[str, Any]
    forward: list[tuple[dict[str, Any], list[Display]]] = field(default_factory=list)
    loss: list[Display] = field(default_factory=list)
    backward: list[Display] = field(default_factory=list)
    gradients: list[Display] = field(default_factory=list)
    inputs: list[Display] = field(default_factory=list)
    updates: list[Display] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def update_rows(self) -> list[list[Display]]:
        return rows(self.updates)

    def displays(self) -> list[Display]:
        """Every display, in order."""
        out = [d for _, ds in self.forward for d in ds]
        return out + self.loss + self.backward + self.gradients + self.inputs + self.updates \
            + self.notes["activations"] + self.notes["kinks"]


class CompactBuilder:
    """Builds the compact derivation of a matrix-form model under a profile."""

    def __init__(self, model: Any, profile: Any) -> None:
        self.model, self.profile, self.g = model, profile, model.graph
        g = self.g
        self.loss_symbol = matrix_loss_symbol(profile, g.loss)
        # backward formulas are per sample, of L_n, as in the full derivation: they come
        # from the derivation of the summed loss (the mean's 1/N joins the gradients)
        per_sample = g.reduction != "single"
        summed = build_matrix_network(dataclasses.replace(model.spec, reduction="sum"))
        self.d = reverse_pass(summed, MatrixRules(summed))
        own = SymbolLatex.parse(self.loss_symbol, True)
        sample_loss = subscript(own.base, own.parts + (profile.sample_index,)) \
            if per_sample else self.loss_symbol
        self.ix = Indexer(summed, self.d, model.spec.network.names, profile, sample_loss,
                          per_sample)
        self.sg = summed
        slopes = {layer.alpha for layer in g.layers if layer.alpha is not None}
        self.alpha = next(iter(slopes)) if len(slopes) == 1 else None
        self.nt = CompactNotation(profile, self.ix, self.alpha)
        self.printer = remember(NotationPrinter(self.nt, True))  # type: ignore[arg-type]
        self.layout = Layout()
        #: the mean's 1/N before a sum over the samples
        self.per_n = sp.Symbol("1/N", positive=True)
        self.ix.table[self.per_n] = r"\frac{1}{N}"
        self.ix.role[self.per_n] = "factor"

    def show(self, kind: str, lhs: str, expr: sp.Expr | Part, param: str | None = None,
             op: str = "=", free: tuple = ()) -> Display:
        """lhs = expr; ``free`` are the entry's indices, whose letters the formula is for."""
        parts = [lhs, E(self.ix.arrange(expr), self.printer)
                 if isinstance(expr, sp.Basic) else expr]
        each = tuple((str(i.letter), self.ix.size[i.axis]) for i in free
                     if i.letter is not None and i.axis != "n")
        return laid_out(self.layout, kind, parts, param, op, each=each)

    def _entry(self, m: Any, own: int) -> tuple[str, Any, Any]:
        """(LaTeX of the entry of ``m`` with the formula's own letters, its indices)."""
        self.ix.start(own)
        r, c = self.ix.at(m)
        return self.printer.doprint(self.ix.entry(m, r, c)), r, c

    def _layer_of(self, m: Any) -> int:
        return max(a for a in (self.ix.axis.get(d) for d in m.shape) if isinstance(a, int))

    def build(self) -> CompactDocument:
        g, d, ix = self.sg, self.d, self.ix
        doc = CompactDocument(self.architecture())
        for li, layer in enumerate(g.layers, start=1):
            shown = []
            for node in (layer.pre, layer.post):
                lhs, r, c = self._entry(node, li)
                shown.append(self.show("forward", lhs, ix.entry(g.nodes[node].expr, r, c),
                                       free=(r, c)))
            doc.forward.append((doc.architecture["layers"][li - 1], shown))
        doc.loss.append(self.show("loss", self.loss_symbol, self.loss()))
        for node, expr in d.adjoints.items():
            if node == g.loss:
                continue
            lhs, r, c = self._entry(d.adjoint_symbols[node], self._layer_of(node))
            doc.backward.append(self.show("backward", lhs, ix.entry(expr, r, c), free=(r, c)))
        adjoints = set(ix.adjoint)
        for param, expr in d.param_adjoints.items():
            if self.g.reduction == "mean":  # the samples' part of a gradient, not a penalty
                expr = sp.Add(*(self.per_n * t if t.free_symbols & adjoints else t
                                for t in sp.Add.make_args(expr)))
            if not param.is_Matrix:  # a bias shared by a layer: one number
                ix.start(ix.kind[param][1])
                symbol = self.printer.doprint(ix.scalar(param))
                lhs = rf"\frac{{\partial {self.loss_symbol}}}{{\partial {symbol}}}"
                free: tuple = ()
                doc.gradients.append(self.show("gradient", lhs, ix.scalar(expr), str(param)))
            else:
                symbol, r, c = self._entry(param, self._layer_of(param))
                lhs = rf"\frac{{\partial {self.loss_symbol}}}{{\partial {symbol}}}"
                free = (r, c)
                doc.gradients.append(self.show("gradient", lhs, ix.entry(expr, r, c),
                                               str(param), free=free))
            doc.updates.append(self.show(
                "update", symbol, rf"{symbol} - {self.profile.learning_rate} \cdot {lhs}",
                str(param), self.profile.assign, free))
        if g.x in d.leaves:
            lhs, r, c = self._entry(g.x, 1)
            lhs = rf"\frac{{\partial {ix.loss_symbol}}}{{\partial {lhs}}}"
            doc.inputs.append(self.show("input", lhs, ix.entry(d.input_adjoints[g.x], r, c),
                                        free=(r, c)))
        doc.notes = self.notes()
        return doc

    def loss(self) -> Part:
        """Σ_n (or (1/N) Σ_n) of one sample's loss, then the penalties, as sections.py does."""
        g, ix = self.g, self.ix
        ix.start(len(g.layers))
        items: list = []
        for term in sp.Add.make_args(g.nodes[g.loss].expr):
            batch = [f for f in sp.Mul.make_args(term) if isinstance(f, BatchLoss)]
            if not batch:  # a penalty λ Σ w²: its letters are those of its weight's layer
                ix.start(max(self._layer_of(m) for m in term.atoms(sp.MatrixSymbol)))
                items.append(E(ix.arrange(ix.scalar(term)), self.printer))
                continue
            ix.start(len(g.layers))
            coeff, body = ix.sample_loss(batch[0])
            scale = coeff / g.batch if g.reduction == "mean" else coeff
            front = reduction_prefix(scale, self.printer.doprint(scale),
                                     self.profile.sample_index, g.reduction == "single")
            items.insert(0, Seq((front, E(ix.arrange(body), self.printer))))
        return Join(tuple(("" if i == 0 else " + ", item) for i, item in enumerate(items)))

    def architecture(self) -> dict[str, Any]:
        """Sizes, and per layer: its letter range, activation and parameter names."""
        g, ix, net = self.g, self.ix, self.model.spec.network
        layers = []
        for li, layer in enumerate(g.layers, start=1):
            unit = self._entry(layer.pre, li)[0]
            weight = self._entry(layer.weight, li)[0]
            bias = (None if layer.bias is None else self._entry(layer.bias, li)[0]
                    if layer.bias.is_Matrix else self.printer.doprint(ix.scalar(layer.bias)))
            letter = str(ix.pool[0])
            act = ACTIVATIONS[layer.activation]
            layers.append({"index": li, "hidden": li < len(g.layers), "units": ix.size[li],
                           "letter": letter, "unit": unit, "weight": weight, "bias": bias,
                           "shared": layer.bias is not None and not layer.bias.is_Matrix,
                           "fan_in": ix.size[li - 1], "prose": act.prose,
                           "alpha": None if layer.alpha is None else f"{float(layer.alpha):g}"})
        data = self._entry(g.x, 1)[0]  # x_j: the inputs are the layer before the first
        return {"inputs": net.inputs, "input": data, "layers": layers,
                "reduction": g.reduction, "sample": self.profile.sample_index,
                "loss": self.model.spec.loss, "loss_prose": loss_op(self.model.spec.loss).prose,
                "loss_symbol": self.loss_symbol, "subgradient": int(g.at0),
                "parameters": parameter_count(net)}

    def notes(self) -> dict[str, Any]:
        """Derivatives of the activations used, the value at kinks, one symbol for two."""
        used = list(dict.fromkeys(layer.activation for layer in self.g.layers))
        activations, kinks, keys = activation_notes(used, self.profile.functions, self.g.at0,
                                                    self.printer.doprint)
        leaky = any(lay.activation == "leaky_relu" for lay in self.g.layers)
        clashes = ([(r"\alpha", ["learning_rate", "leaky_slope"])]
                   if leaky and self.profile.learning_rate == r"\alpha" else [])
        return {"activations": activations, "kinks": kinks, "kink_keys": keys,
                "clashes": clashes, "cross_entropy": self.model.spec.loss == "cross_entropy"}


def build_compact(model: Any, profile: Any) -> CompactDocument:
    """The compact derivation of a matrix-form ``model`` in ``profile``'s notation."""
    return CompactBuilder(model, profile).build()
