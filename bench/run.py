"""derivgen benchmarks: gradients, training, derivation scaling, memory and cold start.

Run (from the repository root; the ``bench`` extra adds the torch and JAX columns,
the ``fast`` extra the numba ones):

    python bench/run.py --out results.md [--quick]

Everything is measured in this one run on this one machine, as ratios to an
anchor measured alongside (hand-written NumPy for gradients and training,
``import sympy`` for cold start), with the minimum over interleaved samples
next to the median.  Every thread pool is pinned to one thread before NumPy,
torch or JAX is imported.  Every gradient and every trained result is checked
against hand-written NumPy before it is timed.  The report goes to stdout, and
to ``--out FILE`` when given (nothing is written otherwise).
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import single_thread_env

single_thread_env()  # before NumPy/torch/JAX are imported, below or in anchors/cases

import numpy as np  # noqa: E402

import anchors  # noqa: E402
import cases  # noqa: E402
import measure  # noqa: E402
from report import Timed, render  # noqa: E402

PARTS = ("gradients", "training", "scaling", "cold")
GRAD_IMPLS = {"derivgen scalar": "scalar", "derivgen matrix": "matrix",
              "derivgen numba": "numba", "derivgen auto": "auto"}


def _as_numpy(grads: dict) -> dict[str, np.ndarray]:
    return {k: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v, dtype=float)
            for k, v in grads.items()}


def _timed(samples: dict[str, list[float]], checks: dict[str, str]) -> dict[str, Timed]:
    return {k: Timed(v) for k, v in samples.items()} | {k: v for k, v in checks.items()}


def gradients(args: argparse.Namespace) -> list[tuple[str, int, dict]]:
    """Gradient per call against hand NumPy, torch and JAX, each checked first."""
    rows = []
    for net, n in cases.GRADIENT_CASES:
        if args.quick and n == 1000 and net.sizes[1] < 64:
            continue
        p = anchors.random_params(net)
        x, y = anchors.batch(net, n)
        reference = anchors.numpy_grad(net, p, x, y)
        calls = {"hand NumPy": lambda: anchors.numpy_grad(net, p, x, y)}
        notes: dict[str, str] = {}
        makers = {impl: (lambda f=form: cases.derivgen_grad_fn(net, f, p, x, y))
                  for impl, form in GRAD_IMPLS.items()}
        makers["torch"] = lambda: (lambda f: (f, f))(anchors.torch_grad_fn(net, p, x, y))
        makers["jax.jit(grad)"] = lambda: (lambda f: (f, f))(anchors.jax_grad_fn(net, p, x, y))
        if net.layers == 2:  # the hand numba kernel is written for one hidden layer
            makers["numba kernel (hand)"] = lambda: (lambda f: (f, f))(
                anchors.numba_grad_fn(net, p, x, y))
        else:
            notes["numba kernel (hand)"] = "n/a"
        for impl, make in makers.items():
            try:
                call, rows_call = make()
                problem = cases.mismatch(reference, _as_numpy(rows_call()))
            except ImportError:
                notes[impl] = "not installed"
                continue
            except cases.Unavailable as exc:
                notes[impl] = str(exc)
                continue
            except derivgen_errors() as exc:
                notes[impl] = f"refused: {str(exc)[:40]}"
                continue
            if problem:
                notes[impl] = f"WRONG: {problem}"
                continue
            calls[impl] = call
        samples = measure.interleaved(calls, rounds=15 if args.quick else 101)
        rows.append((net.label, n, _timed(samples, notes)))
        print(f"  gradient {net.label} N={n}: done", file=sys.stderr)
    return rows


def derivgen_errors() -> tuple[type, ...]:
    import derivgen
    return (derivgen.DerivgenError,)


def training(args: argparse.Namespace) -> tuple[dict, dict[str, float]]:
    """10,000 full-batch GD steps of 1-3-1 on 100 samples; compile time of the kernels."""
    net, steps, lr = cases.TRAIN_NET, cases.TRAIN_STEPS, cases.TRAIN_LR
    if args.quick:
        steps = 1000
    p = anchors.random_params(net)
    x, y = anchors.batch(net, cases.TRAIN_SAMPLES)
    reference = anchors.numpy_train(net, p, x, y, steps, lr)
    calls = {"hand NumPy loop": lambda: anchors.numpy_train(net, p, x, y, steps, lr)}
    notes: dict[str, str] = {}
    makers = {
        "derivgen.train numpy": lambda: cases.derivgen_train_fn(net, "numpy", p, x, y, steps, lr),
        "derivgen.train numba": lambda: cases.derivgen_train_fn(net, "numba", p, x, y, steps, lr),
        "torch loop": lambda: anchors.torch_train_fn(net, p, x, y, steps, lr),
    }
    try:
        jit_loop, fori = anchors.jax_train_fns(net, p, x, y, steps, lr)
        makers["jax.jit step loop"] = lambda: jit_loop
        makers["jax.jit fori_loop"] = lambda: fori
    except ImportError:
        notes["jax.jit fori_loop"] = "not installed"
    try:
        hand_loop, hand_whole = anchors.numba_train_fns(net, p, x, y, steps, lr)
        makers["numba kernel (hand), Python loop"] = lambda: hand_loop
        makers["numba kernel (hand), whole loop"] = lambda: hand_whole
    except ImportError:
        notes["numba kernel (hand), whole loop"] = "not installed"
    for impl, make in makers.items():
        try:
            call = make()
            problem = cases.mismatch(reference, _as_numpy(call()), rtol=1e-7)
        except ImportError:
            notes[impl] = "not installed"
            continue
        except derivgen_errors() as exc:
            notes[impl] = f"refused: {str(exc)[:40]}"
            continue
        if problem:
            notes[impl] = f"WRONG: {problem}"
            continue
        calls[impl] = call  # the check above was its warm-up (compiles, caches)
    samples = measure.interleaved_once(calls, rounds=2 if args.quick else 5)
    print("  training: done", file=sys.stderr)
    return _timed(samples, notes), compile_times()


def compile_times() -> dict[str, float]:
    """Fresh processes: first use of the numba backend with an empty and a warm cache."""
    # numba's own import (about 0.3 s) is timed apart: it is paid once per process
    # whatever the cache holds, and the question is what compiling costs
    code = ("import time, numpy as np, derivgen; m = derivgen.mlp([1, 3, 1], hidden='relu'); "
            "p = m.initial_params(0); x = np.ones((4, 1)); "
            "t = time.perf_counter(); import numba; i = time.perf_counter() - t; "
            "t = time.perf_counter(); m.gradient_fn('numba')(p, x, x); "
            "g = time.perf_counter() - t; t = time.perf_counter(); "
            "derivgen.train(m, x, x, 10, 0.01, backend='numba'); "
            "print(i, g, time.perf_counter() - t)")
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, DERIVGEN_CACHE_DIR=cache,
                   PYTHONPATH=str(measure.ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        for label in ("empty cache", "warm cache"):
            try:
                done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                      text=True, env=env, cwd=measure.ROOT, timeout=900)
                numba_import, grad, train = map(float, done.stdout.split())
            except (ValueError, subprocess.TimeoutExpired):
                return {"failed": float("nan")}
            out[f"import numba ({label})"] = numba_import
            out[f"gradient kernel, {label}"] = grad
            out[f"training kernel, {label}"] = train
    return out


def scaling(args: argparse.Namespace) -> list[tuple[str, object]]:
    """Scalar derivation time and peak memory at growing width; matrix form at depth."""
    rows: list[tuple[str, object]] = []
    sizes_list = cases.SCALING[:2] if args.quick else cases.SCALING
    repeats = 1 if args.quick else 2
    found: dict[tuple, list] = {s: [] for s in sizes_list}
    for _ in range(repeats):  # interleaved: each size once per round, in fresh processes
        for sizes in sizes_list:
            found[sizes].append(measure.peak_memory("derivgen", sizes, "scalar", timeout=900))
    for sizes, runs in found.items():
        good = [r for r in runs if isinstance(r, dict)]
        rows.append(("-".join(map(str, sizes)), good or runs[0]))
    deep = [2] + [3] * cases.DEEP_LAYERS + [2]
    start = time.perf_counter()
    try:
        cases.derivgen_build(deep, "matrix")
        rows.append((f"matrix, {cases.DEEP_LAYERS} hidden layers",
                     time.perf_counter() - start))
    except RecursionError:
        rows.append((f"matrix, {cases.DEEP_LAYERS} hidden layers", "RecursionError"))
    print("  scaling: done", file=sys.stderr)
    return rows


def cold_start(args: argparse.Namespace) -> dict[str, list[float]]:
    """`derivgen derive` in fresh processes, interleaved with interpreter anchors.

    derivgen's bytecode is compiled first, as ``pip install`` does (SymPy's and NumPy's
    already is): a checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile
    every derivgen module from source on every start.  The .pyc files go where Python
    puts them, into derivgen's __pycache__ folders (ignored by git).
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(measure.ROOT / "derivgen")],
                   check=True, stdout=subprocess.DEVNULL)
    env_root = str(measure.ROOT)
    derive = [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_root!r}); "
              "from derivgen.cli import main; sys.exit(main())",
              "derive", "specs/seed000_relu_1_3_1.yaml"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "python -c 'import sympy'": [sys.executable, "-c", "import sympy"],
        "derivgen derive specs/seed000_relu_1_3_1.yaml": derive,
    }
    return measure.cold_samples(commands, rounds=3 if args.quick else 9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds, 1,000 training steps, scaling to 32-128-16 only")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="also write the Markdown report to FILE")
    parser.add_argument("--only", choices=PARTS, action="append", metavar="PART",
                        help=f"run only this part ({', '.join(PARTS)}); may be repeated")
    args = parser.parse_args(argv)
    parts = set(args.only or PARTS)
    command = "python bench/run.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    machine = measure.machine()
    machine["load average at start"] = measure.load_average()
    print("machine:", *(f"  {k}: {v}" for k, v in machine.items()), sep="\n", file=sys.stderr)
    grads = gradients(args) if "gradients" in parts else []
    train, compiles = training(args) if "training" in parts else ({}, {})
    scale = scaling(args) if "scaling" in parts else []
    cold = cold_start(args) if "cold" in parts else {}
    machine["load average at end"] = measure.load_average()
    text = render(machine, command.strip(), grads, train, compiles, scale, cold)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
