"""The worked example: forward values, backward values and one update step, as numbers.

Every number comes from the engine: node values and per-sample adjoints from
``model.values()``, parameter gradients (with the reduction) from
``model.gradient_fn()``.  They are printed to 3 significant digits, as seed 001
§6 does (h = σ(0.1) ≈ 0.525).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from derivgen.errors import SpecError
from derivgen.spec.fields import Fields
from derivgen.spec.source import PosDict, load_text, read_file_bytes, read_spec_source
from derivgen.spec import Example, example_section
from derivgen.engine.protocol import GradientModel
from derivgen.render.sections import DocumentBuilder


def number(value: float) -> str:
    """3 significant digits, as LaTeX: 0.525, -0.188, 1.23 \\cdot 10^{-5}."""
    if not math.isfinite(value):
        return r"\text{" + str(value) + "}"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return mantissa + r" \cdot 10^{" + str(int(exponent)) + "}"
    return "0" if text in ("0", "-0") else text


def numbers(values: np.ndarray) -> str:
    """One number, or the values of every sample as (v_1, …, v_N)."""
    flat = np.asarray(values, dtype=float).ravel()
    if flat.size == 1:
        return number(float(flat[0]))
    return r"\left(" + ", ".join(number(float(v)) for v in flat) + r"\right)"


def relation(values: np.ndarray) -> str:
    """= when the printed digits are the value itself, ≈ when they are rounded."""
    flat = np.asarray(values, dtype=float).ravel()
    exact = all(math.isclose(float(f"{v:.3g}"), v, rel_tol=1e-12, abs_tol=1e-15) for v in flat)
    return "=" if exact else r"\approx"


@dataclass
class Worked:
    """The example's lines, each a LaTeX formula."""

    samples: int
    data: list[str] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    learning_rate: str | None = None
    forward: list[str] = field(default_factory=list)
    backward: list[str] = field(default_factory=list)
    gradients: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)


def read_values(path: str | Path) -> tuple[Example, str, Any]:
    """A --values file: YAML with the shape of a spec's ``example:``."""
    # the spec's reader: a regular file within the size budget (no FIFO, no /dev/zero)
    raw = read_file_bytes(path, "a values file is a .yaml text file")
    data = load_text(raw, str(path))
    wrapper = PosDict({"example": data})
    pos = getattr(data, "pos", None)
    wrapper.pos, wrapper.key_pos, wrapper.value_pos = pos, {"example": pos}, {"example": pos}
    top = Fields(wrapper, "the values file", str(path))
    example = example_section(top)
    top.done()
    assert example is not None
    return example, str(path), pos


def _example_pos(source: str) -> Any:
    """Where 'example:' stands in the spec file (the spec record keeps no positions)."""
    try:
        data, _ = read_spec_source(Path(source))
        return data.key_pos.get("example")
    except (SpecError, AttributeError):
        return None


def _arrays(model: GradientModel, ex: Example, source: str, where: Any) -> tuple[dict, Any, Any, dict]:
    """(params, x, y, gradients), or a SpecError naming the file and position."""
    def fail(message: str) -> SpecError:
        return SpecError(message, source, *((where.line, where.column) if where else (None,) * 2))

    if ex.y is None:
        raise fail("the worked example needs targets 'y' as well as 'x'")
    x, y = np.asarray(ex.x, dtype=float), np.asarray(ex.y, dtype=float)
    try:
        params = model.flat_params(ex.params, partial=True)
        missing = [p for p in model.parameters if p not in params]
        if missing:
            raise ValueError("it needs a value for every parameter; missing: " + ", ".join(missing))
        grads = model.gradient_fn()(params, x, y)  # also checks the shapes of x and y
    except ValueError as exc:
        raise fail(f"worked example: {exc}") from None
    return params, x, y, grads


def example_point(model: GradientModel, values: str | Path | None = None
                  ) -> tuple[Example, dict, np.ndarray, np.ndarray, dict]:
    """(example, params, x, y, gradients) of the spec's ``example:`` or of a --values file.

    Every parameter and the targets must be given; a :class:`SpecError` names the file
    and the position of what is missing or malformed.
    """
    if values is not None:
        ex, source, where = read_values(values)
    else:
        ex, source = model.spec.example, model.spec.source
        if ex is None:
            raise SpecError("--example needs an 'example:' section in the spec, or --values FILE",
                            source, *((1, 1) if Path(source).is_file() else (None, None)))
        where = _example_pos(source)
    return (ex, *_arrays(model, ex, source, where))


def worked_example(builder: DocumentBuilder, values: str | Path | None = None) -> Worked:
    """Numbers of the spec's ``example:`` (or of a --values file) through one step."""
    model, nt, g = builder.model, builder.nt, builder.graph
    ex, params, x, y, grads = example_point(model, values)
    values = model.values(params, x, y)  # every node and per-sample adjoint, from the engine
    data = {**{s: x[:, j] for j, s in enumerate(g.inputs)},
            **{s: y[:, k] for k, s in enumerate(g.targets)}}
    out = Worked(samples=x.shape[0])
    out.data = [f"{nt.symbol(s)} = {numbers(v)}" for s, v in data.items()]
    out.params = [f"{nt.symbol(p, False)} = {number(params[p.name])}" for p in g.params]
    for s, node in g.nodes.items():
        v = values[s.name]
        definition = nt.latex(node.expr, inline=False)
        out.forward.append(f"{nt.symbol(s)} = {definition} {relation(v)} {numbers(v)}")
    for s in [*reversed([s for s in g.nodes if s != g.loss]), *g.inputs]:
        v = values.get(f"dL/d{s.name}")
        if v is not None:  # a residual nobody reads has no adjoint
            out.backward.append(f"{builder.frac(g.loss, s)} {relation(v)} {numbers(v)}")
    total = nt.loss_symbol()
    for p in g.params:
        value = float(grads[p.name])
        out.gradients.append(f"{nt.partial(total, p)} {relation(np.array(value))} {number(value)}")
    if ex.learning_rate is not None:
        lr = ex.learning_rate
        out.learning_rate = f"{nt.profile.learning_rate} = {number(lr)}"
        for p in g.params:
            old, grad = params[p.name], float(grads[p.name])
            new = old - lr * grad
            step = number(grad) if grad >= 0 else r"\left(" + number(grad) + r"\right)"
            out.updates.append(f"{nt.symbol(p, False)} {nt.profile.assign} {number(old)} - "
                               f"{number(lr)} \\cdot {step} {relation(np.array(new))} "
                               f"{number(new)}")
    return out
