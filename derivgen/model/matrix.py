"""MatrixModel: a spec in matrix form, with the same interface as :class:`Model`.

Parameters are arrays: W_l of shape (in, out) in the rows layout and
(out, in) in the columns layout, b_l of shape (units,).  Callers always pass
x as (N, D) and y as (N, C); the columns layout transposes them itself.
"""
from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any, Callable

from derivgen.ops.lazy import lazy

from derivgen.codegen.matrix import FlatNames, compile_matrix_function
from derivgen.engine.matgraph import MatGraph, build_matrix_network
from derivgen.engine.matrules import MatrixRules
from derivgen.errors import UnsupportedError
from derivgen.model.base import BaseModel, Params, TrainStep
from derivgen.model.scalar import Model
from derivgen.spec.records import Network

np = lazy("numpy")  # imported when first used: derive never needs it


class MatrixModel(BaseModel):
    """Everything derivgen knows about one spec in matrix form.

    Build one with :func:`derivgen.load` (``form: matrix``) or
    ``derivgen.mlp(..., form="matrix")``.
    """

    form = "matrix"
    graph: MatGraph

    def _build_graph(self) -> MatGraph:
        assert isinstance(self.spec.network, Network)
        return build_matrix_network(self.spec)

    def _rules(self) -> MatrixRules:
        return MatrixRules(self.graph)

    def _compile(self, what: str) -> tuple[Callable, str]:
        return compile_matrix_function(self.derivation, what)

    def __repr__(self) -> str:
        return (f"MatrixModel({self.spec.name!r}, {self.graph.layout} layout, "
                f"parameters {', '.join(self.parameters)}, loss={self.spec.loss}, "
                f"reduction={self.spec.reduction})")

    # ---- names and shapes ----
    @cached_property
    def parameters(self) -> list[str]:
        """Parameter names: W_1, b_1, W_2, … in layer order."""
        return [str(p) for p in self.graph.params]

    @cached_property
    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shape of each parameter's array (``()`` for a shared scalar bias)."""
        vectors = {layer.bias for layer in self.graph.layers}
        out = {}
        for p in self.graph.params:
            shape = self.graph.shape(p)
            out[str(p)] = (shape[0],) if p in vectors and shape else shape
        return out

    @property
    def input_size(self) -> int:
        return self.spec.network.inputs

    @property
    def output_size(self) -> int:
        return self.spec.network.layers[-1].units

    def _fan_in(self, name: str) -> int:
        return next((layer.fan_in for layer in self.graph.layers
                     if str(layer.weight) == name), 0)

    # ---- numbers ----
    def _params(self, params: Params) -> dict[str, Any]:
        """Arrays as the generated code reads them; a caller's float64 arrays of the right
        shapes are passed through untouched (the common case costs a few comparisons)."""
        if self._params_as_given(params):
            return params  # type: ignore[return-value]
        shapes = self.parameter_shapes
        missing = [p for p in self.parameters if p not in params]
        unknown = [k for k in params if k not in shapes]
        if missing or unknown:
            raise ValueError(f"expected parameters {', '.join(self.parameters)}; "
                             + (f"missing {', '.join(missing)}" if missing
                                else f"unknown {', '.join(unknown)}"))
        out = {}
        columns = self.graph.layout == "columns"
        for name, shape in shapes.items():
            value = np.asarray(params[name], dtype=float)
            if value.shape != shape:
                raise ValueError(f"{name} has shape {value.shape}, expected {shape}")
            out[name] = value.reshape(-1, 1) if len(shape) == 1 and columns else value
        return out

    @cached_property
    def _params_as_given(self) -> Callable[[Params], bool]:
        """Whether the generated code can read ``params`` as they are: every name, float64
        arrays of the right shapes (rows layout: columns keeps biases as columns)."""
        expected = tuple(self.parameter_shapes.items())
        ndarray, f64 = np.ndarray, np.dtype(np.float64)
        if self.graph.layout != "rows":
            return lambda params: False

        def as_given(params: Params) -> bool:
            if len(params) != len(expected):
                return False
            for name, shape in expected:
                value = params.get(name)
                if type(value) is ndarray:
                    if value.dtype is not f64 or value.shape != shape:
                        return False
                elif type(value) is not float or shape:
                    return False
            return True
        return as_given

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """x (N, D) and y (N, C) checked, then transposed for the columns layout."""
        x, y = self._batch_check(x, y)
        return (x.T, y.T) if self.graph.layout == "columns" else (x, y)

    def _numpy_function(self, what: str) -> Callable[[Params, Any, Any], Any]:
        """``f(params, x, y)`` of the generated NumPy code for ``what`` (gradient, loss or
        loss_gradient)."""
        fn, arrays, read = self._function(what), self._arrays, self._params
        if what == "loss":
            def loss(params: Params, x: Any, y: Any) -> float:
                xa, ya = arrays(x, y)
                return float(fn(read(params), xa, ya))
            return loss

        def gradient(params: Params, x: Any, y: Any) -> Any:
            xa, ya = arrays(x, y)
            return fn(read(params), xa, ya)
        return gradient

    @cached_property
    def _trainer(self) -> TrainStep:
        fn = compile_matrix_function(self.derivation, "loss_gradient", FlatNames())[0]
        columns = self.graph.layout == "columns"

        def step(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, Any]:
            value, grads = fn(theta, x.T, y.T) if columns else fn(theta, x, y)
            return float(value), grads
        return TrainStep(lambda params: self._flat_params(params).astype(float), step,
                         lambda theta: self._unflatten(theta.copy()))

    # ---- one flat vector, for the compiled backend (in the scalar twin's terms) ----
    def _flat_names(self) -> list:
        """The scalar twin's parameters in the order of this model's flat vector."""
        from derivgen.model.dense import names_in_flat_order
        scalar = self.scalar
        names = names_in_flat_order(scalar.graph, self.graph, self.spec.network.names.matrix_layout)
        if names is None:
            raise UnsupportedError("this network's parameters have no scalar-form order")
        symbols = {p.name: p for p in scalar.graph.params}
        return [symbols[str(n)] for n in names]

    def _flat_params(self, params: Params) -> np.ndarray:
        """Every array, raveled, in ``graph.params`` order: the flat layout."""
        checked = self._params(params)
        return np.concatenate([np.ravel(checked[name]) for name in self.parameter_shapes])

    def _unflatten(self, flat: np.ndarray) -> dict[str, Any]:
        out, start = {}, 0
        for name, shape in self.parameter_shapes.items():
            size = int(np.prod(shape))
            out[name] = flat[start:start + size].reshape(shape) if shape else float(flat[start])
            start += size
        return out

    def values(self, params: Params, x: Any, y: Any) -> dict[str, np.ndarray]:
        """Every node, ``'dL/d<node>'`` and ``'dL/d<input>'`` (the adjoint of the per-sample
        loss, as in scalar form) and ``'dL/d<parameter>'`` (the gradient of the reduced loss).
        Arrays in the layout of the generated code (samples along the batch axis)."""
        xa, ya = self._arrays(x, y)
        raw = self._function("values")(self._params(params), xa, ya)
        # the generated adjoints are of the reduced loss: per sample, undo the 1/N of a mean
        n = xa.shape[0 if self.graph.layout == "rows" else 1]
        scale = float(n) if self.graph.reduction == "mean" else 1.0
        params_ = {f"dL/d{p}" for p in self.parameters}
        return {k: (v * scale if k.startswith("dL/d") and k not in params_ else v)
                for k, v in raw.items()}

    # ---- the scalar form of the same network ----
    @cached_property
    def scalar(self) -> Model:
        """The same network in scalar form (documents' per-unit formulas are judged there)."""
        net = self.spec.network
        if net.l2:
            raise UnsupportedError("scalar form has no L2 penalty; remove 'l2' to compare")
        return Model(dataclasses.replace(self.spec, network=dataclasses.replace(
            net, form="scalar")))

    def example_arrays(self) -> tuple[dict[str, Any], np.ndarray, np.ndarray | None] | None:
        """(params as arrays, x, y) of the spec's example; params may be partial, y None."""
        found = self.scalar.example_arrays()
        if found is None:
            return None
        flat, x, y = found
        groups = self.scalar.graph.groups
        params = {}
        for name, shape in self.parameter_shapes.items():
            members = np.array(groups.get(name, [name]), dtype=object)
            if all(m in flat for m in members.ravel()):
                values = np.array([flat[m] for m in members.ravel()], dtype=float)
                params[name] = values.reshape(shape) if shape else float(values[0])
        return params, x, y
