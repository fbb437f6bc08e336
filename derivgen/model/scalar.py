"""Model: a spec in scalar form, one symbol per parameter and one node per unit."""
from __future__ import annotations

from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable

from derivgen.ops.lazy import lazy
import sympy as sp

from derivgen.engine.graph import SAMPLE_COUNT, SAMPLE_INDEX, Graph
from derivgen.engine.rules import ScalarRules
from derivgen.engine.scalar import build_scalar_graph
from derivgen.errors import SpecError
from derivgen.model.base import BaseModel, Params, TrainStep

if TYPE_CHECKING:
    from derivgen.model.dense import DenseTwin

np = lazy("numpy")  # imported when first used: derive never needs it


def _getter(names: list[str]) -> Callable[[Params], tuple]:
    """params -> their values in ``names`` order, one C-level lookup per name (a KeyError
    when one is missing)."""
    if len(names) == 1:
        return lambda params, name=names[0]: (params[name],)
    return itemgetter(*names)


def _theta_reader(order: list[str], size: int,
                  slow: Callable[[Params], dict]) -> Callable[[Params], "np.ndarray"]:
    """params -> a float vector in ``order``: one lookup per name when ``params`` holds
    ``size`` numbers, else through ``slow`` (groups such as W_1: [[…]], or an error saying
    what is wrong)."""
    values_of = _getter(order)

    def theta_of(params: Params) -> "np.ndarray":
        if len(params) == size:  # the common case: one number per name
            try:
                theta = np.array(values_of(params), dtype=float)
            except (KeyError, TypeError, ValueError):
                theta = None
            if theta is not None and theta.ndim == 1:
                return theta
        flat = slow(params)
        return np.array([flat[n] for n in order], dtype=float)
    return theta_of



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
        from derivgen.codegen.scalar import compile_function  # derive prints no code
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

    @cached_property
    def _values_of(self) -> Callable[[Params], tuple]:
        """params -> their values in ``graph.params`` order, one C-level lookup per name
        (a KeyError when one is missing)."""
        return _getter(self.parameters)

    @cached_property
    def _flat_reader(self) -> Callable[[Params], np.ndarray]:
        return _theta_reader(self.parameters, len(self.parameters), self.flat_params)

    def _flat_params(self, params: Params) -> np.ndarray:
        """Every parameter's value in ``graph.params`` order (numbers or group arrays)."""
        return self._flat_reader(params)

    _params = _flat_params

    def _flat_names(self) -> list[sp.Symbol]:
        return list(self.graph.params)

    def _unflatten(self, flat: np.ndarray) -> dict[str, Any]:
        return dict(zip(self.parameters, flat.tolist()))

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return self._batch_check(x, y)

    @cached_property
    def _dense(self) -> DenseTwin | None:
        """The matrix code this dense network runs its gradient and loss with (None: per unit)."""
        from derivgen.model.dense import dense_twin
        return dense_twin(self.spec, self.graph)

    def _numpy_function(self, what: str) -> Callable[[Params, Any, Any], Any]:
        """``f(params, x, y)`` of the NumPy code for ``what``: "gradient" (a dict),
        "loss" (a float) or "loss_gradient" (both); the dense matrix code where there is
        one.  Parameters and batches are read with as little Python as the checks allow."""
        names, dense, check = self.parameters, self._dense, self._batch_check
        if dense is None:
            fn, theta_of = self._function(what), self._flat_reader
        else:  # the same reader over the matrix code's flat order
            fn = dense.function(what)
            theta_of = _theta_reader(dense.order, len(names), self.flat_params)

        if what == "loss":
            def loss(params: Params, x: Any, y: Any) -> float:
                theta = theta_of(params)
                xa, ya = check(x, y)
                return float(fn(theta, xa, ya))
            return loss
        if dense is not None:  # the matrix code returns the dict itself
            def dense_gradient(params: Params, x: Any, y: Any) -> Any:
                theta = theta_of(params)
                xa, ya = check(x, y)
                if what == "gradient":
                    return fn(theta, xa, ya)
                value, grads = fn(theta, xa, ya)
                return float(value), grads
            return dense_gradient

        def gradient(params: Params, x: Any, y: Any) -> Any:
            theta = theta_of(params)
            xa, ya = check(x, y)
            if what == "gradient":
                return dict(zip(names, fn(theta, xa, ya)))
            value, grads = fn(theta, xa, ya)
            return float(value), dict(zip(names, grads))
        return gradient

    @cached_property
    def _trainer(self) -> TrainStep:
        names, dense = self.parameters, self._dense
        if dense is None:
            fn, order = self._function("loss_gradient"), names

            def step(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, Any]:
                value, grads = fn(theta, x, y)
                return value, np.array(grads, dtype=float)
        else:
            step, order = dense.function("step"), dense.order
        where = {name: i for i, name in enumerate(order)}
        back = [where[name] for name in names]

        def pack(params: Params) -> np.ndarray:
            return np.array([params[n] for n in order], dtype=float)

        def unpack(theta: np.ndarray) -> dict[str, Any]:
            return dict(zip(names, theta[back].tolist()))
        return TrainStep(pack, step, unpack)

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
        theta = self._flat_params(params)
        raw = self._function("values")(theta, xa, ya)
        n = xa.shape[0]
        out = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in raw.items()}
        grads = self._function("gradient")(theta, xa, ya)
        out.update({f"dL/d{k}": np.float64(v) for k, v in zip(self.parameters, grads)})
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
