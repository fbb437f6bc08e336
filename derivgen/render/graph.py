"""The computation graph as Graphviz DOT: named intermediates, values and gradients.

Each node shows its name in the document's notation (z₁₁, ŷ, h_θ), its value and
∂L/∂node at a point (the worked example), and each edge child → parent carries the
local partial ∂parent/∂child, as micrograd's ``draw_dot`` does for its scalars.
Matrix form draws one node per matrix with its shape, and the vector-Jacobian
product on each edge.  The DOT text needs no library; :func:`render_graph` turns
it into SVG or PNG with the ``graphviz`` package and Graphviz's ``dot`` program.

The model is duck-typed (``form``, ``graph``, ``derivation``, ``spec``,
``values``, ``loss_fn``): this module sits below :mod:`derivgen.model`.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import sympy as sp

from derivgen.errors import DerivgenError, MissingDependency
from derivgen.render.dot import Dot, Point, numbers
from derivgen.render.graph_matrix import matrix_dot
from derivgen.render.unicode import latex_to_unicode

#: more nodes than this and the picture is unreadable: draw the matrix form instead
MAX_NODES = 1500


def graph_dot(model: Any, point: Point | None = None) -> str:
    """The DOT source of ``model``'s graph, with values and gradients at ``point`` if given."""
    if getattr(model, "form", "scalar") == "matrix":
        return matrix_dot(model, point)
    return _scalar_dot(model, point)


def _scalar_dot(model: Any, point: Point | None) -> str:
    from derivgen.render.notation import Notation
    from derivgen.render.profiles import read_notation
    g, d = model.graph, model.derivation
    count = len(g.nodes) + len(g.params) + len(g.inputs) + len(g.targets)
    if count > MAX_NODES:
        raise DerivgenError(f"{model.spec.name}: {count} nodes are too many to draw (at most "
                            f"{MAX_NODES}); draw the matrix form with --form matrix")
    nt = Notation(model, read_notation(model))

    def name(s: sp.Symbol) -> str:
        return latex_to_unicode(nt.symbol(s, sample=False))

    sample_loss = latex_to_unicode(nt.symbol(g.loss, sample=True))
    total_loss = latex_to_unicode(nt.loss_symbol())
    values = model.values(point.params, point.x, point.y) if point else {}
    title = model.spec.name
    if point is not None:
        title += (f": ∂{sample_loss}/∂node per sample, ∂{total_loss}/∂θ over {len(point.x)} "
                  "sample(s)")
    dot = Dot(title)

    def label(s: sp.Symbol, value: Any, grad: Any, loss: str) -> str:
        lines = [name(s)]
        if point is not None and value is not None:
            lines.append(f"= {numbers(value)}")
        if point is not None and grad is not None:
            lines.append(f"∂{loss}/∂{name(s)} = {numbers(grad)}")
        return "\n".join(lines)

    for j, s in enumerate(g.inputs):
        x = point.x[:, j] if point else None
        dot.node(s, label(s, x, values.get(f"dL/d{s.name}"), sample_loss), "input")
    for k, s in enumerate(g.targets):
        dot.node(s, label(s, point.y[:, k] if point else None, None, sample_loss), "target")
    for p in g.params:
        value = point.params[p.name] if point else None
        dot.node(p, label(p, value, point.grads[p.name] if point else None, total_loss), "param")
    for s, node in g.nodes.items():
        if s == g.loss:
            text = label(s, values.get(s.name), None, sample_loss)
            if point is not None and g.reduction != "single":
                text += f"\n{total_loss} = {numbers(model.loss_fn()(point.params, point.x, point.y))}"
            dot.node(s, text, "loss")
        else:
            dot.node(s, label(s, values.get(s.name), values.get(f"dL/d{s.name}"), sample_loss),
                     "node")
    known = _known(values, point, g) if point is not None else {}
    for parent, child in d.contributions:
        partial = d.partial(parent, child)
        text = latex_to_unicode(nt.latex(partial, sample=False))
        if point is not None:
            text += f"\n= {numbers(_evaluate(partial, known, len(point.x)))}"
        dot.edge(child, parent, text)
    for s, node in g.nodes.items():  # targets feed the residuals (or the loss) undifferentiated
        for t in g.targets:
            if t in node.expr.free_symbols:
                dot.edge(t, s, None)
    return dot.text()


def _known(values: Mapping[str, Any], point: Point, g: Any) -> dict[str, np.ndarray]:
    """Every parameter, input, target and node value by name, one entry per sample (built
    once for all the edges)."""
    n = len(point.x)
    known = {s.name: np.full(n, float(point.params[s.name])) for s in g.params}
    known.update({s.name: point.x[:, j] for j, s in enumerate(g.inputs)})
    known.update({s.name: point.y[:, k] for k, s in enumerate(g.targets)})
    known.update({k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in values.items()
                  if not k.startswith("dL/d")})
    return known


def _evaluate(expr: sp.Expr, known: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """A local partial at every sample, from the engine's node values (no code is generated)."""
    out = []
    for i in range(n):
        sub = {s: sp.Float(known[s.name][i]) for s in expr.free_symbols if s.name in known}
        out.append(float(expr.xreplace(sub).evalf()))
    return np.array(out)


def render_graph(dot: str, fmt: str) -> bytes:
    """SVG or PNG bytes of DOT text, drawn by Graphviz's ``dot`` through the graphviz package."""
    try:
        import graphviz
    except ImportError:
        raise MissingDependency("drawing SVG or PNG needs the graphviz package: pip install "
                                "'derivgen[graph]' (and Graphviz's dot: apt-get install graphviz)"
                                "; -o FILE.dot needs neither", "graph") from None
    try:
        return graphviz.Source(dot).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise MissingDependency("Graphviz's dot program is not installed (Debian: apt-get "
                                "install graphviz); -o FILE.dot works without it") from None
    except graphviz.CalledProcessError as exc:
        raise DerivgenError(f"dot failed: {exc.stderr.decode(errors='replace')[:300]}") from None
