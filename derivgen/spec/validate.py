"""Spec validation: parsed YAML → frozen records, or a SpecError with a position.

The YAML layout is documented in README.md; every key is checked here, and an
unknown key or value names what is allowed.
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Union

import sympy as sp

from derivgen.errors import SpecError
from derivgen.spec.fields import Fields, formula, identifier
from derivgen.spec.naming import Names, check_template, format_name
from derivgen.spec.source import read_spec_source

ACTIVATIONS = ("identity", "relu", "leaky_relu", "sigmoid", "tanh", "softplus", "softmax")
LOSSES = ("half_sse", "sse", "mse", "mae", "cross_entropy", "bce")
LOSS_ALIASES = {"softmax_cross_entropy": "cross_entropy", "binary_cross_entropy": "bce"}
REDUCTIONS = ("single", "sum", "mean")
MAX_UNITS = 4096
MAX_SCALAR_PARAMETERS = 20_000
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


def activation(fields: Fields, key: str, value: Any, alpha: float | None) -> Activation:
    """Read an activation: a name from ACTIVATIONS or ``{custom: "x**3"}``."""
    if isinstance(value, dict):
        sub = Fields(value, f"'{key}'", fields.source)
        text = sub.take("custom", str, required=True)
        sub.done()
        expr = formula(sub, "custom", text, {"x": ACT_VAR})
        return Activation("custom", formula=expr)
    if value not in ACTIVATIONS:
        raise fields.error(key, f"activation {value!r} is unknown; allowed: "
                           + ", ".join(ACTIVATIONS) + ", or {custom: <formula in x>}")
    if value == "leaky_relu":
        return Activation(value, alpha=sp.Rational(repr(alpha if alpha is not None else 0.01)))
    if alpha is not None:
        raise fields.error("alpha", "'alpha' is the slope of leaky_relu only")
    return Activation(value)


def names_section(fields: Fields) -> Names:
    """Read the optional ``names:`` templates of a network."""
    raw = fields.take("names", dict, default={})
    sub = Fields(raw, "'names'", fields.source, fields.pos("names"))
    values: dict[str, Any] = {}
    for key in Names.field_names():
        if key in ("layer_base", "unit_base"):
            value = sub.take(key, int)
            if value is not None and not 0 <= value <= 9:
                raise sub.error(key, f"'{key}' must be between 0 and 9")
        elif key == "matrix_layout":
            value = sub.take(key, str, choices=("out_in", "in_out"))
        else:
            value = sub.take(key, str)
            complaint = value is not None and check_template(value, key != "loss")
            if complaint:
                raise sub.error(key, f"'{key}': {complaint}")
        if value is not None:
            values[key] = value
    sub.done()
    return Names(**values)


def network_section(fields: Fields) -> Network:
    """Read ``network:``: inputs, layers, default bias, names, form."""
    inputs = fields.take("inputs", int, required=True)
    if not 1 <= inputs <= MAX_UNITS:
        raise fields.error("inputs", f"'inputs' must be between 1 and {MAX_UNITS}")
    default_bias = fields.take("bias", str, default="neuron", choices=BIASES)
    form = fields.take("form", str, default="scalar", choices=("scalar", "matrix"))
    layout = fields.take("layout", str, default="rows", choices=("rows", "columns"))
    l2 = _l2_section(fields)
    if form == "scalar" and ("layout" in fields.data or l2):
        key = "layout" if "layout" in fields.data else "l2"
        raise fields.error(key, f"'{key}' belongs to form: matrix")
    raw_layers = fields.take("layers", list, required=True)
    if not raw_layers:
        raise fields.error("layers", "'layers' needs at least one layer")
    layers = []
    for i, raw in enumerate(raw_layers):
        pos = raw_layers.item_pos[i] if hasattr(raw_layers, "item_pos") else None
        sub = Fields(raw, f"layer {i + 1}", fields.source, pos)
        units = sub.take("units", int, required=True)
        if not 1 <= units <= MAX_UNITS:
            raise sub.error("units", f"'units' must be between 1 and {MAX_UNITS}")
        alpha = sub.take("alpha", float)
        act = activation(sub, "activation", sub.take("activation", (str, dict), required=True,
                                                     choices=None), alpha)
        if act.name == "softmax" and i != len(raw_layers) - 1:
            raise sub.error("activation", "softmax is allowed on the output layer only")
        bias = sub.take("bias", str, default=default_bias, choices=BIASES)
        sub.done()
        layers.append(Layer(units, act, bias))
    sizes = [inputs] + [layer.units for layer in layers]
    count = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if form == "scalar" and count > MAX_SCALAR_PARAMETERS:
        raise fields.error("layers", f"{count} parameters; scalar form derives at most "
                           f"{MAX_SCALAR_PARAMETERS} (one symbol each)")
    names = names_section(fields)
    if form == "matrix":  # W_l arrays mean the same in both forms
        implied = "in_out" if layout == "rows" else "out_in"
        if "matrix_layout" in fields.data.get("names", {}) and names.matrix_layout != implied:
            raise fields.error("names", f"layout: {layout} stores weights {implied}; "
                               f"remove matrix_layout or set it to {implied}")
        names = dataclasses.replace(names, matrix_layout=implied)
        weights = [format_name(names.weight_matrix, l=(i + names.layer_base, 2))
                   for i in range(len(layers))]
        raw_l2 = fields.data.get("l2")
        for name, _ in l2:
            if name != "*" and name not in weights:
                p = raw_l2.key_pos.get(name) if hasattr(raw_l2, "key_pos") else None
                raise SpecError(f"l2: {name!r} is not a weight matrix; weights: "
                                + ", ".join(weights), fields.source,
                                *((p.line, p.column) if p else (None, None)))
    fields.done()
    return Network(inputs, tuple(layers), names, form,
                   fields.data.value_pos.get("names") if "names" in fields.data else None,
                   layout, l2)


def _l2_section(fields: Fields) -> tuple[tuple[str, float], ...]:
    """``l2: λ`` (every weight matrix) or ``l2: {W_1: λ, …}``; λ ≥ 0."""
    raw = fields.take("l2", (int, float, dict))
    if raw is None:
        return ()
    pairs = list(raw.items()) if isinstance(raw, dict) else [("*", raw)]
    for name, lam in pairs:
        if (not isinstance(lam, (int, float)) or isinstance(lam, bool)
                or not math.isfinite(lam) or lam < 0):
            raise fields.error("l2", "'l2' takes a number λ ≥ 0 or {weight matrix: λ}")
    return tuple((str(k), float(v)) for k, v in pairs)


def model_section(fields: Fields) -> FreeForm:
    """Read ``model:``: inputs, parameters, function aliases and equations."""
    def name_list(key: str, default: list | None = None) -> tuple[str, ...]:
        raw = fields.take(key, list, default=default, required=default is None)
        items = tuple(identifier(fields, key, v) for v in raw)
        if not items or len(set(items)) != len(items):
            raise fields.error(key, f"'{key}' must list distinct names")
        return items

    inputs, parameters = name_list("inputs"), name_list("parameters")
    for name in set(inputs) & set(parameters):
        raise fields.error("parameters", f"{name!r} is both an input and a parameter")
    aliases_raw = fields.take("functions", dict, default={})
    aliases = {}
    for alias, target in aliases_raw.items():
        if target not in ACTIVATIONS[:-1]:
            raise fields.error("functions", f"function alias {alias!r} must name one of "
                               + ", ".join(ACTIVATIONS[:-1]))
        aliases[identifier(fields, "functions", alias)] = target
    symbols: dict[str, sp.Expr] = {n: sp.Symbol(n, real=True) for n in inputs + parameters}
    eq_raw = fields.take("equations", dict, required=True)
    equations = []
    for name, text in eq_raw.items():
        pos = eq_raw.value_pos.get(name) if hasattr(eq_raw, "value_pos") else None
        key_pos = eq_raw.key_pos.get(name) if hasattr(eq_raw, "key_pos") else None
        identifier(fields, "equations", name, key_pos)
        if name in symbols or name in RESERVED or re.fullmatch(r"r_\d+", name):
            raise SpecError(f"equation {name!r} reuses a name already defined or reserved "
                            f"({', '.join(RESERVED)} and r_1, r_2, … name the loss and "
                            "residuals)", fields.source,
                            *((key_pos.line, key_pos.column) if key_pos else (None, None)))
        if not isinstance(text, (str, int, float)) or isinstance(text, bool):
            raise fields.error("equations", f"equation {name!r} must be a formula")
        expr = formula(fields, name, str(text), symbols, aliases, pos)
        symbols[name] = sp.Symbol(name, real=True)
        equations.append((name, expr))
    if not equations:
        raise fields.error("equations", "'equations' needs at least one equation")
    used = set().union(*(e.free_symbols for _, e in equations))
    raw_params = fields.data["parameters"]
    for i, name in enumerate(parameters):
        if symbols[name] not in used:
            p = raw_params.item_pos[i] if hasattr(raw_params, "item_pos") else None
            raise SpecError(f"parameter {name!r} appears in no equation", fields.source,
                            *((p.line, p.column) if p else (None, None)))
    outputs = name_list("outputs", [equations[-1][0]])
    eq_names = {n for n, _ in equations}
    for o in outputs:
        if o not in eq_names:
            raise fields.error("outputs", f"output {o!r} is not an equation")
    default_targets = ["y"] if len(outputs) == 1 else [f"y_{i + 1}" for i in range(len(outputs))]
    targets = name_list("targets", default_targets)
    if len(targets) != len(outputs) or set(targets) & (set(symbols) | set(RESERVED)):
        raise fields.error("targets", "'targets' needs one new name per output")
    fields.done()
    return FreeForm(inputs, targets, parameters, tuple(equations), outputs)


def example_section(fields: Fields) -> Example | None:
    """Read ``example:`` (x, y, params, learning_rate); shapes are checked by the model."""
    raw = fields.take("example", dict)
    if raw is None:
        return None
    sub = Fields(raw, "'example'", fields.source, fields.pos("example"))
    rows: dict[str, Any] = {}
    for key in ("x", "y"):
        value = sub.take(key, list, required=key == "x")
        if value is None:
            rows[key] = None
            continue
        matrix = [list(r) if isinstance(r, list) else [r] for r in value]
        if len(value) and not isinstance(value[0], list):
            matrix = [list(value)]  # one sample written as a flat list
        if not matrix or any(len(r) != len(matrix[0]) for r in matrix) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for r in matrix for v in r):
            raise sub.error(key, f"'{key}' must be a list of numbers or a list of rows")
        rows[key] = tuple(tuple(float(v) for v in r) for r in matrix)
        if not all(math.isfinite(v) for r in rows[key] for v in r):
            raise sub.error(key, f"'{key}' must hold finite numbers")
    params = sub.take("params", dict, default={})
    for name, value in params.items():
        if not _numbers(value):
            p = params.value_pos.get(name) if hasattr(params, "value_pos") else None
            raise SpecError(f"example parameter {name!r} must be a finite number or a list "
                            "of them", fields.source, *((p.line, p.column) if p else (None, None)))
    lr = sub.take("learning_rate", float)
    sub.done()
    return Example(rows["x"], rows["y"], dict(params), lr, fields.pos("example"))


def _numbers(value: Any) -> bool:
    """A finite number, or a (nested) non-empty list of them."""
    if isinstance(value, list):
        return bool(value) and all(_numbers(v) for v in value)
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


#: top-level keys that later stages read themselves
PASSTHROUGH = ("notation", "reference", "claims")


def build_spec(data: Any, source: str) -> Spec:
    """Validate parsed YAML into a :class:`Spec`."""
    top = Fields(data, "the spec", source)
    name = top.take("name", str, default=source.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    network_raw, model_raw = top.take("network", dict), top.take("model", dict)
    if (network_raw is None) == (model_raw is None):
        raise top.error(None, "a spec needs exactly one of 'network' (dense layers) "
                        "or 'model' (named equations)")
    if network_raw is not None:
        net: Network | FreeForm = network_section(
            Fields(network_raw, "'network'", source, top.pos("network")))
    else:
        net = model_section(Fields(model_raw, "'model'", source, top.pos("model")))
    loss = top.take("loss", str, required=True, choices=None)
    loss = LOSS_ALIASES.get(loss, loss)
    if loss not in LOSSES:
        raise top.error("loss", f"loss {loss!r} is unknown; allowed: {', '.join(LOSSES)}")
    needs = {"cross_entropy": "softmax", "bce": "sigmoid"}.get(loss)
    if needs and (not isinstance(net, Network) or net.layers[-1].activation.name != needs):
        raise top.error("loss", f"loss {loss} needs a network whose output layer is {needs}")
    reduction = top.take("reduction", str, required=True, choices=REDUCTIONS)
    subgradient = top.take("subgradient", int, default=0, choices=(0, 1))
    spec = Spec(name=name, source=source, network=net, loss=loss, reduction=reduction,
                subgradient=subgradient,
                description=top.take("description", str, default=""),
                document=top.take("document", str, default=""),
                example=example_section(top),
                extra={k: top.take(k, (dict, list)) for k in PASSTHROUGH if k in top.data})
    top.done()
    return spec


def read_spec(path_or_text: Any) -> Spec:
    """Read and validate a spec from a path or from YAML text."""
    data, source = read_spec_source(path_or_text)
    return build_spec(data, source)
