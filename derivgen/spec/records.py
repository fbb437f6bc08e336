"""The validated spec as frozen records, and the names and limits validation uses."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Union

import sympy as sp

from derivgen import limits
from derivgen.ops import activations, losses
from derivgen.spec.naming import Names

#: activations and losses a spec may name: the registries' (derivgen.ops)
ACTIVATIONS = activations.SPEC_NAMES
LOSSES = tuple(losses.LOSSES)
#: activations of one entry (what a free-form model's function alias may name)
ELEMENTWISE = tuple(n for n in ACTIVATIONS if activations.ACTIVATIONS[n].build is not None)
REDUCTIONS = ("single", "sum", "mean")
MAX_UNITS = limits.MAX_UNITS
MAX_SCALAR_PARAMETERS = limits.MAX_SCALAR_PARAMETERS
#: names every graph adds itself (loss node, residuals)
RESERVED = ("L", "r")
BIASES = ("neuron", "shared", "none")
#: the variable a custom activation formula is written in
ACT_VAR = sp.Symbol("x")


@dataclass(frozen=True)
class Activation:
    """An elementwise activation; ``formula`` is set for custom ones (in ``ACT_VAR``)."""

    name: str
    alpha: sp.Expr | None = None
    formula: sp.Expr | None = None


@dataclass(frozen=True)
class Layer:
    """One dense layer: its width, activation and bias mode."""

    units: int
    activation: Activation
    bias: str = "neuron"


@dataclass(frozen=True)
class Network:
    """A stack of dense layers (``network:`` in a spec)."""

    inputs: int
    layers: tuple[Layer, ...]
    names: Names = Names()
    form: str = "scalar"
    #: where the name templates stand, for errors about the names they make
    names_pos: Any = None
    #: matrix form: samples as rows (X·W + b, seed 003) or as columns (W·x + b, seed 001)
    layout: str = "rows"
    #: matrix form: L2 penalty λ·ΣW² per weight matrix name ("*": every weight matrix)
    l2: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class FreeForm:
    """A model written as named equations (``model:`` in a spec)."""

    inputs: tuple[str, ...]
    targets: tuple[str, ...]
    parameters: tuple[str, ...]
    equations: tuple[tuple[str, sp.Expr], ...]
    outputs: tuple[str, ...]
    #: (name, low, high): where random values of an input or parameter are drawn (``domain:``)
    domain: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True)
class Example:
    """A worked example: inputs (N×D), targets (N×C), parameter values, learning rate.

    A document may give only some of these (seed 002 gives the input alone);
    missing targets are None and missing parameters are absent from ``params``.
    """

    x: tuple[tuple[float, ...], ...]
    y: tuple[tuple[float, ...], ...] | None
    params: Mapping[str, Any]
    learning_rate: float | None = None
    pos: Any = None


@dataclass(frozen=True)
class Spec:
    """A validated spec; ``extra`` keeps sections owned by other modules (notation, …)."""

    name: str
    source: str
    network: Union[Network, FreeForm]
    loss: str
    reduction: str
    subgradient: int = 0
    description: str = ""
    document: str = ""
    example: Example | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
