"""MatrixModel: a spec in matrix form, with the same interface as :class:`Model`.

Parameters are arrays: W_l of shape (in, out) in the rows layout and
(out, in) in the columns layout, b_l of shape (units,).  Callers always pass
x as (N, D) and y as (N, C); the columns layout transposes them itself.
"""
from __future__ import annotations

import dataclasses
from functools import cached_property
from typing import Any, Callable, Mapping

import numpy as np

from derivgen.errors import SpecError, UnsupportedError
from derivgen.render import jupyter
from derivgen.codegen.matrix import compile_matrix_function
from derivgen.engine.matderive import MatDerivation, matrix_reverse_pass
from derivgen.engine.matgraph import MatGraph, build_matrix_network
from derivgen.model.scalar import Model, batch_arrays
from derivgen.spec.records import Network, Spec


class MatrixModel:
    """Everything derivgen knows about one spec in matrix form.

    Build one with :func:`derivgen.load` (``form: matrix``) or
    ``derivgen.mlp(..., form="matrix")``.
    """

    form = "matrix"

    def __init__(self, spec: Spec) -> None:
        net = spec.network
        assert isinstance(net, Network)
        self.spec = spec
        try:
            self.graph: MatGraph = build_matrix_network(spec)
            self.derivation: MatDerivation = matrix_reverse_pass(self.graph)
            self._compiled: dict[str, Callable] = {}
        except SpecError as exc:
            pos = net.names_pos
            raise SpecError(exc.message, spec.source,
                            *((pos.line, pos.column) if pos else (None, None))) from None
        except UnsupportedError as exc:
            raise UnsupportedError(f"{spec.source}: {exc}") from None

    def __repr__(self) -> str:
        return (f"MatrixModel({self.spec.name!r}, {self.graph.layout} layout, "
                f"parameters {', '.join(self.parameters)}, loss={self.spec.loss}, "
                f"reduction={self.spec.reduction})")

    def _repr_markdown_(self) -> str:
        """Jupyter and Colab show a model as its derivation (a summary when it is large)."""
        return jupyter.model_markdown(self)

    def _repr_latex_(self) -> str:
        """The forward equations, the loss and (small models) the gradients, as LaTeX."""
        return jupyter.model_latex(self)

    def gradient_markdown(self, name: str) -> str:
        """One parameter's chain of partials and formulas, as Markdown."""
        return jupyter.gradient_markdown(self, name)

    def show(self, name: str | None = None) -> None:
        """Display one gradient, or the whole derivation, in Jupyter (print it elsewhere)."""
        jupyter.show(self, name)

    # ---- names and shapes ----
    @property
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
        return next(layer.fan_in for layer in self.graph.layers if str(layer.weight) == name)

    def random_params(self, rng: np.random.Generator, scaled: bool = True) -> dict[str, Any]:
        """Weights ~ N(0, 1/fan_in) (N(0, 1) unless ``scaled``), biases ~ N(0, 0.5²)."""
        out: dict[str, Any] = {}
        for name, shape in self.parameter_shapes.items():
            if len(shape) == 2:
                scale = 1 / np.sqrt(self._fan_in(name)) if scaled else 1.0
            else:
                scale = 0.5 if scaled else 1.0
            value = rng.normal(0.0, scale, size=shape)
            out[name] = float(value) if shape == () else value
        return out

    def initial_params(self, seed: int = 0) -> dict[str, Any]:
        """Random parameters: weights ~ N(0, 1/fan_in), biases ~ N(0, 0.5²)."""
        return self.random_params(np.random.default_rng(seed))

    # ---- numbers ----
    def _params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        missing = [p for p in self.parameters if p not in params]
        unknown = [k for k in params if k not in self.parameter_shapes]
        if missing or unknown:
            raise ValueError(f"expected parameters {', '.join(self.parameters)}; "
                             + (f"missing {', '.join(missing)}" if missing
                                else f"unknown {', '.join(unknown)}"))
        out = {}
        for name, shape in self.parameter_shapes.items():
            value = np.asarray(params[name], dtype=float)
            if value.shape != shape:
                raise ValueError(f"{name} has shape {value.shape}, expected {shape}")
            out[name] = value.reshape(-1, 1) if len(shape) == 1 else value
        return out

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """x (N, D) and y (N, C) checked, then transposed for the columns layout."""
        x, y = batch_arrays(x, y, self.input_size, self.output_size,
                            self.graph.reduction == "single")
        return (x.T, y.T) if self.graph.layout == "columns" else (x, y)

    def _function(self, what: str) -> Callable:
        if what not in self._compiled:
            self._compiled[what] = compile_matrix_function(self.derivation, what)[0]
        return self._compiled[what]

    def source(self, what: str = "gradient") -> str:
        """The generated NumPy source of gradient, inputs, loss, values or kinks."""
        return compile_matrix_function(self.derivation, what)[1]

    def gradient_fn(self) -> Callable[[Mapping[str, Any], Any, Any], dict[str, np.ndarray]]:
        """``f(params, x (N, D), y (N, C)) -> {name: ∂L/∂name}``, arrays shaped as the params."""
        fn = self._function("gradient")
        shapes = self.parameter_shapes

        def gradient(params: Mapping[str, Any], x: Any, y: Any) -> dict[str, np.ndarray]:
            xa, ya = self._arrays(x, y)
            raw = fn(self._params(params), xa, ya)
            return {k: np.reshape(v, shapes[k]) for k, v in raw.items()}
        return gradient

    def input_gradient_fn(self) -> Callable[[Mapping[str, Any], Any, Any], np.ndarray]:
        """``f(params, x, y) -> ∂L/∂x`` of shape (N, D)."""
        fn = self._function("inputs")

        def inputs(params: Mapping[str, Any], x: Any, y: Any) -> np.ndarray:
            xa, ya = self._arrays(x, y)
            dx = fn(self._params(params), xa, ya)
            return dx.T if self.graph.layout == "columns" else dx
        return inputs

    def loss_fn(self) -> Callable[[Mapping[str, Any], Any, Any], float]:
        """``f(params, x, y) -> L`` with the spec's reduction (and penalty)."""
        fn = self._function("loss")

        def loss(params: Mapping[str, Any], x: Any, y: Any) -> float:
            xa, ya = self._arrays(x, y)
            return float(fn(self._params(params), xa, ya))
        return loss

    def values(self, params: Mapping[str, Any], x: Any, y: Any) -> dict[str, np.ndarray]:
        """Every node, every adjoint ('dL/d<name>') and the gradients, as arrays."""
        xa, ya = self._arrays(x, y)
        return self._function("values")(self._params(params), xa, ya)

    def kink_distance(self, params: Mapping[str, Any], x: Any, y: Any) -> float:
        """Smallest |argument| of any ReLU/LeakyReLU/|·| over the batch (inf if none)."""
        xa, ya = self._arrays(x, y)
        found = self._function("kinks")(self._params(params), xa, ya)
        return min((float(np.min(np.abs(v))) for v in found), default=float("inf"))

    # ---- the scalar form of the same network ----
    @cached_property
    def scalar(self):
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

