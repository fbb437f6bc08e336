"""What both model forms share: building, compiled functions, batches, random points.

:class:`BaseModel` implements :class:`derivgen.engine.protocol.GradientModel`
once; :class:`~derivgen.model.scalar.Model` and
:class:`~derivgen.model.matrix.MatrixModel` supply the form-specific parts:
the graph builder and rule table, the code printer, and how parameters and
batches are laid out for the generated code.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any, Callable, Mapping, NamedTuple

from derivgen.ops.lazy import lazy

from derivgen.engine.reverse import Derivation, Rules, reverse_pass
from derivgen.errors import SpecError, UnsupportedError
from derivgen.spec.records import Spec

np = lazy("numpy")  # imported when first used: derive never needs it

Params = Mapping[str, Any]


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


class TrainStep(NamedTuple):
    """A training loop's view of a model: parameters as one vector, one call per step.

    ``pack(params)`` is the vector of checked parameters (a new array the loop may
    update in place); ``step(theta, x, y)`` the loss of the batch and its gradient as a
    vector in the same layout (x (N, D) and y (N, C) checked arrays), in one pass;
    ``unpack(theta)`` the parameters as the model takes them (new objects).
    """

    pack: Callable[[Params], np.ndarray]
    step: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray]]
    unpack: Callable[[np.ndarray], dict[str, Any]]


class BaseModel:
    """The shared half of both model forms; see the module docstring."""

    form = ""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        try:
            self.graph = self._build_graph()
            self.derivation: Derivation = reverse_pass(self.graph, self._rules())
        except SpecError as exc:
            if exc.source != "<spec>":
                raise
            pos = getattr(spec.network, "names_pos", None)  # names come from the templates
            raise SpecError(exc.message, spec.source,
                            *((pos.line, pos.column) if pos else (None, None))) from None
        except UnsupportedError as exc:
            raise UnsupportedError(f"{spec.source}: {exc}") from None
        self._compiled: dict[str, Callable] = {}

    # ---- the form-specific parts ----
    def _build_graph(self) -> Any:
        raise NotImplementedError

    def _rules(self) -> Rules:
        raise NotImplementedError

    def _compile(self, what: str) -> tuple[Callable, str]:
        """(function, source) of the generated code for ``what``."""
        raise NotImplementedError

    def _params(self, params: Params) -> dict[str, Any]:
        """Parameters as the generated code takes them (every one given, shapes checked)."""
        raise NotImplementedError

    def _arrays(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """x and y as the generated code takes them."""
        raise NotImplementedError

    def _fan_in(self, name: str) -> int:
        """Inputs feeding a weight (0 for a bias), for initialisation."""
        raise NotImplementedError

    # ---- shared ----
    def _repr_markdown_(self) -> str:
        """Jupyter and Colab show a model as its derivation (a summary when it is large)."""
        from derivgen.render import jupyter
        return jupyter.model_markdown(self)

    def _repr_latex_(self) -> str:
        """The forward equations, the loss and (small models) the gradients, as LaTeX."""
        from derivgen.render import jupyter
        return jupyter.model_latex(self)

    def gradient_markdown(self, name: str) -> str:
        """One parameter's chain of partials and formulas, as Markdown."""
        from derivgen.render import jupyter
        return jupyter.gradient_markdown(self, name)

    def show(self, name: str | None = None) -> None:
        """Display one gradient, or the whole derivation, in Jupyter (print it elsewhere)."""
        from derivgen.render import jupyter
        jupyter.show(self, name)

    def _function(self, what: str) -> Callable:
        if what not in self._compiled:
            self._compiled[what] = self._compile(what)[0]
        return self._compiled[what]

    def source(self, what: str = "gradient") -> str:
        """The generated NumPy source of gradient, inputs, loss, values or kinks."""
        return self._compile(what)[1]

    def random_params(self, rng: np.random.Generator, scaled: bool = True) -> dict[str, Any]:
        """Weights ~ N(0, 1/fan_in), biases and free parameters ~ N(0, 0.5²); every entry
        ~ N(0, 1) when ``scaled`` is false.  Numbers for scalar parameters, arrays else."""
        out: dict[str, Any] = {}
        for name, shape in self.parameter_shapes.items():
            fan_in = self._fan_in(name)
            scale = (1 / np.sqrt(fan_in) if fan_in else 0.5) if scaled else 1.0
            value = rng.normal(0.0, scale, size=shape)
            out[name] = float(value) if shape == () else value
        return out

    def initial_params(self, seed: int = 0) -> dict[str, Any]:
        """``random_params`` of a generator seeded with ``seed``."""
        return self.random_params(np.random.default_rng(seed))

    def gradient_fn(self, backend: str = "numpy") -> Callable[[Params, Any, Any], dict[str, Any]]:
        """``f(params, x (N, D), y (N, C)) -> {name: ∂L/∂name}``, shaped as the parameters.

        ``backend`` is "numpy" (generated NumPy, vectorised over the batch), "numba"
        (one compiled loop over the samples, cached on disk; needs the ``fast`` extra)
        or "auto" (numba where it is installed and wins at this size, NumPy otherwise).
        """
        from derivgen.model.backends import select
        return select(self, backend).gradient

    def loss_fn(self, backend: str = "numpy") -> Callable[[Params, Any, Any], float]:
        """``f(params, x, y) -> L`` with the spec's reduction (and penalty); ``backend`` as
        for :meth:`gradient_fn`."""
        from derivgen.model.backends import select
        return select(self, backend).loss

    # ---- the NumPy backend (the form-specific halves are in the subclasses) ----
    def _numpy_function(self, what: str) -> Callable[[Params, Any, Any], Any]:
        """``f(params, x, y)`` of the generated NumPy code: ``what`` "gradient" returns
        the gradient dict, "loss" a float, "loss_gradient" the pair (in one pass)."""
        raise NotImplementedError

    @property
    def _trainer(self) -> "TrainStep":
        """How the NumPy training loop steps this model (see :class:`TrainStep`)."""
        raise NotImplementedError

    def _flat_params(self, params: Params) -> np.ndarray:
        """All parameter values in one float vector, in :meth:`_flat_names` order."""
        raise NotImplementedError

    def _unflatten(self, flat: np.ndarray) -> dict[str, Any]:
        """A flat gradient in :meth:`_flat_names` order, shaped as the parameters."""
        raise NotImplementedError

    def _flat_names(self) -> list:
        """The scalar-form parameter symbols in the order of :meth:`_flat_params`."""
        raise NotImplementedError

    @cached_property
    def _batch_check(self) -> Callable[[Any, Any], tuple[np.ndarray, np.ndarray]]:
        """x (N, D) and y (N, C) as float arrays, samples as rows, checked; no copy when the
        caller already passes them so.  Its constants are bound: a caller's float64 (N, D)
        and (N, C) arrays cost a few comparisons (this runs on every call of a gradient)."""
        ndarray, f64 = np.ndarray, np.dtype(np.float64)
        tail_x, tail_y = (self.input_size,), (self.output_size,)
        single = self.graph.reduction == "single"

        def check(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
            if type(x) is ndarray and type(y) is ndarray and x.dtype is f64 and y.dtype is f64:
                sx, sy = x.shape, y.shape
                if sx[1:] == tail_x and sy[1:] == tail_y and sx[0] == sy[0] and (
                        not single or sx[0] == 1):
                    return x, y
            return batch_arrays(x, y, tail_x[0], tail_y[0], single)
        return check

    def input_gradient_fn(self) -> Callable[[Params, Any, Any], np.ndarray]:
        """``f(params, x, y) -> ∂L/∂x`` of the reduced loss, shape (N, D)."""
        fn = self._function("inputs")

        def inputs(params: Params, x: Any, y: Any) -> np.ndarray:
            xa, ya = self._arrays(x, y)
            dx = np.asarray(fn(self._params(params), xa, ya), dtype=float)
            return dx.T if self.form == "matrix" and self.graph.layout == "columns" else dx
        return inputs

    def kink_distance(self, params: Params, x: Any, y: Any) -> float:
        """Smallest |argument| of any ReLU/LeakyReLU/|·| over the batch (inf if none)."""
        xa, ya = self._arrays(x, y)
        found = self._function("kinks")(self._params(params), xa, ya)
        return min((float(np.min(np.abs(v))) for v in found), default=float("inf"))
