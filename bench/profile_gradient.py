"""Where the scalar-form gradient spends its time, line by line of the generated code.

Run: python bench/profile_gradient.py [--sizes 1-64-1] [--n 1000] [--hidden relu]

Each statement of the per-unit generated function is timed on its own (one
``perf_counter`` pair per statement, so the per-line numbers carry ~0.1 µs of
timer cost each) and the lines are grouped by what they do.  ``gradient_fn``
of a dense network runs the matrix code inside (derivgen.model.dense); its
time is printed next to the per-unit function's, and the wrapper
(checks, the flat parameter vector, the result dict) by difference.
"""
from __future__ import annotations

import argparse
import ast
import re
import time
from collections import defaultdict

import numpy as np

from measure import per_call_time, single_thread_env

single_thread_env()

import derivgen  # noqa: E402
from derivgen.ops import runtime  # noqa: E402
from derivgen.codegen.scalar import compile_function  # noqa: E402

import anchors  # noqa: E402

#: (group, regex on the statement's source), first match wins
GROUPS = [
    ("parameters unpacked", r"= theta"),
    ("x, y columns", r"= [xy]\[:, "),
    ("reductions numpy.dot / .sum() (return)", r"numpy\.dot\(|\.sum\(\)"),
    ("ReLU' masks (adjoints)", r"^d_.*[>]=? 0\)"),
    ("activations numpy.maximum/tanh", r"numpy\.(maximum|tanh|where|logaddexp)\("),
    ("other adjoints d_*", r"^d_"),
    ("forward z, yhat, r, L", r"^v_"),
]


def instrument(source: str) -> tuple[str, list[str]]:
    """The generated function with a timer around every statement (return split up)."""
    fn = ast.parse(source).body[0]
    assert isinstance(fn, ast.FunctionDef)
    stmts, labels = [], []
    for stmt in fn.body:
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.List):
            stmts.append(ast.parse("_out = []").body[0])
            labels.append("list")
            for value in stmt.value.elts:
                call = ast.parse("_out.append(0)").body[0]
                call.value.args = [value]
                stmts.append(call)
                labels.append(ast.unparse(value))
            stmts.append(ast.parse("return _out").body[0])
            labels.append("return")
        else:
            stmts.append(stmt)
            labels.append(ast.unparse(stmt))
    body = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.Return):
            body.append(stmt)
            continue
        body += ast.parse("_t0 = _pc()").body
        body.append(stmt)
        body += ast.parse(f"_acc[{i}] += _pc() - _t0").body
    fn.body = body
    module = ast.Module([fn], [])
    return ast.unparse(ast.fix_missing_locations(module)), labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1-64-1")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--hidden", default="relu")
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split("-"))
    net = anchors.Net(sizes, args.hidden, "identity", "half_sse", "sum")
    model = derivgen.mlp(list(sizes), hidden=args.hidden, output="identity", loss="half_sse",
                         reduction="sum")
    p = anchors.random_params(net)
    x, y = anchors.batch(net, args.n)
    flat = model.flat_params({k: (v.T if k.startswith("W_") else v) for k, v in p.items()})
    theta = model._flat_params(flat)
    grad = model.gradient_fn()
    generated, source = compile_function(model.derivation, "gradient")

    # interleaved rounds, medians: the three numbers see the same background load
    rounds: list[tuple[float, float, float]] = []
    for _ in range(7):
        rounds.append((per_call_time(lambda: anchors.numpy_grad(net, p, x, y), samples=5),
                       per_call_time(lambda: grad(flat, x, y), samples=5),
                       per_call_time(lambda: generated(theta, x, y), samples=5)))
    hand, whole, inner = (float(np.median(col)) for col in zip(*rounds))
    print(f"{args.sizes} {args.hidden}, N={args.n}: hand NumPy {hand * 1e6:.0f} µs, "
          f"gradient_fn {whole * 1e6:.0f} µs ({whole / hand:.2f}×); the per-unit generated "
          f"function alone {inner * 1e6:.0f} µs ({inner / hand:.2f}×)")

    text, labels = instrument(source)
    acc = np.zeros(len(labels))
    namespace = {"_rt": runtime, "numpy": np, "_pc": time.perf_counter, "_acc": acc}
    exec(compile(text, "<instrumented>", "exec"), namespace)
    for _ in range(args.calls):
        namespace["generated"](theta, x, y)
    per_line = acc / args.calls
    groups: dict[str, list[float]] = defaultdict(list)
    for label, t in zip(labels, per_line):
        group = next((g for g, rx in GROUPS if re.search(rx, label)), "other")
        groups[group].append(t)
    total = per_line.sum()
    print(f"\ninstrumented generated function: {total * 1e6:.0f} µs per call "
          f"({len(labels)} statements)")
    print(f"{'group':34} {'lines':>6} {'µs':>8} {'share':>6}  µs/line")
    for group, times in sorted(groups.items(), key=lambda kv: -sum(kv[1])):
        s = sum(times)
        print(f"{group:34} {len(times):6d} {s * 1e6:8.0f} {s / total:6.0%}  "
              f"{s / len(times) * 1e6:.2f}")
    print("\nslowest statements:")
    for i in np.argsort(-per_line)[:8]:
        print(f"  {per_line[i] * 1e6:7.2f} µs  {labels[i][:90]}")


if __name__ == "__main__":
    main()
