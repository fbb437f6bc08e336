"""Model: a spec in scalar form, one symbol per parameter and one node per unit."""
from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from derivgen.codegen.scalar import compile_function
from derivgen.engine.graph import SAMPLE_COUNT, SAMPLE_INDEX, Graph
from derivgen.engine.rules import ScalarRules
from derivgen.engine.scalar import build_scalar_graph
from derivgen.errors import SpecError
from derivgen.model.base import BaseModel, Params, batch_arrays

GradientFn = Callable[[Mapping[str, Any], np.ndarray, np.ndarray], dict]


class Model(BaseModel):
    """Everything derivgen knows about one spec, in scalar form.

    Build one with :func:`derivgen.load` or :func:`derivgen.mlp`.
    """

    form = "scalar"
    graph: Graph

    def _build_graph(self) -> Graph:
        return build_scalar_graph(self.spec)

    def _rules(self) -> ScalarRules:
        return ScalarRules(self.graph)

    def _compile(self, what: str) -> tuple[Callable, str]:
        return compile_function(self.derivation, what)

    def __repr__(self) -> str:
        return (f"Model({self.spec.name!r}, {len(self.parameters)} parameters, "
                f"loss={self.spec.loss}, reduction={self.spec.reduction})")

    # ---- names and shapes ----
    @cached_property
    def parameters(self) -> list[str]:
        """Parameter names in spec order."""
        return [p.name for p in self.graph.params]

    @cached_property
    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every parameter is a number; arrays are accepted for groups (``graph.groups``)."""
        return {p: () for p in self.parameters}

    @property
    def input_size(self) -> int:
        return len(self.graph.inputs)

    @property
    def output_size(self) -> int:
        return len(self.graph.outputs)

    @property
    def scalar(self) -> "Model":
        """This model (a matrix-form model answers with its scalar twin)."""
        return self

    def _fan_in(self, name: str) -> int:
        return self.graph.fan_in.get(self._symbols[name], 1)

    @cached_property
    def _symbols(self) -> dict[str, sp.Symbol]:
        return {p.name: p for p in self.graph.params}

    def flat_params(self, params: Params, partial: bool = False) -> dict[str, float]:
        """Scalar parameter values from scalars and/or group arrays (W_1, b_1, …).

        Every parameter must be given unless ``partial`` is true.
        """
        flat: dict[str, float] = {}
        names = self._symbols
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

    _params = flat_params

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return batch_arrays(x, y, self.input_size, self.output_size,
                            self.graph.reduction == "single")

    def _shaped(self, raw: dict[str, Any]) -> dict[str, Any]:
        return {k: np.float64(v) for k, v in raw.items()}

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
        n, big_n = SAMPLE_INDEX, SAMPLE_COUNT
        indexed = {s: sp.IndexedBase(s.name)[n] for s in (*g.inputs, *g.targets)}
        scale = 1 / big_n if g.reduction == "mean" else 1
        return {k: scale * sp.Sum(e.xreplace(indexed), (n, 1, big_n))
                for k, e in self.sample_gradients.items()}

    # ---- numbers ----
    def values(self, params: Params, x: Any, y: Any) -> dict[str, np.ndarray]:
        """Every node and every per-sample adjoint ('dL/d<name>', inputs too), shape (N,),
        and the gradients of the reduced loss ('dL/d<parameter>')."""
        xa, ya = self._arrays(x, y)
        flat = self.flat_params(params)
        raw = self._function("values")(flat, xa, ya)
        n = xa.shape[0]
        out = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in raw.items()}
        grads = self._function("gradient")(flat, xa, ya)
        out.update({f"dL/d{k}": np.float64(v) for k, v in grads.items()})
        return out

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
