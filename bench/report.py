"""Tables and targets from the measurements, as Markdown (readable in a terminal too).

A cell holds samples (seconds per call, one per interleaved round) or the
reason there is none ("not installed", "refused: …"); nothing here measures.
Ratios are to the row's anchor measured in the same rounds: the ratio of the
minima first, the ratio of the medians after it.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Union


@dataclass
class Timed:
    samples: list[float]

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


Cell = Union[Timed, str]


def _t(v: float) -> str:
    if v >= 0.1:
        return f"{v:.3f} s"
    if v >= 1e-3:
        return f"{v * 1e3:.2f} ms"
    return f"{v * 1e6:.1f} µs"


def ratio(cell: Cell, base: Cell) -> tuple[float, float] | None:
    if isinstance(cell, str) or isinstance(base, str):
        return None
    return cell.min / base.min, cell.median / base.median


def _cell(cell: Cell, base: Cell | None) -> str:
    if isinstance(cell, str):
        return cell
    text = f"{_t(cell.min)} / {_t(cell.median)}"
    r = ratio(cell, base) if base is not None and cell is not base else None
    return text + (f" ({r[0]:.2f}× / {r[1]:.2f}×)" if r else "")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


GRAD_COLS = ["hand NumPy", "derivgen scalar", "derivgen matrix", "derivgen numba",
             "derivgen auto", "torch", "jax.jit(grad)", "numba kernel (hand)"]
TRAIN_COLS = ["hand NumPy loop", "derivgen.train numpy", "derivgen.train numba", "torch loop",
              "jax.jit step loop", "jax.jit fori_loop", "numba kernel (hand), Python loop",
              "numba kernel (hand), whole loop"]


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def targets(grads, train, scale, cold) -> list[list[str]]:
    out: list[list[str]] = []
    for label, n, cells in grads:
        hand = cells.get("hand NumPy")
        tiny = label.split()[0] in ("1-1-1", "1-3-1", "2-3-2")
        r = ratio(cells.get("derivgen numba", "-"), hand)
        if r and tiny and n <= 32:
            out.append([f"numba ≤ 0.25× hand NumPy, {label} N={n}", f"{r[0]:.2f}× / {r[1]:.2f}×",
                        _verdict(r[0] <= 0.25)])
            j = ratio(cells.get("derivgen numba", "-"), cells.get("jax.jit(grad)", "-"))
            if j:
                out.append([f"numba ≥ 4× faster than jax.jit(grad), {label} N={n}",
                            f"{1 / j[0]:.1f}× / {1 / j[1]:.1f}×", _verdict(1 / j[0] >= 4)])
        elif r and tiny and n == 1000:
            out.append([f"numba ≤ 0.6× hand NumPy, {label} N={n}", f"{r[0]:.2f}× / {r[1]:.2f}×",
                        _verdict(r[0] <= 0.6)])
        for form in ("derivgen scalar", "derivgen matrix"):
            r = ratio(cells.get(form, "-"), hand)
            if r:
                out.append([f"{form} (NumPy) ≤ 1.15× hand NumPy, {label} N={n}",
                            f"{r[0]:.2f}× / {r[1]:.2f}×", _verdict(r[0] <= 1.15)])
    hand = train.get("hand NumPy loop")
    r = ratio(train.get("derivgen.train numba", "-"), hand)
    if r:
        out.append(["derivgen.train (numba) ≤ 0.25× hand NumPy loop", f"{r[0]:.2f}× / {r[1]:.2f}×",
                    _verdict(r[0] <= 0.25)])
    j = ratio(train.get("derivgen.train numba", "-"), train.get("jax.jit fori_loop", "-"))
    if j:
        out.append(["derivgen.train (numba) no slower than jax fori_loop",
                    f"{j[0]:.2f}× / {j[1]:.2f}× of its time", _verdict(j[0] <= 1.0)])
    times = {k: v for k, v in scale if isinstance(v, list)}
    if "16-64-8" in times and "32-128-16" in times:
        a = min(r["seconds"] for r in times["32-128-16"]) / min(r["seconds"] for r in times["16-64-8"])
        out.append(["time(32-128-16) / time(16-64-8) ≤ 4.5", f"{a:.2f}", _verdict(a <= 4.5)])
    if "56-224-28" in times:
        t = min(r["seconds"] for r in times["56-224-28"])
        m = max(r["rss_mb"] for r in times["56-224-28"])
        out.append(["56-224-28 derives in < 10 s", _t(t), _verdict(t < 10)])
        out.append(["56-224-28 peak memory < 300 MB", f"{m:.0f} MB", _verdict(m < 300)])
    deep = [v for k, v in scale if k.startswith("matrix")]
    if deep:
        out.append(["matrix form at 200 layers", deep[0] if isinstance(deep[0], str)
                    else _t(deep[0]), _verdict(not isinstance(deep[0], str))])
    d, s = cold.get("derivgen derive specs/seed000_relu_1_3_1.yaml"), cold.get(
        "python -c 'import sympy'")
    if d and s:
        out.append(["cold derive ≤ 1.5× import sympy", f"{min(d) / min(s):.2f}× / "
                    f"{statistics.median(d) / statistics.median(s):.2f}×",
                    _verdict(min(d) / min(s) <= 1.5)])
        out.append(["cold derive ≤ 0.6 s (idle machine)", _t(min(d)), _verdict(min(d) <= 0.6)])
    return out


def render(machine, command, grads, train, compiles, scale, cold) -> str:
    lines = [f"Command: `{command}`", "", "Machine:", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += ["", "Cells: minimum / median over interleaved rounds (ratio to the anchor: "
              "of the minima / of the medians).", "",
              "### Gradient per call (anchor: hand-written NumPy)", ""]
    body = []
    for label, n, cells in grads:
        hand = cells.get("hand NumPy")
        body.append([label, str(n)] + [_cell(cells.get(c, "-"), hand) for c in GRAD_COLS])
    lines += _table(["network", "N", *GRAD_COLS], body)
    lines += ["", "derivgen scalar/matrix: the NumPy backend of each form; numba: the scalar "
              "derivation as one compiled loop over samples; auto: numba or NumPy per call; "
              "numba kernel (hand): backprop one sample at a time written by hand in numba "
              "(bench/hand_numba.py; one hidden layer), called with the arrays. "
              "Every gradient was checked against hand NumPy (≤ 1e-8 × the largest entry) "
              "before it was timed.", "",
              "### Training: 10,000 full-batch GD steps, 1-3-1 ReLU, 100 samples "
              "(anchor: the hand NumPy loop)", ""]
    hand = train.get("hand NumPy loop")
    lines += _table(["implementation", "time (ratio)"],
                    [[c, _cell(train.get(c, "-"), hand)] for c in TRAIN_COLS])
    lines += ["", "Compile time (fresh processes, compile excluded above; numba's import "
              "timed on its own, before the first kernel):", ""]
    lines += _table(["what", "seconds"], [[k, f"{v:.2f}"] for k, v in compiles.items()])
    lines += ["", "### Derivation scaling (scalar form; fresh process each: build the model "
              "and compile its NumPy gradient)", ""]
    rows = []
    for name, v in scale:
        if isinstance(v, list):
            rows.append([name, " / ".join(_t(r["seconds"]) for r in v),
                         " / ".join(f"{r['rss_mb']:.0f} MB" for r in v)])
        else:
            rows.append([name, v if isinstance(v, str) else _t(v), "-"])
    lines += _table(["network", "time (each run)", "peak RSS (each run)"], rows)
    lines += ["", "### Cold start (fresh processes, interleaved)", ""]
    base = cold.get("python -c 'import sympy'")
    crow = []
    for k, v in cold.items():
        r = (f" ({min(v) / min(base):.2f}× / {statistics.median(v) / statistics.median(base):.2f}×"
             " import sympy)") if base and v is not base else ""
        crow.append([f"`{k}`", f"{_t(min(v))} / {_t(statistics.median(v))}{r}"])
    lines += _table(["command", "min / median"], crow)
    lines += ["", "### Targets", "", *_table(["target", "measured (min / median)", "verdict"],
                                              targets(grads, train, scale, cold)), ""]
    return "\n".join(lines)
