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
from typing import Callable

from derivgen.ops.lazy import lazy

from derivgen.codegen.matrix import (FlatNames, bias_vectors, compile_matrix_function,
                                     flat_layout)
from derivgen.engine.graph import Graph
from derivgen.engine.matgraph import build_matrix_network
from derivgen.engine.matrules import MatrixRules
from derivgen.engine.reverse import Derivation, reverse_pass
from derivgen.errors import DerivgenError
from derivgen.spec.records import Network, Spec

np = lazy("numpy")  # imported when first used: derive never needs it


class DenseTwin:
    """The matrix form's gradient and loss over one flat vector of the scalar parameters.

    ``theta`` holds the scalar parameters named by ``order`` (the matrix code's flat
    layout, rows layout).  :meth:`function` compiles, on first use, "gradient" (a dict
    over the scalar names in ``graph.params`` order), "loss", "loss_gradient" (both)
    and "step" (the loss and the gradient as one vector in the order of ``theta``,
    a training step's work).
    """

    def __init__(self, derivation: Derivation, order: list[str], params: list[str]) -> None:
        self.derivation, self.order, self._params = derivation, order, params
        self._made: dict[str, Callable] = {}

    def function(self, what: str) -> Callable:
        """The generated function for ``what`` (see the class docstring)."""
        if what not in self._made:
            flat = FlatNames() if what == "step" else FlatNames(self.order, self._params)
            kind = "loss_gradient" if what == "step" else what
            self._made[what] = compile_matrix_function(self.derivation, kind, flat)[0]
        return self._made[what]


def names_in_flat_order(graph: Graph, mgraph, matrix_layout: str) -> list[str] | None:
    """The scalar parameter names in the order of the matrix code's flat vector."""
    names: list[str] = []
    vectors = bias_vectors(mgraph)
    for p, (name, _, _, shape) in zip(mgraph.params, flat_layout(mgraph)):
        group = graph.groups.get(name)
        if p in vectors:  # (units,) in rows, (units, 1) in columns
            if group is None or np.ndim(group) != 1 or np.size(group) != shape[0]:
                return None
            names += list(group)
        elif shape:
            if group is None:
                return None
            arr = np.array(group, dtype=object)  # written in the spec's matrix_layout
            if (mgraph.layout == "rows") == (matrix_layout == "out_in"):
                arr = arr.T  # rows: (fan_in, units); columns: (units, fan_in)
            if arr.shape != shape:
                return None
            names += arr.ravel().tolist()
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
        names = names_in_flat_order(graph, mgraph, net.names.matrix_layout)
        params = [p.name for p in graph.params]
        if names is None or not all(isinstance(n, str) for n in names) or sorted(
                names) != sorted(params):
            return None
        twin = DenseTwin(reverse_pass(mgraph, MatrixRules(mgraph)), names, params)
        twin.function("gradient")  # printing fails here, if anywhere: then per unit
    except DerivgenError:
        return None
    return twin
