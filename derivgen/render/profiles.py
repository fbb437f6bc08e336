"""Notation profiles: which LaTeX each seed document uses for the engine's names.

A profile maps the engine's vocabulary (symbol names, activation functions,
the indicator of a kink, the learning rate, …) onto one document's symbols.
The five seed profiles reproduce seeds 000–004; ``default`` is a neutral
textbook notation.  A spec chooses a profile and may override single symbols:

    notation: {profile: seed001, symbols: {yhat: '\\hat{y}'}, learning_rate: '\\alpha'}

A spec without ``notation:`` (or without ``profile:`` in it) gets ``default``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping

from derivgen.errors import ReferenceParseError, SpecError
from derivgen.limits import clip
from derivgen.spec.fields import Fields
from derivgen.engine.protocol import GradientModel



@dataclass(frozen=True)
class Call:
    """A symbol written as a function of the model's inputs: ``h_{\\theta}(x)``."""

    name: str


@dataclass(frozen=True)
class Profile:
    """One document's notation; every field has a neutral default."""

    name: str
    #: prose language when --lang is not given
    language: str = "en"
    #: LaTeX of the total loss (None: the loss node's symbol)
    loss: str | None = None
    #: letter of the per-sample index (seed 000: n, seeds 003/004: i)
    sample_index: str = "n"
    learning_rate: str = r"\eta"
    assign: str = r"\leftarrow"
    #: what separates factors of a product: " ", r" \, " or r" \cdot "
    mul: str = " "
    #: bias (parameter-only) terms before data terms: θ_10 + θ_11 x (seeds 000, 004)
    bias_first: bool = False
    #: how ReLU' is written: g (g_{i,n}), prime (σ_h'(z)), iverson ([z > 0]), indicator (1[z > 0])
    step: str = "indicator"
    #: activation → LaTeX name, over the defaults in latex.FUNCTION_NAMES
    functions: Mapping[str, str] = field(default_factory=dict)
    #: every activation is σ_h in hidden layers and σ_o in the output layer (seed 001)
    layer_functions: bool = False
    #: engine name → LaTeX (a string) or a call on the inputs (:class:`Call`)
    symbols: Mapping[str, str | Call] = field(default_factory=dict)
    #: head of engine names → LaTeX head: x_1 → Input_1 (seed 002)
    heads: Mapping[str, str] = field(default_factory=dict)
    #: nodes of dense layers carry (layer, unit): ŷ_{0,1} (seed 002)
    layer_parts: bool = False
    #: write r_k as (ŷ_k − y_k) inside formulas (seed 003)
    residual_inline: bool = False
    #: matrix product in the layer view: "{W} \cdot {x}" style, by layout
    matmul: str = r"\cdot"
    #: bold vectors in the layer view (seed 001)
    bold_vectors: bool = False
    #: shapes written [D \times H] (seed 003) instead of \mathbb{R}^{D \times H}
    bracket_shapes: bool = False


PROFILES: dict[str, Profile] = {
    "default": Profile("default"),
    "seed000": Profile("seed000", language="ru", symbols={"L": r"\mathcal{L}"}, mul=r" \, ",
                       bias_first=True, step="g", functions={"relu": "a"}),
    "seed001": Profile("seed001", language="ru", mul=r" \cdot ", step="prime",
                       layer_functions=True, bold_vectors=True),
    "seed002": Profile("seed002", language="ru", symbols={"L": r"\text{Loss}"},
                       heads={"x": r"\text{Input}", "b": r"\text{bias}"}, layer_parts=True,
                       step="prime", matmul=r"\otimes", mul=r" \cdot "),
    "seed003": Profile("seed003", language="ru", sample_index="i", step="iverson",
                       residual_inline=True, matmul=r"\times", bracket_shapes=True),
    "seed004": Profile("seed004", language="en", loss="J", sample_index="i",
                       learning_rate=r"\alpha", assign=":=", mul=r" \cdot ", bias_first=True,
                       step="prime", symbols={"h": Call(r"h_{\theta}"), "M": Call("M"),
                                              "yprime": "y'"}),
}
STEP_STYLES = ("g", "prime", "iverson", "indicator")


#: commands the reader accepts that the LaTeX output does not define (\bm needs the bm
#: package, \gt and \lt exist in MathJax only): refused, so that what is accepted compiles
UNDEFINED_COMMANDS = re.compile(r"\\(bm|gt|lt)(?![A-Za-z])")


def _check_latex(fields: Fields, key: str, text: str, pos=None) -> str:
    """Refuse LaTeX the reference parser cannot read back, so output stays checkable, and
    LaTeX that pdflatex could not compile in the derivation's preamble."""
    from derivgen.reader.latex import parse_expression
    p = pos or fields.pos(key)
    try:
        bad = UNDEFINED_COMMANDS.search(text)
        if bad:
            raise ReferenceParseError(f"'{bad.group()}' is not defined in the output; use "
                                      + ("\\boldsymbol" if bad.group(1) == "bm" else "> or <"),
                                      text, bad.start() + 1)
        parse_expression(text)
    except ReferenceParseError as exc:
        col = p.column + p.quoted + (exc.column or 1) - 1 if p else None
        raise SpecError(f"notation '{key}': {exc.message} in {clip(text)!r}", fields.source,
                        p.line if p else None, col) from None
    return text


def read_notation(model: GradientModel, names: bool = True) -> Profile:
    """The spec's profile with its overrides; errors name the spec's line and column.

    ``names=False`` does not hold symbol overrides against the model's names (a compact
    derivation names generic units, which no override of one unit's name applies to)."""
    raw = model.spec.extra.get("notation")
    if raw is None:
        return PROFILES["default"]
    top = Fields(raw, "'notation'", model.spec.source)
    name = top.take("profile", str, default="default", choices=tuple(PROFILES))
    profile = PROFILES[name]
    changes: dict = {}
    language = top.take("language", str, choices=("ru", "en"))
    if language:
        changes["language"] = language
    step = top.take("step", str, choices=STEP_STYLES)
    if step:
        changes["step"] = step
    for key in ("learning_rate", "loss"):
        value = top.take(key, str)
        if value is not None:
            changes[key] = _check_latex(top, key, value)
    symbols = top.take("symbols", dict, default={})
    known = {s.name for s in (*model.graph.params, *model.graph.inputs, *model.graph.targets,
                              *model.graph.nodes)}
    merged: dict[str, str | Call] = dict(profile.symbols)
    for key, value in symbols.items():
        kpos = symbols.key_pos.get(key) if hasattr(symbols, "key_pos") else None
        if names and key not in known:
            raise SpecError(f"notation symbol {key!r} is not a name of this spec; names: "
                            + ", ".join(sorted(known)), model.spec.source,
                            *((kpos.line, kpos.column) if kpos else (None, None)))
        if not isinstance(value, str) or not value.strip():
            raise top.error("symbols", f"notation symbol {key!r} needs LaTeX text")
        vpos = symbols.value_pos.get(key) if hasattr(symbols, "value_pos") else None
        merged[str(key)] = _check_latex(top, "symbols", value, vpos)
    changes["symbols"] = merged
    top.done()
    return replace(profile, **changes)
