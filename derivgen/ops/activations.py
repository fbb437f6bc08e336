"""The activation registry: one record per activation, everything derivgen knows of it.

Each record holds the formula (how σ(z) is built), its derivative rule, how it
prints in NumPy and LaTeX, its names in prose (en, ru), the names documents
call it by, how it is evaluated on arrays, and whether it has a kink.  Every
other table of activations in derivgen is derived from :data:`ACTIVATIONS`
(the scalar rule table, the NumPy and LaTeX printers, the judge's array
functions, the spec's list of allowed names), so adding an activation means
adding one record here.

Matrix form applies an elementwise activation entry by entry and
differentiates it through the scalar rule; softmax is the one activation with
a rule of its own in matrix form (:mod:`derivgen.engine.matrules`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Sequence

from derivgen.ops.lazy import lazy
import sympy as sp

from derivgen.errors import UnsupportedError
from derivgen.ops import runtime
from derivgen.ops.functions import LeakyRelu, Relu, Sigmoid, Softplus, Step

np = lazy("numpy")  # imported when first used: derive never needs it

#: the slope of a leaky ReLU when a spec or document gives none
DEFAULT_LEAKY_SLOPE = sp.Rational(1, 100)

#: rule(args, at0) -> one partial per argument (None: not differentiable in it)
Rule = Callable[[Sequence[sp.Expr], sp.Expr], Sequence[Optional[sp.Expr]]]
ArrayFn = Callable[["np.ndarray", float], "np.ndarray"]


@dataclass(frozen=True)
class ActivationOp:
    """Everything about one activation; see the module docstring."""

    name: str
    #: σ(z) for an elementwise activation; alpha is the leaky slope (None elsewhere)
    build: Callable[[sp.Expr, Optional[sp.Expr]], sp.Expr] | None
    #: the SymPy function the formula applies (None: identity, softmax, custom)
    function: type | None = None
    #: its derivative rule, for the scalar rule table
    derivative: Rule | None = None
    #: NumPy template over the printed arguments ({0}, {1}); None: SymPy's printer knows it
    numpy: str | None = None
    #: LaTeX name unless a notation profile says otherwise
    latex: str = ""
    #: prose names, as the templates print them
    prose: Mapping[str, str] = None  # type: ignore[assignment]
    #: names the document reader maps to it (\sigma reads as "sigma", \text{ReLU} as "ReLU")
    document_names: tuple[str, ...] = ()
    #: evaluation on arrays (alpha is the slope), and its derivative (at0 is ReLU'(0))
    array: ArrayFn | None = None
    array_derivative: Callable[[np.ndarray, float, float], np.ndarray] | None = None
    #: not differentiable at 0: checks keep away from it, and the spec's subgradient applies
    kink: bool = False
    #: allowed on the output layer only (softmax)
    output_only: bool = False
    #: takes the slope parameter alpha
    takes_alpha: bool = False
    #: code templates over the printed arguments ({0}, {1}) per dialect of generated code:
    #: "math" (one sample's floats: the compiled loop), "numpy", "jax" and "torch" (arrays)
    code: Mapping[str, str] = None  # type: ignore[assignment]


def _each(template: str, *skip: str) -> dict[str, str]:
    """One template for every array dialect, {m} standing for its module."""
    modules = {"math": "math", "numpy": "numpy", "jax": "jnp", "torch": "torch"}
    return {d: template.format(m=m) for d, m in modules.items() if d not in skip}


def _sigmoid_d(a, k):
    return (Sigmoid(a[0]) * (1 - Sigmoid(a[0])),)


ACTIVATIONS: dict[str, ActivationOp] = {op.name: op for op in (
    # ---- smooth ----
    ActivationOp("identity", lambda z, a: z, None, None, None, "",
                 {"en": "none (identity)", "ru": "нет (тождественная функция)"}, (),
                 lambda v, a: v, lambda v, a, k: np.ones_like(v)),
    ActivationOp("sigmoid", lambda z, a: Sigmoid(z), Sigmoid, _sigmoid_d, "_rt.sigmoid({0})",
                 r"\sigma", {"en": "the sigmoid", "ru": "сигмоида"}, ("sigma",),
                 lambda v, a: runtime.sigmoid(v),
                 lambda v, a, k: runtime.sigmoid(v) * (1 - runtime.sigmoid(v)),
                 # arrays: one tanh ufunc; one float: exp is 2.5x faster than tanh in libm,
                 # and 1/(1 + inf) = 0 where exp overflows (the kernels never raise)
                 code={**_each("(0.5 + 0.5 * {m}.tanh(0.5 * {{0}}))", "math"),
                       "math": "(1.0 / (1.0 + math.exp(-{0})))"}),
    ActivationOp("tanh", lambda z, a: sp.tanh(z), sp.tanh,
                 lambda a, k: (1 - sp.tanh(a[0]) ** 2,), None, r"\tanh",
                 {"en": "the hyperbolic tangent", "ru": "гиперболический тангенс"}, ("tanh",),
                 lambda v, a: np.tanh(v), lambda v, a, k: 1 - np.tanh(v) ** 2),
    ActivationOp("softplus", lambda z, a: Softplus(z), Softplus,
                 lambda a, k: (Sigmoid(a[0]),), "_rt.softplus({0})", r"\text{softplus}",
                 {"en": "softplus", "ru": "softplus"}, ("softplus",),
                 lambda v, a: runtime.softplus(v), lambda v, a, k: runtime.sigmoid(v),
                 code={"math": "(max({0}, 0.0) + math.log1p(math.exp(-abs({0}))))",
                       "numpy": "numpy.logaddexp(0.0, {0})", "jax": "jnp.logaddexp(0.0, {0})",
                       "torch": "(torch.clamp({0}, min=0.0) + torch.log1p(torch.exp("
                                "-torch.abs({0}))))"}),
    # ---- kinks: k is the spec's value of [x > 0] at x = 0 ----
    ActivationOp("relu", lambda z, a: Relu(z), Relu, lambda a, k: (Step(a[0], k),),
                 "numpy.maximum({0}, 0.0)", r"\text{ReLU}", {"en": "ReLU", "ru": "ReLU"},
                 ("ReLU",), lambda v, a: runtime.relu(v),
                 lambda v, a, k: runtime.step(v, k), kink=True,
                 code={"math": "max({0}, 0.0)", "numpy": "numpy.maximum({0}, 0.0)",
                       "jax": "jnp.maximum({0}, 0.0)", "torch": "torch.clamp({0}, min=0.0)"}),
    ActivationOp("leaky_relu", lambda z, a: LeakyRelu(z, DEFAULT_LEAKY_SLOPE if a is None else a),
                 LeakyRelu, lambda a, k: (a[1] + (1 - a[1]) * Step(a[0], k), None),
                 "_rt.leaky_relu({0}, {1})", r"\text{LeakyReLU}",
                 {"en": "leaky ReLU", "ru": "Leaky ReLU"}, ("LeakyReLU",),
                 lambda v, a: runtime.leaky_relu(v, a),
                 lambda v, a, k: a + (1 - a) * runtime.step(v, k), kink=True, takes_alpha=True,
                 code={"math": "({0} if {0} > 0 else {1} * {0})",
                       **_each("{m}.where({{0}} > 0, {{0}}, {{1}} * {{0}})", "math")}),
    # ---- whole layers and formulas ----
    ActivationOp("softmax", None, None, None, None, r"\text{softmax}",
                 {"en": "softmax", "ru": "softmax"}, (), output_only=True),
    ActivationOp("custom", None, None, None, None, "",
                 {"en": "a custom formula", "ru": "задана формулой в спецификации"}),
)}

# the order specs and messages list them in
ACTIVATIONS = {n: ACTIVATIONS[n] for n in ("identity", "relu", "leaky_relu", "sigmoid", "tanh",
                                           "softplus", "softmax", "custom")}
#: the SymPy function of an activation → its record
BY_FUNCTION: dict[type, ActivationOp] = {op.function: op for op in ACTIVATIONS.values()
                                         if op.function is not None}
#: a name documents use (sigma, ReLU, …) → the activation's name
DOCUMENT_NAMES: dict[str, str] = {d: op.name for op in ACTIVATIONS.values()
                                  for d in op.document_names}
#: activations a spec may name (custom ones are written {custom: formula})
SPEC_NAMES: tuple[str, ...] = tuple(n for n in ACTIVATIONS if n != "custom")
#: SymPy functions with a kink at 0
KINK_FUNCTIONS: tuple[type, ...] = tuple(op.function for op in ACTIVATIONS.values()
                                         if op.kink and op.function is not None)


def activation(name: str) -> ActivationOp:
    """The record of ``name``, or an :class:`UnsupportedError` naming the known ones."""
    op = ACTIVATIONS.get(name)
    if op is None:
        raise UnsupportedError(f"unknown activation {name!r}; known: " + ", ".join(SPEC_NAMES))
    return op


def elementwise(name: str, z: sp.Expr, alpha: sp.Expr | None = None) -> sp.Expr:
    """σ(z) for an elementwise activation ``name`` (not softmax, not custom)."""
    op = activation(name)
    if op.build is None:
        raise UnsupportedError(f"{name} is not an elementwise activation of one argument")
    return op.build(z, alpha)
