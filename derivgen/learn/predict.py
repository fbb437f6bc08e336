"""The data a model reads (column names) and what it predicts (for the fit picture)."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from derivgen.spec.naming import format_name


def data_names(model: Any) -> tuple[list[str], list[str]]:
    """The spec's input and target names, which CSV columns are matched to (x, y; x_1, y_1, …)."""
    if getattr(model, "form", "scalar") == "scalar":
        g = model.graph
        return [s.name for s in g.inputs], [s.name for s in g.targets]
    net = model.spec.network  # matrix form: the names the scalar form would use
    names, ub = net.names, net.names.unit_base
    d, c = model.input_size, model.output_size
    return ([format_name(names.input, j=(j + ub, d)) for j in range(d)],
            [format_name(names.target, k=(k + ub, c)) for k in range(c)])


def predict(model: Any, params: Mapping[str, Any], x: Any) -> np.ndarray:
    """The model's outputs ŷ at the rows of ``x``, shape (N, C)."""
    x = np.asarray(x, dtype=float).reshape(-1, model.input_size)
    single = model.graph.reduction == "single"  # the model takes one row at a time
    parts = [x[i:i + 1] for i in range(len(x))] if single else [x]
    return np.concatenate([_outputs(model, params, part) for part in parts], axis=0)


def _outputs(model: Any, params: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    values = model.values(params, x, np.zeros((len(x), model.output_size)))
    g = model.graph
    if getattr(model, "form", "scalar") == "scalar":
        return np.stack([values[s.name] for s in g.outputs], axis=1)
    output = next(s for s, n in g.nodes.items() if n.role == "output")
    out = np.asarray(values[str(output)], dtype=float)
    return out.T if g.layout == "columns" else out
