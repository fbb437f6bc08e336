"""Building blocks of a DOT graph: nodes and edges with escaped labels, numbers as labels."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

#: values of more samples than this are cut with …
MAX_SAMPLES = 3
STYLE = {"input": 'shape=ellipse, style=filled, fillcolor="#e8f0fe"',
         "target": 'shape=ellipse, style="filled,dashed", fillcolor="#f1f3f4"',
         "param": 'shape=box, style=filled, fillcolor="#fff4d6"',
         "node": 'shape=box, style="rounded"',
         "loss": 'shape=box, style="rounded,bold", penwidth=2'}


@dataclass
class Point:
    """Where to evaluate: parameters, a batch x (N, D), y (N, C) and the parameter gradients."""

    params: Mapping[str, Any]
    x: np.ndarray
    y: np.ndarray
    grads: Mapping[str, Any]


def number(value: float) -> str:
    """3 significant digits, as the worked example prints (seed 001: h = 0.599)."""
    text = f"{value:.3g}"
    return "0" if text in ("0", "-0") else text


def numbers(values: Any) -> str:
    """One number, a few samples' numbers, or a matrix by its shape and norm."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim >= 2 and arr.size > 1:
        if arr.size <= 4:
            return "[" + "; ".join(", ".join(number(v) for v in row) for row in arr) + "]"
        shape = "×".join(str(n) for n in arr.shape)
        return f"{shape}, ‖·‖ {number(float(np.linalg.norm(arr)))}"
    flat = arr.ravel()
    if flat.size == 1:
        return number(float(flat[0]))
    shown = ", ".join(number(float(v)) for v in flat[:MAX_SAMPLES])
    return f"({shown}{', …' if flat.size > MAX_SAMPLES else ''})"


def _quote(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, lines joined with \\n."""
    lines = [line.replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n")]
    return '"' + "\\n".join(lines) + '"'


class Dot:
    """DOT text built node by node; keys are the graph's symbols."""

    def __init__(self, title: str) -> None:
        self.ids: dict[Any, str] = {}
        self.lines = ["digraph derivgen {", '  rankdir=LR; fontname="DejaVu Sans";',
                      '  node [fontname="DejaVu Sans", fontsize=11];',
                      '  edge [fontname="DejaVu Sans", fontsize=9];',
                      f"  label={_quote(title)}; labelloc=t;"]

    def node(self, key: Any, label: str, kind: str) -> None:
        self.ids[key] = f"n{len(self.ids)}"
        self.lines.append(f"  {self.ids[key]} [label={_quote(label)}, {STYLE[kind]}];")

    def edge(self, child: Any, parent: Any, label: str | None) -> None:
        attrs = f" [label={_quote(label)}]" if label is not None else " [style=dashed]"
        self.lines.append(f"  {self.ids[child]} -> {self.ids[parent]}{attrs};")

    def text(self) -> str:
        return "\n".join(self.lines + ["}"]) + "\n"


