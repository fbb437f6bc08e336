"""derivgen benchmarks: derivation time, gradient speed, memory and cold start.

Run (from the repository root, with the ``bench`` extra for torch/JAX columns):

    python bench/run.py [--quick] [--naive-big] [--markdown BENCHMARKS.md]

Everything is measured in this one run on this one machine and reported side
by side, as medians and as ratios to anchors measured alongside (naive SymPy
for derivation, hand-written NumPy for gradients).  Every thread pool is pinned
to one thread before NumPy, torch or JAX is imported.  Every gradient is
checked against hand-written NumPy before it is timed.  Unit tests never time
anything; this script is the place for speed.
"""
from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

from measure import single_thread_env

single_thread_env()  # before NumPy/torch/JAX are imported, below or in anchors/cases

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

import anchors  # noqa: E402
import cases  # noqa: E402
import measure  # noqa: E402
from report import Cell, DeriveRow, GradRow, render  # noqa: E402

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _params(sizes: tuple[int, ...]) -> int:
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def derivations(args: argparse.Namespace) -> list[DeriveRow]:
    """(a) spec → callable against naive SymPy, and (c) peak memory of each."""
    rows = []
    # untimed warm-up: the first build imports SymPy's printers, lambdify and codegen,
    # a once-per-process cost that (d) measures, not a cost of any one size
    cases.derivgen_build((1, 3, 1), "scalar")
    anchors.naive_build((1, 3, 1))
    plan = [("scalar", s) for s in cases.DERIVE_SCALAR]
    plan += [("matrix", s) for s in cases.DERIVE_MATRIX]
    for form, sizes in plan:
        # a second build in one process would reuse SymPy's cache; clear it each time
        repeat = 1 if args.quick else (5 if sizes[1] <= 16 else 3)
        try:
            ours: Cell = measure.median_time(lambda: cases.derivgen_build(sizes, form),
                                                   repeat, before=sp.core.cache.clear_cache)
            mem = measure.peak_memory("derivgen", sizes, form)
        except cases.Unavailable as exc:
            ours, mem = str(exc), "-"
        row = DeriveRow(form, sizes, _params(sizes), ours, derivgen_mem=mem)
        if form == "scalar":
            if sizes in cases.NAIVE_ALWAYS or (args.naive_big and sizes in cases.NAIVE_BIG):
                repeat = 1 if args.quick or sizes[1] > 3 else 3
                row.naive = measure.median_time(lambda: anchors.naive_build(sizes), repeat,
                                                before=sp.core.cache.clear_cache)
                if not args.quick:
                    row.naive_mem = measure.peak_memory("naive", sizes)
            elif sizes in cases.NAIVE_BIG:
                row.naive = "--naive-big"
        rows.append(row)
        print(f"  derive {form} {'-'.join(map(str, sizes))}: {row.derivgen} / {row.naive}",
              file=sys.stderr)
    return rows


def _as_numpy(grads: dict) -> dict[str, np.ndarray]:
    out = {}
    for k, v in grads.items():
        v = v.detach().numpy() if hasattr(v, "detach") else v
        out[k] = np.asarray(v, dtype=float)
    return out


def gradients(args: argparse.Namespace) -> list[GradRow]:
    """(b) gradient time against hand-written NumPy, torch and JAX, each checked first."""
    rows = []
    for net, n in cases.GRADIENT_CASES:
        p = anchors.random_params(net)
        x, y = anchors.batch(net, n)
        reference = anchors.numpy_grad(net, p, x, y)
        timed = {"numpy": lambda: anchors.numpy_grad(net, p, x, y)}
        row = GradRow(net.label, n)
        makers = {
            "derivgen scalar": lambda: cases.derivgen_grad_fn(net, "scalar", p, x, y),
            "derivgen matrix": lambda: cases.derivgen_grad_fn(net, "matrix", p, x, y),
            "torch": lambda: (lambda f: (f, f))(anchors.torch_grad_fn(net, p, x, y)),
            "jax": lambda: (lambda f: (f, f))(anchors.jax_grad_fn(net, p, x, y)),
        }
        for impl, make in makers.items():
            try:
                call, rows_call = make()
            except ImportError:
                row.times[impl] = "not installed"
                continue
            except cases.Unavailable as exc:
                row.times[impl] = str(exc)
                continue
            problem = cases.mismatch(reference, _as_numpy(rows_call()))
            row.checks[impl] = problem or "ok"
            if problem:  # never time a wrong function
                row.times[impl] = "WRONG (see checks)"
                continue
            timed[impl] = call
        # rounds interleave the implementations, so a burst of load elsewhere hits all
        rounds = 2 if args.quick else 5
        samples: dict[str, list[float]] = {k: [] for k in timed}
        for _ in range(rounds):
            for impl, call in timed.items():
                samples[impl].append(measure.per_call_time(call, samples=5))
        row.times.update({k: float(np.median(v)) for k, v in samples.items()})
        rows.append(row)
        print(f"  gradient {net.label} N={n}: done", file=sys.stderr)
    return rows


def cold_start(args: argparse.Namespace) -> tuple[dict[str, Cell], Cell]:
    """(d) `derivgen derive` in a fresh process, next to bare-interpreter anchors."""
    runs = 3 if args.quick else 7
    script = Path(sys.executable).with_name("derivgen")
    derive = [str(script)] if script.exists() else [sys.executable, "-m", "derivgen"]
    derive += ["derive", "specs/seed000_relu_1_3_1.yaml"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "python -c 'import sympy'": [sys.executable, "-c", "import sympy"],
        "python -c 'import derivgen'": [sys.executable, "-c", "import derivgen"],
        "derivgen derive specs/seed000_relu_1_3_1.yaml": derive,
    }
    latency: dict[str, Cell] = {}
    for label, cmd in commands.items():
        try:
            latency[label] = measure.cold_latency(cmd, runs)
        except Exception as exc:  # noqa: BLE001  a failing command is a table cell
            latency[label] = f"failed: {type(exc).__name__}"
    return latency, latency["derivgen derive specs/seed000_relu_1_3_1.yaml"]


def write_markdown(path: Path, text: str) -> None:
    """Replace the text between the bench markers, keeping the hand-written parts."""
    block = f"{BEGIN}\n{text}\n{END}"
    if path.exists() and BEGIN in path.read_text():
        old = path.read_text()
        path.write_text(re.sub(re.escape(BEGIN) + ".*?" + re.escape(END),
                               lambda _: block, old, flags=re.S))
    else:
        path.write_text(f"# derivgen benchmarks\n\n{block}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one repeat per derivation, fewer gradient rounds, no naive memory")
    parser.add_argument("--naive-big", action="store_true",
                        help="also run naive SymPy at 8-32-4 (about 20 s)")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="write the report between the bench markers of FILE")
    args = parser.parse_args(argv)
    command = "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    machine = measure.machine()
    print("machine:", *(f"  {k}: {v}" for k, v in machine.items()), sep="\n", file=sys.stderr)
    derive = derivations(args)
    grads = gradients(args)
    latency, cold = cold_start(args)
    text = render(machine, derive, grads, latency, cold, command.strip())
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
