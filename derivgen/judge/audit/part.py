"""One network of a document, ready to judge: model, mapper, notation, example values."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError, ReferenceParseError
from derivgen.judge.arrays import Binding, read_bindings
from derivgen.judge.audit.context import SPEC_KEYS, PartSpec
from derivgen.judge.audit.notation import Notation, name_parts
from derivgen.judge.mapping import LOSS_NAMES, Mapper
from derivgen.judge.numeric import point_values
from derivgen.reader.latex import parse_expression
from derivgen.spec import Network, build_spec
from derivgen.spec.fields import Fields
from derivgen.spec.forms import with_form

#: multi-letter function names documents use, read as one symbol
FUNCTION_WORDS = {"ReLU", "ReLu", "LeakyReLU", "LeakyReLu", "Linear", "MAE", "MSE", "Loss",
                  "softmax", "sigmoid", "relu", "tanh", "prod"}


def alias(latex: str) -> str:
    """A plain symbol for a declared LaTeX name with a superscript or accent; a subscript
    stays a subscript (w^2_{11} is qwS2_11), so that index letters can range over it."""
    parts = name_parts(latex)
    if parts is not None and parts.sub and parts.sup and re.fullmatch(r"[A-Za-z0-9]+",
                                                                      parts.sub):
        return f"q{re.sub(r'[^A-Za-z0-9]', '', parts.base + 'S' + parts.sup)}_{parts.sub}"
    return "q" + re.sub(r"[^A-Za-z0-9]", "", latex.replace("^", "S").replace("_", "U")
                        .replace("'", "P"))


def plain_name(latex: str, sample: str) -> str:
    """The symbol the reader makes of a declared name without superscript."""
    try:
        value = parse_expression(latex, sample_index=sample, functions=frozenset())
    except ReferenceParseError:
        return alias(latex)
    if isinstance(value, sp.Symbol):
        return value.name
    if isinstance(value, sp.Indexed):
        return value.base.label.name + "_" + str(value.indices[-1])
    return alias(latex)


@dataclass
class Part:
    """A network of the document and what the audit knows about it."""

    label: str
    model: Any
    mapper: Mapper
    notation: Notation
    matrices: tuple | None
    matrix_names: frozenset[str]
    params: dict
    x: np.ndarray
    y: np.ndarray
    rate: float
    values: dict = field(default_factory=dict)
    #: document name (plain) -> declared LaTeX, for messages in the document's notation
    shown: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)
    #: the spec gives the whole worked example (x, y, every parameter)
    has_example: bool = True
    #: numbers of the example (parameters, data, rate): exact where a document copies them
    exact_numbers: set = field(default_factory=set)
    #: matrices the document defines (``sum: defined``), by their formula, in reading order
    matrix_defined: dict = field(default_factory=dict)
    #: letters that stand for any parameter (``generic:``)
    generic: tuple = ()
    #: the prose's condition on the link being judged (``z > 0``), or None
    condition: str | None = None

    @property
    def samples(self) -> int:
        return int(self.x.shape[0])


def build_part(spec: PartSpec, text: str) -> Part:
    """The model and mapper of one part; SpecError (exit 2) when its spec is unusable."""
    from derivgen.model.scalar import Model
    data = {k: v for k, v in spec.data.items() if k in SPEC_KEYS}
    built = build_spec(data, spec.source)
    if isinstance(built.network, Network) and built.network.form == "matrix":
        built = with_form(built, "scalar")
    model = Model(built)
    raw = built.extra.get("reference") or {}
    top = Fields(raw, "'reference'", spec.source)
    sample = top.take("sample_index", str, default="n")
    where = dict(top.take("where", dict, default={}))
    functions = dict(top.take("functions", dict, default={}))
    per_obs = top.take("per_observation", bool, default=False)
    loss_args = tuple(top.take("loss_arguments", list, default=[]))
    matrices_raw = top.take("matrices", dict)
    top.take("formulas", list)
    top.done()
    graph = model.graph
    declared: dict[str, str] = {}
    for key in [*where, *(matrices_raw or {})]:
        if key in ("layout", "hadamard", "contraction"):
            continue
        parts = name_parts(key)
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key):
            declared[key] = key
            continue
        declared[key] = alias(key) if parts is None or parts.sup or parts.primes or \
            "\\" in key and "mathbf" not in key and "hat" not in key else plain_name(key, sample)
    where = {declared.get(k, k): v for k, v in where.items()}
    for key, value in list(where.items()):  # p_k: '\hat{y}_{k}' also gives p_1, p_2, ...
        m = re.fullmatch(r"([A-Za-z]+)_([a-z])", key)
        if m and m.group(2) != sample and isinstance(value, str):
            for v in range(1, 10):
                where.setdefault(f"{m.group(1)}_{v}", _instantiate(value, m.group(2), v))
    spec_names = {s.name for s in (*graph.params, *graph.inputs, *graph.targets, *graph.nodes)}
    sizes = {"C": len(graph.outputs), "K": len(graph.outputs), "D": len(graph.inputs)}
    if isinstance(built.network, Network) and len(built.network.layers) > 1:
        sizes["H"] = built.network.layers[0].units
    if re.search(r"Kronecker|Кронекер", text):  # δ_{kj} is 1 when k = j, else 0
        for a in range(1, 10):
            for b in range(1, 10):
                where.setdefault(f"delta_{a}{b}", str(int(a == b)))
    for name, size in sizes.items():
        if name not in where and name not in spec_names and name != graph.loss.name:
            where[name] = str(size)
    try:
        mapper = Mapper(model, where, functions, sample, per_obs, loss_arguments=loss_args)
    except DerivgenError as exc:
        raise top.error("functions", str(exc)) from None
    matrices = None
    names: frozenset[str] = frozenset()
    if matrices_raw:
        renamed = {declared.get(k, k): v for k, v in matrices_raw.items()}
        section = Fields(matrices_raw, "'matrices'", spec.source, top.pos("matrices"))
        single = {k: v for k, v in renamed.items() if isinstance(v, dict) and
                  set(v) <= {"nodes", "adjoint"} and "{" not in str(next(iter(v.values())))}
        matrices = read_bindings(model, {k: v for k, v in renamed.items() if k not in single},
                                 section.error)
        for key, value in single.items():  # one node, named without {k}: a 1-wide family
            [(kind, node)] = value.items()
            if node not in {s.name for s in graph.nodes}:
                raise section.error(key, f"no node {node!r}")
            matrices[1][key] = Binding(kind, (str(node),))
        names = frozenset(matrices[1])
    stems = {n.split("_", 1)[0] for n in [*where, *spec_names, *names]}
    stems |= FUNCTION_WORDS | set(functions) | {n for n in LOSS_NAMES if len(n) > 1}
    marked = re.search(r"\^\s*\{\s*\(\s*" + re.escape(sample) + r"\s*\)\s*\}", text) is not None
    notation = Notation(declared, stems | set(where) | spec_names, sample, graph.loss.name,
                        marked)
    example = model.example_arrays()
    complete = example is not None and example[2] is not None and \
        len(example[0]) == len(model.parameters)
    if complete:
        params, x, y = example
    else:  # formulas need no example; numbers about quantities are then not judged
        from derivgen.verify import random_point
        params, x, y = random_point(model, np.random.default_rng(0), 1 if example is None
                                    else np.shape(example[1])[0])
        if example is not None:
            params.update(example[0])
            x = np.asarray(example[1], dtype=float).reshape(x.shape)
    rate = float(built.example.learning_rate or 0.0) if built.example else 0.0
    part = Part(spec.label, model, mapper, notation, matrices, names, params, x, y, rate,
                has_example=complete and bool(rate or True))
    part.values = point_values(graph, params, x, y)
    part.exact_numbers = {abs(float(v)) for v in [*params.values(), *np.ravel(x), *np.ravel(y),
                                                  rate]}
    part.shown = {v: k for k, v in declared.items()}
    return part


def _instantiate(text: str, letter: str, value: int) -> str:
    """The letter inside the subscripts of ``text`` given a value: z_{2k} with k = 1 is
    z_{21}."""
    return re.sub(r"_\{([^{}]*)\}|_([A-Za-z0-9])",
                  lambda m: "_{" + re.sub(rf"(?<![A-Za-z]){letter}(?![A-Za-z])", str(value),
                                          m.group(1) or m.group(2)) + "}", text)
