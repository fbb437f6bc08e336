"""Timing, memory and machine helpers for the benchmark (no derivgen logic here).

Samples are short, interleaved and taken with the garbage collector paused; the
report shows their minimum and median, never a mean: the machine is shared, so a
mean would carry whatever else ran during one sample.  Memory is measured in a fresh subprocess per
derivation, because ``ru_maxrss`` only ever grows within a process and SymPy's
caches would carry one build's memory into the next.
"""
from __future__ import annotations

import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: one thread everywhere, set before NumPy, torch or JAX are imported (see run.py);
#: the comparison is then per core, and two cores shared with other jobs stay quiet
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


def single_thread_env() -> None:
    """Pin BLAS, torch and XLA to one thread unless the caller already chose."""
    for key, value in SINGLE_THREAD_ENV.items():
        os.environ.setdefault(key, value)


def loops_for(fn: Callable[[], Any], min_sample: float) -> int:
    """How many calls of ``fn`` one timed sample makes: the fewest (a power of two, as
    ``timeit.autorange`` picks) that take ``min_sample`` seconds, so timer overhead is
    negligible.  One untimed call first warms caches (and compiles, for JAX)."""
    fn()
    loops = 1
    while timed_loop(fn, loops) * loops < min_sample and loops < 1 << 16:
        loops *= 2
    return loops


def timed_loop(fn: Callable[[], Any], loops: int) -> float:
    """Seconds per call over ``loops`` back-to-back calls, the garbage collector paused.

    As in ``timeit``: a collection triggered by one implementation's allocations
    would otherwise land on whichever call happened to cross the threshold (after a
    SymPy derivation, a full collection walks every cached expression).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        return (time.perf_counter() - start) / loops
    finally:
        if enabled:
            gc.enable()


def per_call_time(fn: Callable[[], Any], samples: int = 15, min_sample: float = 0.005) -> float:
    """Median seconds per call over ``samples`` timed loops of about ``min_sample`` each."""
    loops = loops_for(fn, min_sample)
    return statistics.median(timed_loop(fn, loops) for _ in range(max(1, samples)))


def maxrss_mb() -> float:
    """Peak resident set of this process so far, in MB.

    VmHWM is read first: Linux carries ``ru_maxrss`` across fork and exec, so a
    child of a big parent (this script holds torch and JAX) would report the
    parent's peak; VmHWM belongs to the child's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def peak_memory(kind: str, sizes: Sequence[int], form: str = "scalar",
                timeout: float = 600.0) -> dict[str, float] | str:
    """Peak RSS of one derivation in a fresh interpreter: total and above the imports.

    Returns ``{"rss_mb", "above_imports_mb", "seconds"}`` or a short reason
    string when the child failed (the table then shows the reason).
    """
    cmd = [sys.executable, str(HERE / "memchild.py"), kind, "-".join(map(str, sizes)), form]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return f"timeout {timeout:.0f}s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"failed: {last[:60]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(module: str) -> str:
    try:
        mod = __import__(module)
    except ImportError:
        return "not installed"
    return getattr(mod, "__version__", "?")


def machine() -> dict[str, str]:
    """What the numbers were measured on, printed above every table."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        commit = "?"
    info = {
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }
    for module in ("numpy", "sympy", "torch", "jax", "derivgen"):
        info[module] = _version(module)
    info["derivgen commit"] = commit
    info["threads"] = ", ".join(f"{k}={os.environ.get(k, '')}" for k in SINGLE_THREAD_ENV)
    return info


def interleaved(calls: dict[str, Callable[[], Any]], rounds: int,
                min_sample: float = 0.002) -> dict[str, list[float]]:
    """Per-call seconds of every call, one short sample each per round, taking turns.

    Each call's loop count is chosen once, so that a sample lasts about ``min_sample``;
    a round then takes a few milliseconds per call, and the calls' samples of one
    round see the same machine.  The order rotates every round, so no call always
    follows the same neighbour (whose caches or allocations it would inherit).  A
    burst of load from the machine's other users then hits every call alike, and the
    ratios of the minima (and of the medians) over rounds compare like with like.
    """
    return _rotating(calls, {name: loops_for(fn, min_sample) for name, fn in calls.items()},
                     rounds)


def interleaved_once(calls: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Wall seconds of one call of each, taking turns in a rotating order, ``rounds``
    times (long calls: a training run, a fresh process)."""
    return _rotating(calls, dict.fromkeys(calls, 1), rounds)


def _rotating(calls: dict[str, Callable[[], Any]], loops: dict[str, int],
              rounds: int) -> dict[str, list[float]]:
    """Per-call seconds of ``loops[name]`` calls of each, one sample each per round, the
    order rotating every round."""
    out: dict[str, list[float]] = {k: [] for k in calls}
    names = list(calls)
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            out[name].append(timed_loop(calls[name], loops[name]))
    return out


def cold_samples(commands: dict[str, Sequence[str]], rounds: int) -> dict[str, list[float]]:
    """Wall seconds of fresh processes, the commands taking turns (after one warm-up each)."""
    def once(cmd: Sequence[str]) -> None:
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    for cmd in commands.values():
        once(cmd)
    return interleaved_once({k: (lambda c=c: once(c)) for k, c in commands.items()}, rounds)


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (the machine is shared)."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"
