"""Tables and targets from the measurements, as Markdown (readable in a terminal too).

A cell holds either a number or the reason there is none ("not installed",
"not available", "--naive-big"); nothing here measures anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

Cell = Union[float, str]   # seconds (or MB), or why there is no number
IMPLS = ["numpy", "derivgen scalar", "derivgen matrix", "torch", "jax"]


@dataclass
class DeriveRow:
    form: str
    sizes: tuple[int, ...]
    params: int
    derivgen: Cell
    naive: Cell = "-"
    derivgen_mem: Cell = "-"
    naive_mem: Cell = "-"


@dataclass
class GradRow:
    label: str
    n: int
    times: dict[str, Cell] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)   # impl -> "ok" or the mismatch


def _seconds(v: Cell) -> str:
    if isinstance(v, str):
        return v
    return f"{v:.3f} s" if v >= 0.1 else f"{v * 1e3:.1f} ms"


def _micro(v: Cell) -> str:
    if isinstance(v, str):
        return v
    return f"{v * 1e3:.2f} ms" if v >= 1e-3 else f"{v * 1e6:.1f} µs"


def _mb(v: Cell) -> str:
    if isinstance(v, str):
        return v
    return f"{v['rss_mb']:.0f} MB (+{v['above_imports_mb']:.0f})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def derive_table(rows: list[DeriveRow]) -> list[str]:
    body = []
    for r in rows:
        ratio = (f"{r.naive / r.derivgen:.1f}×" if not isinstance(r.naive, str)
                 and not isinstance(r.derivgen, str) else "-")
        body.append([r.form, "-".join(map(str, r.sizes)), f"{r.params:,}", _seconds(r.derivgen),
                     _seconds(r.naive), ratio, _mb(r.derivgen_mem), _mb(r.naive_mem)])
    return _table(["form", "sizes", "params", "derivgen", "naive SymPy", "naive / derivgen",
                   "derivgen peak RSS", "naive peak RSS"], body)


def grad_table(rows: list[GradRow]) -> list[str]:
    body = []
    for r in rows:
        base = r.times.get("numpy")
        cells = [r.label, str(r.n)]
        for impl in IMPLS:
            t = r.times.get(impl, "-")
            cell = _micro(t)
            if not isinstance(t, str) and not isinstance(base, str) and impl != "numpy":
                cell += f" ({t / base:.2f}×)"
            cells.append(cell)
        body.append(cells)
    return _table(["network", "N", "hand NumPy", "derivgen scalar", "derivgen matrix",
                   "torch", "jax.jit(grad)"], body)


def check_lines(rows: list[GradRow]) -> list[str]:
    bad = [f"- {r.label} N={r.n}, {impl}: {msg}" for r in rows
           for impl, msg in r.checks.items() if msg != "ok"]
    checked = sum(len(r.checks) for r in rows)
    head = (f"Gradients checked against hand-written NumPy (max error ≤ 1e-8 × the array's "
            f"largest entry): {checked - len(bad)} of {checked} agree.")
    return [head] + bad


def latency_table(latency: dict[str, Cell]) -> list[str]:
    return _table(["command (fresh process)", "median"],
                  [[f"`{k}`", _seconds(v)] for k, v in latency.items()])


def targets(derive: list[DeriveRow], grads: list[GradRow], cold: Cell) -> list[list[str]]:
    """[target, measured, verdict] for every target of issue 6."""
    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("PASS" if ok else "MISS")

    out: list[list[str]] = []
    scalar = {r.sizes: r for r in derive if r.form == "scalar"}
    big = scalar.get((8, 32, 4))
    if big and not isinstance(big.naive, str) and not isinstance(big.derivgen, str):
        ratio = big.naive / big.derivgen
        out.append(["scalar 8-32-4 ≥ 20× faster than naive SymPy", f"{ratio:.1f}×",
                    verdict(ratio >= 20)])
    else:
        out.append(["scalar 8-32-4 ≥ 20× faster than naive SymPy",
                    "naive not run (--naive-big)", verdict(None)])
    wide = scalar.get((16, 64, 8))
    t = wide.derivgen if wide else "-"
    out.append(["scalar 16-64-8 derivation < 5 s", _seconds(t),
                verdict(None if isinstance(t, str) else t < 5)])
    matrix = [r for r in derive if r.form == "matrix" and not isinstance(r.derivgen, str)]
    if matrix:
        worst = max(matrix, key=lambda r: r.derivgen)
        out.append(["matrix derivation < 1 s at any width",
                     f"max {_seconds(worst.derivgen)} at {'-'.join(map(str, worst.sizes))}",
                     verdict(worst.derivgen < 1)])
    else:
        out.append(["matrix derivation < 1 s at any width", "matrix form not available",
                    verdict(None)])
    for form in ("derivgen scalar", "derivgen matrix"):
        ratios = [(r.times[form] / r.times["numpy"], r) for r in grads
                  if not isinstance(r.times.get(form, "-"), str)
                  and not isinstance(r.times.get("numpy", "-"), str)]
        if not ratios:
            out.append([f"{form} gradient ≤ 1.15× hand NumPy", "not available", verdict(None)])
            continue
        for ratio, r in ratios:
            out.append([f"{form} gradient ≤ 1.15× hand NumPy, {r.label} N={r.n}",
                        f"{ratio:.2f}×", verdict(ratio <= 1.15)])
    out.append(["cold `derivgen derive` < 1 s", _seconds(cold),
                verdict(None if isinstance(cold, str) else cold < 1)])
    mems = [(r.derivgen_mem["rss_mb"], r) for r in derive if isinstance(r.derivgen_mem, dict)]
    if mems:
        peak, r = max(mems, key=lambda m: m[0])
        out.append(["derivgen peak memory < 300 MB",
                    f"max {peak:.0f} MB ({r.form} {'-'.join(map(str, r.sizes))})",
                    verdict(peak < 300)])
    else:
        out.append(["derivgen peak memory < 300 MB", "not measured", verdict(None)])
    return out


def render(machine: dict[str, str], derive: list[DeriveRow], grads: list[GradRow],
           latency: dict[str, Cell], cold: Cell, command: str) -> str:
    """The whole report: machine, the four measurements, the targets."""
    lines = [f"Command: `{command}`", "", "Machine:", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += ["", "### (a, c) Spec → gradient callable, and peak memory of each derivation",
              "", *derive_table(derive), "",
              "Time: median wall time of building the Model and compiling its gradient "
              "(SymPy's cache cleared before each run). Scalar form: sigmoid/identity/"
              "half_sse/sum (as naive); matrix form: relu/softmax/cross_entropy/mean. "
              "Peak RSS: VmHWM of a fresh process doing one derivation (in brackets: "
              "above the process after its imports).",
              "", "### (b) Gradient, median per call (ratio to hand-written NumPy)", "",
              *grad_table(grads), "", *check_lines(grads), "",
              "### (d) Cold start", "", *latency_table(latency), "",
              "### Targets", "",
              *_table(["target", "measured", "verdict"], targets(derive, grads, cold)), ""]
    return "\n".join(lines)
