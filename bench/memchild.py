"""One derivation in a fresh interpreter, reporting its peak memory as JSON.

Usage (run.py does this): python bench/memchild.py derivgen|naive 8-32-4 scalar|matrix

ru_maxrss is the peak of the whole process: the interpreter, NumPy and SymPy
imports included, which is what a user's process would hold.  The baseline
after the imports is reported too, so the derivation's own share is visible.
"""
from __future__ import annotations

import json
import sys
import time

from measure import maxrss_mb, single_thread_env

single_thread_env()

import derivgen  # noqa: E402,F401  imported before the baseline
import sympy  # noqa: E402,F401

from anchors import naive_build  # noqa: E402
from cases import Unavailable, derivgen_build  # noqa: E402


def main(argv: list[str]) -> int:
    kind, sizes_text, form = argv
    sizes = tuple(int(s) for s in sizes_text.split("-"))
    import sympy.printing.numpy  # noqa: F401  lambdify and codegen both need it
    base = maxrss_mb()
    start = time.perf_counter()
    try:
        derivgen_build(sizes, form) if kind == "derivgen" else naive_build(sizes)
    except Unavailable as exc:
        print(str(exc), file=sys.stderr)
        return 3
    seconds = time.perf_counter() - start
    peak = maxrss_mb()
    print(json.dumps({"rss_mb": peak, "above_imports_mb": peak - base, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
