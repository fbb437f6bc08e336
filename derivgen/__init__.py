"""derivgen: derive, print and verify gradients of small networks symbolically."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError
from .model import Model
from .naming import Names
from .spec import Activation, Layer, Network, Spec, build_spec, read_spec
from .verify import GradientReport, check_gradients

__all__ = ["load", "mlp", "check_gradients", "Model", "GradientReport", "DerivgenError",
           "SpecError", "UnsupportedError", "ReferenceParseError", "Names", "Activation", "Layer",
           "Network", "Spec", "read_spec"]
__version__ = "0.1.0"


def load(path_or_yaml_text: str | Path) -> Model:
    """Load a spec from a file path or from YAML text and derive its gradients."""
    return Model(read_spec(path_or_yaml_text))


def mlp(sizes: Sequence[int], hidden: str = "sigmoid", output: str = "identity",
        loss: str = "half_sse", form: str = "scalar", bias: str = "neuron",
        reduction: str = "mean", alpha: float = 0.01, subgradient: int = 0,
        name: str = "mlp") -> Model:
    """A dense network with ``sizes = [D, H1, …, C]`` and the given activations and loss.

    ``reduction`` is "mean" unless given (the loss averaged over the N samples).
    """
    if len(sizes) < 2:
        raise SpecError("mlp needs at least [inputs, outputs] sizes", name)
    layers = []
    for i, units in enumerate(sizes[1:]):
        act = output if i == len(sizes) - 2 else hidden
        layers.append({"units": int(units), "activation": act, "bias": bias}
                      | ({"alpha": float(alpha)} if act == "leaky_relu" else {}))
    data = {"name": name, "network": {"inputs": int(sizes[0]), "layers": layers, "form": form},
            "loss": loss, "reduction": reduction, "subgradient": subgradient}
    return Model(build_spec(data, name))
