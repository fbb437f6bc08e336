"""Spec validation: parsed YAML → frozen records, or a SpecError with a position.

The YAML layout is documented in README.md; every key is checked here, and an
unknown key or value names what is allowed.
"""
from __future__ import annotations

import math
import re
from typing import Any

import sympy as sp

from derivgen.errors import SpecError
from derivgen.limits import MAX_MAGNITUDE, clip
from derivgen.ops import losses
from derivgen.spec.fields import Fields, formula, identifier
from derivgen.spec.network import network_section
from derivgen.spec.records import (ELEMENTWISE, LOSSES, REDUCTIONS, RESERVED,
                                   Example, FreeForm, Network, Spec)
from derivgen.spec.source import read_spec_source
from derivgen.spec.title import safe_title, title_problem


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
        if target not in ELEMENTWISE:
            raise fields.error("functions", f"function alias {alias!r} must name one of "
                               + ", ".join(ELEMENTWISE))
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
    domain = _domain(fields, set(inputs) | set(parameters))
    fields.done()
    return FreeForm(inputs, targets, parameters, tuple(equations), outputs, domain)


def _domain(fields: Fields, names: set[str]) -> tuple[tuple[str, float, float], ...]:
    """``domain: {x: [0.1, 10]}``: the interval random values of an input or parameter
    are drawn from (``check`` and the judge), for formulas such as log(x) or x**b."""
    raw = fields.take("domain", dict, default={})
    out = []
    for name, interval in raw.items():
        kpos = raw.key_pos.get(name) if hasattr(raw, "key_pos") else None
        vpos = raw.value_pos.get(name) if hasattr(raw, "value_pos") else None
        if name not in names:
            raise SpecError(f"domain: {clip(name)!r} is not an input or parameter; names: "
                            + ", ".join(sorted(names)), fields.source,
                            *((kpos.line, kpos.column) if kpos else (None, None)))
        ok = (isinstance(interval, list) and len(interval) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            and abs(v) <= MAX_MAGNITUDE for v in interval) and interval[0] < interval[1])
        if not ok:
            raise SpecError(f"domain of {name!r} must be [low, high], two finite numbers with "
                            "low < high", fields.source,
                            *((vpos.line, vpos.column) if vpos else (None, None)))
        out.append((str(name), float(interval[0]), float(interval[1])))
    return tuple(out)


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
    name = _name(top, source)
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
    loss = losses.SPEC_NAMES.get(loss, loss)
    if loss not in LOSSES:
        raise top.error("loss", f"loss {loss!r} is unknown; allowed: {', '.join(LOSSES)}")
    output = net.layers[-1].activation.name if isinstance(net, Network) else None
    complaint = losses.output_mismatch(loss, output)
    if complaint:
        raise top.error("loss", complaint)
    reduction = top.take("reduction", str, required=True, choices=REDUCTIONS)
    subgradient = top.take("subgradient", int, default=0, choices=(0, 1))
    spec = Spec(name=name, source=source, network=net, loss=loss, reduction=reduction,
                subgradient=subgradient,
                description=top.take("description", str, default=""),
                document=top.take("document", str, default=""),
                example=example_section(top),
                extra={k: top.take(k, (dict, list)) for k in PASSTHROUGH if k in top.data})
    top.done()
    _example_in_domain(spec, top)
    return spec


def _example_in_domain(spec: Spec, top: Fields) -> None:
    """The worked example's inputs and parameters lie in the model's ``domain``."""
    net, ex = spec.network, spec.example
    if not isinstance(net, FreeForm) or not net.domain or ex is None:
        return
    bounds = {name: (low, high) for name, low, high in net.domain}
    values: list[tuple[str, Any]] = [(name, v) for name, v in ex.params.items()]
    if all(len(row) == len(net.inputs) for row in ex.x):
        values += [(name, row[j]) for row in ex.x for j, name in enumerate(net.inputs)]
    for name, value in values:
        low, high = bounds.get(name, (-math.inf, math.inf))
        if isinstance(value, (int, float)) and not low <= value <= high:
            raise top.error("example", f"the example's {name} = {clip(value)} lies outside "
                            f"its domain [{low:g}, {high:g}]")


def _name(top: Fields, source: str) -> str:
    """``name:`` (every output must be able to print it), else the file's stem made safe."""
    if "name" not in top.data:
        top.take("name", str)
        return safe_title(source.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    name = top.take("name", str)
    problem = title_problem(name)
    if problem is not None:
        index, message = problem
        p = top.pos("name")
        line, col = (p.line, p.column + p.quoted + index) if p else (None, None)
        if p and "\n" in name[:index]:  # a block scalar: count lines
            line, col = p.line + name[:index].count("\n"), index - name[:index].rfind("\n")
        raise SpecError(f"'name': {message}", source, line, col)
    return name


def read_spec(path_or_text: Any) -> Spec:
    """Read and validate a spec from a path or from YAML text."""
    data, source = read_spec_source(path_or_text)
    return build_spec(data, source)
