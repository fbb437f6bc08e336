"""What a model shows in Jupyter: the derivation when it is short, a summary when it is not.

A scalar ``mlp([8, 32, 4])`` has 420 parameters and a derivation of hundreds of
kilobytes; rendering it for a notebook cell takes seconds and shows nothing one
can read.  Above :data:`LARGE_VALUES` parameter values a model shows
:func:`summary_markdown` instead: sizes, parameters, loss, and how to get the
rest (``model.show(name)`` for one gradient, ``model.show()`` for everything).
Nothing here derives more than it shows: the summary computes no gradient.
The model is duck-typed, as everywhere in :mod:`derivgen.render`.
"""
from __future__ import annotations

from typing import Any

from derivgen.ops.lazy import lazy

np = lazy("numpy")  # imported when first used

#: more parameter values than this and a model displays as a summary
LARGE_VALUES = 40
#: names shown at each end of a long list of parameters
ENDS = 4
#: equations and gradients in ``_repr_latex_`` before it says ⋮
LATEX_ROWS = 12


def value_count(model: Any) -> int:
    """How many numbers the parameters hold (a matrix counts all its entries)."""
    if getattr(model, "form", "scalar") == "matrix":
        return int(sum(int(np.prod(s)) for s in model.parameter_shapes.values()))
    return len(model.parameters)


def is_large(model: Any) -> bool:
    """True when the model displays as a summary rather than its whole derivation."""
    return value_count(model) > LARGE_VALUES


def model_markdown(model: Any) -> str:
    """``_repr_markdown_``: the derivation of a small model, the summary of a large one."""
    if is_large(model):
        return summary_markdown(model)
    from derivgen.render.document import render
    return render(model, "markdown")


def _names(names: list[str]) -> str:
    shown = names if len(names) <= 2 * ENDS else [*names[:ENDS], "…", *names[-ENDS:]]
    return ", ".join(n if n == "…" else f"`{n}`" for n in shown)


def _layers(model: Any) -> str | None:
    net = model.spec.network
    layers = getattr(net, "layers", None)
    if not layers:
        return None
    steps = [str(net.inputs)] + [f"{layer.units} ({layer.activation.name})" for layer in layers]
    return " → ".join(steps)


def summary_markdown(model: Any) -> str:
    """Sizes, parameters, loss and where to get the full derivation; a few KB at any size."""
    spec, form = model.spec, getattr(model, "form", "scalar")
    rows = [("form", form + (f", {model.graph.layout} layout" if form == "matrix" else ""))]
    layers = _layers(model)
    if layers:
        rows.append(("layers", layers))
    else:
        rows.append(("equations", str(len(model.graph.nodes))))
    rows.append(("inputs → outputs", f"{model.input_size} → {model.output_size}"))
    if form == "matrix":
        shapes = ", ".join(f"`{k}` {'×'.join(map(str, s)) or 'scalar'}"
                           for k, s in model.parameter_shapes.items())
        rows.append(("parameters", f"{value_count(model)} values: {shapes}"))
    else:
        rows.append(("parameters", f"{value_count(model)}: {_names(model.parameters)}"))
        groups = getattr(model.graph, "groups", {})
        if groups:
            rows.append(("as arrays", ", ".join(
                f"`{k}` {'×'.join(map(str, np.shape(v)))}" for k, v in groups.items())))
    rows.append(("loss", f"`{spec.loss}`, reduction `{spec.reduction}`"))
    rows.append(("kinks", f"ReLU′(0) = {int(model.graph.at0)}"))
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    first = model.parameters[0]
    return (f"### {spec.name}\n\n"
            f"A summary: the whole derivation of {value_count(model)} parameter values is "
            f"too long to display here.\n\n| | |\n|---|---|\n{table}\n\n"
            f"- one gradient: `model.show({first!r})` (or `model.gradient_markdown({first!r})`)\n"
            "- the whole derivation: `model.show()`, or `derivgen derive SPEC -o derivation.md`\n"
            "- the graph: `derivgen graph SPEC -o graph.svg`"
            + ("; matrix form draws one node per matrix (`--form matrix`)"
               if form == "scalar" and layers else "") + "\n")


def _matrix_document(model: Any) -> Any:
    """The matrix derivation's sections, in the notation ``render`` would use."""
    from derivgen.render.matsections import build_matrix_document
    from derivgen.render.profiles import PROFILES, read_notation
    profile = (read_notation(model.scalar) if "notation" in model.spec.extra
               else PROFILES["default"])
    return build_matrix_document(model, profile)


def _builder(model: Any) -> Any:
    """The scalar document builder in the model's notation (it derives nothing yet)."""
    from derivgen.render.notation import Notation
    from derivgen.render.profiles import read_notation
    from derivgen.render.sections import DocumentBuilder
    return DocumentBuilder(model, Notation(model, read_notation(model)))


def gradient_markdown(model: Any, name: str) -> str:
    """One parameter's gradient: its chain of partials and its formulas, as Markdown."""
    if name not in model.parameters:
        shown = _names(list(model.parameters)).replace("`", "")
        raise KeyError(f"{name!r} is not a parameter of {model.spec.name}; parameters: {shown}")
    if getattr(model, "form", "scalar") == "matrix":
        doc = _matrix_document(model)
        shown = [d for d in doc.gradients if d.param == name]
    else:
        builder = _builder(model)
        gradient = builder.gradient(next(p for p in model.graph.params if p.name == name))
        shown = [d for d in (gradient.chain, gradient.compact, gradient.expanded) if d]
    blocks = "".join(f"$$\n{d.latex}\n$$\n\n" for d in shown)
    return f"#### ∂L/∂`{name}` ({model.spec.name})\n\n{blocks}".rstrip() + "\n"


def model_latex(model: Any) -> str:
    """``_repr_latex_``: the forward equations, the loss and (small models) the gradients."""
    if getattr(model, "form", "scalar") == "matrix":
        doc = _matrix_document(model)
        rows = [d.sides for d in (*doc.forward, *doc.loss, *doc.gradients)]
    else:
        builder = _builder(model)
        nodes = [(s, n) for s, n in model.graph.nodes.items() if n.role != "loss"][:LATEX_ROWS]
        rows = [(builder.nt.symbol(s), builder.nt.latex(n.expr, inline=False)) for s, n in nodes]
        rows += [d.sides for d in builder.loss()]
        if not is_large(model):
            rows += [builder.gradient(p).compact.sides for p in model.graph.params]
    shown = rows[:LATEX_ROWS * 3]
    lines = [f"{sides[0]} &= {' = '.join(sides[1:])}" for sides in shown]
    if len(rows) > len(shown) or is_large(model):
        lines.append(r"&\;\vdots")
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$"


def show(model: Any, name: str | None = None) -> None:
    """Display one gradient (``name``) or the whole derivation in Jupyter; print it elsewhere."""
    if name is None:
        from derivgen.render.document import render
        text = render(model, "markdown")
    else:
        text = gradient_markdown(model, name)
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is None or get_ipython() is None:  # a plain interpreter or script
        print(text)
        return
    display(Markdown(text))
