"""Pictures of training with matplotlib, headless: the loss curve and the fitted curves.

matplotlib is the optional extra ``derivgen[plot]``.  Figures are drawn on the
Agg canvas directly, without pyplot, so nothing here touches a notebook's
backend or needs a display.  Each function writes exactly the path it is given.
"""
from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from derivgen.errors import MissingDependency
from derivgen.files import write_atomic

INSTALL = "pip install 'derivgen[plot]'  (or: pip install matplotlib)"


def _figure(width: float = 6.4, height: float = 4.2) -> tuple[Any, Any]:
    """A Figure on an Agg canvas, or :class:`MissingDependency` saying how to get plots."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependency(f"plots need matplotlib: {INSTALL}", "plot") from None
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _save(fig: Any, path: str | Path) -> None:
    """The PNG drawn in memory, then written atomically (a temporary file, then a rename)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    write_atomic(path, buffer.getvalue())


def _quiet(draw: Callable) -> Callable:
    """Draw without numpy's overflow warnings: a diverged run's 1e300 losses overflow the axes."""
    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        with np.errstate(all="ignore"):
            draw(*args, **kwargs)
    return wrapper


@_quiet
def loss_png(runs: Sequence[tuple[str, Sequence[float]]], path: str | Path) -> None:
    """The loss of every step on a log scale, one line per (label, losses) run."""
    fig, ax = _figure()
    for label, losses in runs:
        values = np.asarray(losses, dtype=float)
        steps = np.arange(len(values))
        keep = np.isfinite(values) & (values > 0)
        ax.plot(steps[keep], values[keep], label=label, linewidth=1.5)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)")
    ax.grid(True, which="both", alpha=0.3)
    if len(runs) > 1 or any(label for label, _ in runs):
        ax.legend()
    fig.tight_layout()
    _save(fig, path)


@_quiet
def fit_png(x: np.ndarray, y: np.ndarray, curves: Sequence[tuple[str, np.ndarray, np.ndarray]],
            path: str | Path, xlabel: str = "x", ylabel: str = "y") -> None:
    """The data as points and each fitted (label, xs, ys) curve over it."""
    fig, ax = _figure()
    ax.scatter(np.ravel(x), np.ravel(y), s=14, color="#444444", label="data", zorder=3)
    for label, xs, ys in curves:
        ax.plot(np.ravel(xs), np.ravel(ys), linewidth=2, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    _save(fig, path)
