"""Validating ``network:``: inputs, layers, activations, biases, name templates, form."""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import sympy as sp

from derivgen.errors import SpecError
from derivgen.limits import MAX_LAYERS, MAX_MATRIX_PARAMETERS, MAX_SCALAR_LAYERS
from derivgen.ops import activations
from derivgen.spec.fields import Fields, formula
from derivgen.spec.naming import Names, check_template, format_name
from derivgen.spec.records import (ACT_VAR, ACTIVATIONS, BIASES, MAX_SCALAR_PARAMETERS,
                                   MAX_UNITS, Activation, Layer, Network)


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
    if activations.ACTIVATIONS[value].takes_alpha:
        slope = activations.DEFAULT_LEAKY_SLOPE if alpha is None else sp.Rational(repr(alpha))
        return Activation(value, alpha=slope)
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
            if not complaint and value is not None and "{c}" in value and key != "weight":
                complaint = "{c} counts the weights of the network and belongs to 'weight'"
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
    if len(raw_layers) > MAX_LAYERS:
        raise fields.error("layers", f"{len(raw_layers)} layers; at most {MAX_LAYERS} are "
                           "allowed")
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
        if activations.ACTIVATIONS[act.name].output_only and i != len(raw_layers) - 1:
            raise sub.error("activation", f"{act.name} is allowed on the output layer only")
        bias = sub.take("bias", str, default=default_bias, choices=BIASES)
        sub.done()
        layers.append(Layer(units, act, bias))
    sizes = [inputs] + [layer.units for layer in layers]
    count = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    if form == "scalar" and len(layers) > MAX_SCALAR_LAYERS:
        raise fields.error("layers", f"{len(layers)} layers; scalar form derives at most "
                           f"{MAX_SCALAR_LAYERS} (its derivation grows with the square of "
                           "the depth); try form: matrix")
    if form == "scalar" and count > MAX_SCALAR_PARAMETERS:
        raise fields.error("layers", f"{count} parameters; scalar form derives at most "
                           f"{MAX_SCALAR_PARAMETERS} (one symbol each); try form: matrix")
    if count > MAX_MATRIX_PARAMETERS:
        raise fields.error("layers", f"{count} parameters; at most {MAX_MATRIX_PARAMETERS} "
                           "are allowed (arrays of float64 that checks copy)")
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
