"""Making models: from a spec file or text (:func:`load`) or from layer sizes (:func:`mlp`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from derivgen.errors import SpecError
from derivgen.model.scalar import Model
from derivgen.spec.forms import with_form
from derivgen.spec import Network, Spec, build_spec, read_spec

if TYPE_CHECKING:
    from derivgen.model.matrix import MatrixModel


def from_spec(spec: Spec) -> Model | MatrixModel:
    """The model of a validated spec: :class:`MatrixModel` for ``form: matrix``."""
    if isinstance(spec.network, Network) and spec.network.form == "matrix":
        from derivgen.model.matrix import MatrixModel  # its modules load only when needed
        return MatrixModel(spec)
    return Model(spec)


def load(path_or_yaml_text: str | Path, form: str | None = None) -> Model | MatrixModel:
    """Load a spec from a file path or from YAML text and derive its gradients.

    ``form`` ("scalar" or "matrix") overrides the spec's ``form:``.  A network
    turned into matrix form keeps its weight arrays: ``matrix_layout: in_out``
    becomes the rows layout (X·W + b), ``out_in`` the columns layout (W·x + b).
    """
    return from_spec(with_form(read_spec(path_or_yaml_text), form))


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
