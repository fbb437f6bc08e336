"""Matrix code inside a scalar-form dense network, where it is faster.

A dense network in scalar form has one statement per unit, adjoint and
parameter; NumPy pays its per-call overhead on each.  The same network's matrix
form computes the same numbers with a handful of GEMMs.  The scalar model keeps
its per-unit formulas (documents, ``values``, the derivation) and runs its
gradient and loss through the matrix form's generated code, with its scalar
parameters laid out once as the matrix form's flat vector.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from derivgen.ops.lazy import lazy

from derivgen.codegen.matrix import compile_matrix_function, flat_layout
from derivgen.engine.graph import Graph
from derivgen.engine.matgraph import build_matrix_network
from derivgen.engine.matrules import MatrixRules
from derivgen.engine.reverse import reverse_pass
from derivgen.errors import DerivgenError
from derivgen.spec.records import Network, Spec

np = lazy("numpy")  # imported when first used: derive never needs it


@dataclass(frozen=True)
class DenseTwin:
    """The matrix form's flat gradient and loss, and how the scalar parameters map onto them."""

    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    loss: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    #: scalar parameter positions (graph.params order) in the matrix form's flat order
    perm: np.ndarray
    #: the inverse permutation: flat matrix order back to graph.params order
    inv: np.ndarray


def _names_in_flat_order(graph: Graph, mgraph, matrix_layout: str) -> list[str] | None:
    names: list[str] = []
    for name, _, _, shape in flat_layout(mgraph):
        if len(shape) == 2:
            group = graph.groups.get(name)
            if group is None:
                return None
            arr = np.array(group, dtype=object)
            arr = arr.T if matrix_layout == "out_in" else arr  # to (fan_in, units)
            if arr.shape != shape:
                return None
            names += arr.ravel().tolist()
        elif len(shape) == 1:
            group = graph.groups.get(name)
            if group is None or np.shape(group) != shape:
                return None
            names += list(group)
        else:
            names.append(name)
    return names


def dense_twin(spec: Spec, graph: Graph) -> DenseTwin | None:
    """The matrix-form twin of a dense scalar-form network, or None when there is none
    (a free-form model) or it would not pay (every layer one unit wide)."""
    net = spec.network
    if not isinstance(net, Network) or all(layer.units == 1 for layer in net.layers):
        return None
    twin = dataclasses.replace(spec, network=dataclasses.replace(
        net, form="matrix", layout="rows", l2=()))
    try:
        mgraph = build_matrix_network(twin)
        derivation = reverse_pass(mgraph, MatrixRules(mgraph))
        names = _names_in_flat_order(graph, mgraph, net.names.matrix_layout)
        order = {p.name: i for i, p in enumerate(graph.params)}
        if names is None or not all(isinstance(n, str) for n in names) or sorted(
                names) != sorted(order):
            return None
        gradient = compile_matrix_function(derivation, "gradient", flat=True)[0]
        loss = compile_matrix_function(derivation, "loss", flat=True)[0]
    except DerivgenError:
        return None
    perm = np.array([order[n] for n in names], dtype=np.intp)
    return DenseTwin(gradient, loss, perm, np.argsort(perm))
