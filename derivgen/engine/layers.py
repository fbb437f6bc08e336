"""What both graph builders share about a stack of dense layers."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivgen.ops.activations import activation
from derivgen.spec.records import ACT_VAR, Activation, Layer, Network


@dataclass(frozen=True)
class LayerPlan:
    """One dense layer as a builder sees it."""

    index: int          # 0-based position in the stack
    fan_in: int         # units feeding it
    units: int
    last: bool          # the output layer
    layer: Layer
    #: the {l} index for names that drop a single-valued layer index (w_1 in a 1-layer net)
    label: tuple[int, int]
    #: the {l} index for group names, which always carry it (W_1 even in a 1-layer net)
    group_label: tuple[int, int]


def plan(net: Network) -> list[LayerPlan]:
    """The layers of ``net`` in order, with their sizes and name indices."""
    sizes = [net.inputs] + [layer.units for layer in net.layers]
    depth, base = len(net.layers), net.names.layer_base
    return [LayerPlan(i, sizes[i], sizes[i + 1], i == depth - 1, layer,
                      (i + base, depth), (i + base, 2))
            for i, layer in enumerate(net.layers)]


def apply_activation(act: Activation, z: sp.Expr) -> sp.Expr:
    """σ(z) for an elementwise activation: a registry record or a custom formula in x."""
    if act.name == "custom":
        return act.formula.xreplace({ACT_VAR: z})
    return activation(act.name).build(z, act.alpha)
