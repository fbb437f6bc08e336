"""A loss curve as inline SVG, for Jupyter: no plotting library needed.

The curve is drawn on a log scale (the losses of gradient descent fall by
orders of magnitude) as one polyline of at most :data:`MAX_POINTS` points;
longer runs are thinned evenly, always keeping the first and last step.
"""
from __future__ import annotations

import html
from typing import Any, Sequence

import numpy as np

MAX_POINTS = 400
WIDTH, HEIGHT, MARGIN = 360, 180, 40


def loss_curve_svg(losses: Sequence[float], width: int = WIDTH, height: int = HEIGHT) -> str:
    """``<svg>`` with the losses against the step on a log scale (non-positive ones dropped)."""
    values = np.asarray(losses, dtype=float)
    steps = np.arange(len(values))
    keep = np.isfinite(values) & (values > 0)
    steps, values = steps[keep], values[keep]
    if len(values) > MAX_POINTS:
        pick = np.unique(np.linspace(0, len(values) - 1, MAX_POINTS).round().astype(int))
        steps, values = steps[pick], values[pick]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">',
             '<title>loss per step, log scale</title>',
             f'<rect x="{MARGIN}" y="5" width="{width - MARGIN - 5}" height="{height - 25}" '
             'fill="none" stroke="#999"/>']
    if len(values):
        logs = np.log10(values)
        low, high = float(logs.min()), float(logs.max())
        span = high - low or 1.0
        last = max(int(steps[-1]), 1)
        xs = MARGIN + (width - MARGIN - 5) * steps / last
        ys = 5 + (height - 25) * (high - logs) / span
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys))
        parts.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" '
                     f'points="{points}"/>')
        parts.append(f'<text x="{MARGIN - 3}" y="14" font-size="10" text-anchor="end">'
                     f'{10 ** high:.3g}</text>')
        parts.append(f'<text x="{MARGIN - 3}" y="{height - 20}" font-size="10" '
                     f'text-anchor="end">{10 ** low:.3g}</text>')
        parts.append(f'<text x="{width - 5}" y="{height - 5}" font-size="10" '
                     f'text-anchor="end">step {last}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _value(value: Any) -> str:
    if np.ndim(value) == 0:
        return repr(float(value))
    arr = np.asarray(value)
    shape = " × ".join(str(n) for n in arr.shape)
    return f"{shape} array, mean {arr.mean():.4g}, max |·| {np.abs(arr).max():.4g}"


def train_html(result: Any) -> str:
    """A TrainResult as HTML: what was run, the loss curve, the final parameters."""
    e = html.escape
    head = (f"<p><b>{e(result.name or 'model')}</b>: {len(result.losses)} steps of "
            f"{e(result.optimizer)}, learning rate {result.learning_rate!r}"
            + (f", batch {result.batch_size}" if result.batch_size else ", whole batch")
            + f", seed {result.seed}; final loss {result.final_loss!r}</p>")
    if result.diverged_at is not None:
        head += (f"<p><b>diverged</b>: the loss was not finite at step {result.diverged_at}; "
                 "a smaller learning rate may help</p>")
    rows = "".join(f"<tr><td>{e(str(k))}</td><td>{e(_value(v))}</td></tr>"
                   for k, v in result.params.items())
    table = f"<table><tr><th>parameter</th><th>value</th></tr>{rows}</table>"
    return head + loss_curve_svg(result.losses) + table

