"""derivgen: derive, print and verify gradients of small networks symbolically."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Sequence

from .errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError
from .matmodel import MatrixModel
from .model import Model
from .naming import Names
from .spec import Activation, Layer, Network, Spec, build_spec, read_spec
from .verify import GradientReport, check_gradients

__all__ = ["load", "mlp", "check_gradients", "Model", "MatrixModel", "GradientReport", "DerivgenError",
           "SpecError", "UnsupportedError", "ReferenceParseError", "Names", "Activation", "Layer",
           "Network", "Spec", "read_spec"]
__version__ = "0.1.0"


def from_spec(spec: Spec) -> Model | MatrixModel:
    """The model of a validated spec: :class:`MatrixModel` for ``form: matrix``."""
    if isinstance(spec.network, Network) and spec.network.form == "matrix":
        return MatrixModel(spec)
    return Model(spec)


def load(path_or_yaml_text: str | Path, form: str | None = None) -> Model | MatrixModel:
    """Load a spec from a file path or from YAML text and derive its gradients.

    ``form`` ("scalar" or "matrix") overrides the spec's ``form:``.  A network
    turned into matrix form keeps its weight arrays: ``matrix_layout: in_out``
    becomes the rows layout (X·W + b), ``out_in`` the columns layout (W·x + b).
    """
    spec = read_spec(path_or_yaml_text)
    if form is not None:
        if form not in ("scalar", "matrix"):
            raise ValueError(f"form must be 'scalar' or 'matrix', not {form!r}")
        net = spec.network
        if not isinstance(net, Network):
            if form == "matrix":
                raise SpecError("only a 'network:' spec has a matrix form", spec.source)
        elif form != net.form:
            layout = "rows" if net.names.matrix_layout == "in_out" else "columns"
            spec = dataclasses.replace(spec, network=dataclasses.replace(
                net, form=form, layout=layout if form == "matrix" else net.layout,
                l2=net.l2 if form == "matrix" else ()))
    return from_spec(spec)


def mlp(sizes: Sequence[int], hidden: str = "sigmoid", output: str = "identity",
        loss: str = "half_sse", form: str = "scalar", bias: str = "neuron",
        reduction: str = "mean", alpha: float = 0.01, subgradient: int = 0,
        name: str = "mlp", layout: str = "rows",
        l2: float | dict[str, float] | None = None) -> Model | MatrixModel:
    """A dense network with ``sizes = [D, H1, …, C]`` and the given activations and loss.

    ``reduction`` is "mean" unless given (the loss averaged over the N samples).
    ``form="matrix"`` derives over the whole batch with array parameters W_l, b_l;
    its ``layout`` is "rows" (X·W + b, W is [in×out]) or "columns" (W·x + b), and
    ``l2`` adds λ·ΣW² for every weight matrix (a number) or for the named ones (a dict).
    """
    if len(sizes) < 2:
        raise SpecError("mlp needs at least [inputs, outputs] sizes", name)
    layers = []
    for i, units in enumerate(sizes[1:]):
        act = output if i == len(sizes) - 2 else hidden
        layers.append({"units": int(units), "activation": act, "bias": bias}
                      | ({"alpha": float(alpha)} if act == "leaky_relu" else {}))
    network: dict = {"inputs": int(sizes[0]), "layers": layers, "form": form}
    if form == "matrix":
        network["layout"] = layout
        if l2 is not None:
            network["l2"] = l2
    elif layout != "rows" or l2 is not None:
        raise SpecError("layout and l2 belong to form='matrix'", name)
    data = {"name": name, "network": network, "loss": loss, "reduction": reduction,
            "subgradient": subgradient}
    return from_spec(build_spec(data, name))
