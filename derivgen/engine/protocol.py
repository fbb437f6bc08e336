"""The one model interface both forms implement (:class:`derivgen.model.Model` and
:class:`derivgen.model.MatrixModel`): every member means the same in both.

Layers above the engine (rendering, judging, checking) are written against this
Protocol, not against either class.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Protocol, runtime_checkable

from derivgen.ops.lazy import lazy

from derivgen.engine.reverse import Derivation
from derivgen.spec.records import Spec

np = lazy("numpy")  # imported when first used: derive never needs it

Params = Mapping[str, Any]
GradientFn = Callable[[Params, Any, Any], dict[str, Any]]


@runtime_checkable
class GradientModel(Protocol):
    """A spec, its graph and derivation, and NumPy functions of its loss and gradients.

    ``x`` is always (N, D) and ``y`` (N, C); parameters are a mapping from the
    names in :attr:`parameters` to numbers or arrays of :attr:`parameter_shapes`.
    """

    spec: Spec
    #: the graph of named intermediates (scalar: one node per unit; matrix: per layer)
    graph: Any
    derivation: Derivation
    #: "scalar" or "matrix"
    form: str

    @property
    def parameters(self) -> list[str]:
        """Parameter names, in spec order."""

    @property
    def parameter_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shape of each parameter's value (``()`` for a number)."""

    @property
    def input_size(self) -> int:
        """D, the number of inputs per sample."""

    @property
    def output_size(self) -> int:
        """C, the number of outputs per sample."""

    @property
    def scalar(self) -> "GradientModel":
        """The same model in scalar form (itself when it is in scalar form)."""

    def random_params(self, rng: np.random.Generator, scaled: bool = True) -> dict[str, Any]:
        """A random point: weights ~ N(0, 1/fan_in), biases and free parameters ~ N(0, 0.5²);
        every entry ~ N(0, 1) when ``scaled`` is false."""

    def initial_params(self, seed: int = 0) -> dict[str, Any]:
        """``random_params`` of a generator seeded with ``seed``."""

    def gradient_fn(self) -> GradientFn:
        """``f(params, x, y) -> {name: ∂L/∂name}`` of the reduced loss, shaped as the params."""

    def loss_fn(self) -> Callable[[Params, Any, Any], float]:
        """``f(params, x, y) -> L``, the loss reduced over the batch as the spec says."""

    def input_gradient_fn(self) -> Callable[[Params, Any, Any], np.ndarray]:
        """``f(params, x, y) -> ∂L/∂x`` of the reduced loss, shape (N, D)."""

    def values(self, params: Params, x: Any, y: Any) -> dict[str, np.ndarray]:
        """Every node (per sample), ``'dL/d<node>'`` and ``'dL/d<input>'``: the adjoint of
        the per-sample loss, and ``'dL/d<parameter>'``: the gradient of the reduced loss."""

    def kink_distance(self, params: Params, x: Any, y: Any) -> float:
        """Smallest |argument| of any kink over the batch (inf when there is none)."""

    def example_arrays(self) -> tuple[dict[str, Any], np.ndarray, np.ndarray | None] | None:
        """(params, x, y) of the spec's example; params may be partial and y None."""

    def source(self, what: str = "gradient") -> str:
        """The generated NumPy source of gradient, inputs, loss, values or kinks."""
