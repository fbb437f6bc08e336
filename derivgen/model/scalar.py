"""Model: a validated spec, its graph, its derivation and its NumPy functions."""
from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from derivgen.codegen.scalar import compile_function
from derivgen.engine.reverse import Derivation, reverse_pass
from derivgen.errors import SpecError, UnsupportedError
from derivgen.render import jupyter
from derivgen.engine.graph import Graph, build_freeform
from derivgen.engine.network import build_network
from derivgen.spec.records import Network, Spec

GradientFn = Callable[[Mapping[str, Any], np.ndarray, np.ndarray], dict]


def batch_arrays(x: Any, y: Any, inputs: int, outputs: int,
                 single: bool) -> tuple[np.ndarray, np.ndarray]:
    """x as (N, inputs) and y as (N, outputs) float arrays, or a ValueError saying why not."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x = x.reshape(-1, 1) if x.ndim == 1 and inputs == 1 else np.atleast_2d(x)
    y = y.reshape(-1, 1) if y.ndim == 1 and outputs == 1 else np.atleast_2d(y)
    if x.shape[1:] != (inputs,) or y.shape[1:] != (outputs,):
        raise ValueError(f"expected x of shape (N, {inputs}) and y of shape "
                         f"(N, {outputs}); got {x.shape} and {y.shape}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x has {x.shape[0]} samples but y has {y.shape[0]}")
    if single and x.shape[0] != 1:
        raise ValueError("this spec's reduction is 'single': pass exactly one sample")
    return x, y


class Model:
    """Everything derivgen knows about one spec.

    Build one with :func:`derivgen.load` or :func:`derivgen.mlp`.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        try:
            self.graph: Graph = (build_network(spec) if isinstance(spec.network, Network)
                                 else build_freeform(spec))
            self.derivation: Derivation = reverse_pass(self.graph)
        except SpecError as exc:
            if exc.source != "<spec>":
                raise
            pos = getattr(spec.network, "names_pos", None)  # names come from the templates
            raise SpecError(exc.message, spec.source,
                            *((pos.line, pos.column) if pos else (None, None))) from None
        except UnsupportedError as exc:
            raise UnsupportedError(f"{spec.source}: {exc}") from None

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

    def __repr__(self) -> str:
        return (f"Model({self.spec.name!r}, {len(self.parameters)} parameters, "
                f"loss={self.spec.loss}, reduction={self.spec.reduction})")

    # ---- names and shapes ----
    @property
    def parameters(self) -> list[str]:
        """Parameter names in spec order."""
        return [p.name for p in self.graph.params]

    @property
    def input_size(self) -> int:
        return len(self.graph.inputs)

    @property
    def output_size(self) -> int:
        return len(self.graph.outputs)

    form = "scalar"

    @property
    def scalar(self) -> "Model":
        """This model (a matrix-form model answers with its scalar twin)."""
        return self

    def random_params(self, rng: np.random.Generator) -> dict[str, float]:
        """Every parameter ~ N(0, 1): the draw of gradient checks."""
        return {p: float(rng.normal()) for p in self.parameters}

    def initial_params(self, seed: int = 0) -> dict[str, float]:
        """Random parameters: weights ~ N(0, 1/fan_in), biases and free parameters ~ N(0, 0.5²)."""
        rng = np.random.default_rng(seed)
        out = {}
        for p in self.graph.params:
            fan_in = self.graph.fan_in.get(p, 1)
            scale = 1.0 / np.sqrt(fan_in) if fan_in else 0.5
            out[p.name] = float(rng.normal(0.0, scale))
        return out

    def flat_params(self, params: Mapping[str, Any], partial: bool = False) -> dict[str, float]:
        """Scalar parameter values from scalars and/or group arrays (W_1, b_1, …).

        Every parameter must be given unless ``partial`` is true.
        """
        flat: dict[str, float] = {}
        names = set(self.parameters)
        for key, value in params.items():
            if key in names and np.ndim(value) == 0:
                flat[key] = float(value)
            elif key in self.graph.groups:
                layout = self.graph.groups[key]
                arr = np.asarray(value, dtype=float)
                if arr.shape != np.shape(layout):
                    raise ValueError(f"{key} has shape {arr.shape}, expected {np.shape(layout)}")
                flat.update(zip(np.ravel(layout).tolist(), arr.ravel().tolist()))
            else:
                raise ValueError(f"unknown parameter {key!r}; parameters: "
                                 + ", ".join(self.parameters + sorted(self.graph.groups)))
        missing = [p for p in self.parameters if p not in flat]
        if missing and not partial:
            raise ValueError("missing parameters: " + ", ".join(missing))
        return flat

    # ---- formulas ----
    @cached_property
    def sample_gradients(self) -> dict[str, sp.Expr]:
        """Per-sample ∂ℓ/∂θ in parameters, inputs and targets (x, y of one sample)."""
        return {p.name: self.derivation.expanded(p) for p in self.graph.params}

    @cached_property
    def compact_gradients(self) -> dict[str, sp.Expr]:
        """Per-sample ∂ℓ/∂θ in named intermediates (r, h, z, …)."""
        return {p.name: self.derivation.compact(p) for p in self.graph.params}

    @cached_property
    def input_gradients(self) -> dict[str, sp.Expr]:
        """Per-sample ∂ℓ/∂x_j in parameters, inputs and targets."""
        return {x.name: self.derivation.expanded(x) for x in self.graph.inputs}

    @cached_property
    def gradients(self) -> dict[str, sp.Expr]:
        """∂L/∂θ over the data set: Σ_n, (1/N)Σ_n or one sample, as the spec's reduction says.

        Per-sample quantities are indexed by ``n`` (``x_1[n]``); ``N`` is the sample count.
        """
        g = self.graph
        if g.reduction == "single":
            return dict(self.sample_gradients)
        n = sp.Symbol("n", integer=True, positive=True)
        big_n = sp.Symbol("N", integer=True, positive=True)
        indexed = {s: sp.IndexedBase(s.name)[n] for s in (*g.inputs, *g.targets)}
        scale = 1 / big_n if g.reduction == "mean" else 1
        return {k: scale * sp.Sum(e.xreplace(indexed), (n, 1, big_n))
                for k, e in self.sample_gradients.items()}

    # ---- numbers ----
    @cached_property
    def _gradient(self) -> Callable:
        return compile_function(self.derivation, "gradient")[0]

    @cached_property
    def _loss(self) -> Callable:
        return compile_function(self.derivation, "loss")[0]

    @cached_property
    def _kinks(self) -> Callable:
        return compile_function(self.derivation, "kinks")[0]

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return batch_arrays(x, y, self.input_size, self.output_size,
                            self.graph.reduction == "single")

    def gradient_fn(self) -> GradientFn:
        """``f(params, x (N, D), y (N, C)) -> {name: ∂L/∂name}``, vectorised over the batch."""
        def gradient(params: Mapping[str, Any], x: Any, y: Any) -> dict[str, np.float64]:
            xa, ya = self._arrays(x, y)
            raw = self._gradient(self.flat_params(params), xa, ya)
            return {k: np.float64(v) for k, v in raw.items()}
        return gradient

    def loss_fn(self) -> Callable[[Mapping[str, Any], Any, Any], float]:
        """``f(params, x, y) -> L`` with the spec's reduction."""
        def loss(params: Mapping[str, Any], x: Any, y: Any) -> float:
            xa, ya = self._arrays(x, y)
            return float(self._loss(self.flat_params(params), xa, ya))
        return loss

    @cached_property
    def _values(self) -> Callable:
        return compile_function(self.derivation, "values")[0]

    def values(self, params: Mapping[str, Any], x: Any, y: Any) -> dict[str, np.ndarray]:
        """Every node and every per-sample adjoint ('dL/d<name>', inputs too), shape (N,).

        Adjoints are of the per-sample loss; multiply by 1/N for a mean reduction.
        """
        xa, ya = self._arrays(x, y)
        raw = self._values(self.flat_params(params), xa, ya)
        n = xa.shape[0]
        return {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in raw.items()}

    def kink_distance(self, params: Mapping[str, Any], x: Any, y: Any) -> float:
        """Smallest |argument| of any ReLU/LeakyReLU/|·| over the batch (inf if none)."""
        xa, ya = self._arrays(x, y)
        values = self._kinks(self.flat_params(params), xa, ya)
        return min((float(np.min(np.abs(v))) for v in values), default=float("inf"))

    # ---- the worked example ----
    def example_arrays(self) -> tuple[dict[str, float], np.ndarray, np.ndarray | None] | None:
        """(params, x, y) of the spec's example; params may be partial and y None."""
        ex = self.spec.example
        if ex is None:
            return None
        try:
            params = self.flat_params(ex.params, partial=True)
            x = np.asarray(ex.x, dtype=float)
            y = None if ex.y is None else np.asarray(ex.y, dtype=float)
            if y is None:  # shapes are checked with a stand-in target
                self._arrays(x, np.zeros((x.shape[0], self.output_size)))
            else:
                x, y = self._arrays(x, y)
        except (ValueError, TypeError) as exc:
            pos = ex.pos
            raise SpecError(f"example: {exc}", self.spec.source,
                            *((pos.line, pos.column) if pos else (None, None))) from None
        return params, x, y
