"""``derivgen graph``: the computation graph, with values and gradients at the example.

The output format follows the -o suffix: .svg and .png are drawn by Graphviz
(the ``graphviz`` package and the ``dot`` program), .dot/.gv is the DOT text
itself and needs neither; without -o the DOT text goes to stdout.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from derivgen.cli.guard import EXIT_OK, write_stdout
from derivgen.errors import DerivgenError, SpecError
from derivgen.files import write_atomic
from derivgen.learn.init import read_init
from derivgen.model.load import load
from derivgen.render.graph import Point, graph_dot, render_graph
from derivgen.render.example import given_point, read_values

FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``derivgen graph``."""
    parser.add_argument("spec", help="a .yaml spec file")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="graph.svg, graph.png or graph.dot (default: DOT on stdout)")
    parser.add_argument("--example", action="store_true",
                        help="show values and gradients at the spec's 'example:'")
    parser.add_argument("--values", metavar="FILE",
                        help="YAML shaped like 'example:' to use instead (implies --example)")
    parser.add_argument("--form", choices=("scalar", "matrix"), default=None,
                        help="draw this form of a network spec (matrix: one node per matrix)")


def _matrix_point(model: Any, values: str | None) -> Point:
    """Array parameters of a matrix-form model, from the spec's example or a values file."""
    if values is not None:
        ex, source, pos = read_values(values)
        params = read_init(values, model)
    else:
        ex, source, pos = model.spec.example, model.spec.source, None
        found = model.example_arrays()
        if ex is None or found is None:
            raise SpecError("--example needs an 'example:' section in the spec, or --values "
                            "FILE", source)
        params = found[0]
        missing = [p for p in model.parameters if p not in params]
        if missing:
            raise SpecError(f"the example gives no value for {', '.join(missing)}", source)
    where = (pos.line, pos.column) if pos else (None, None)
    if ex.y is None:
        raise SpecError("the graph's values need targets 'y' as well as 'x'", source, *where)
    x = np.asarray(ex.x, dtype=float).reshape(-1, model.input_size)
    y = np.asarray(ex.y, dtype=float).reshape(-1, model.output_size)
    try:
        grads = model.gradient_fn()(params, x, y)
    except ValueError as exc:
        raise SpecError(f"example: {exc}", source, *where) from None
    return Point(params, x, y, grads)


def _point(model: Any, args: argparse.Namespace) -> Point | None:
    if not (args.example or args.values):
        return None
    if model.form == "matrix":
        return _matrix_point(model, args.values)
    _, params, x, y, grads = given_point(model, args.values)
    return Point(params, np.asarray(x, dtype=float).reshape(-1, model.input_size),
                 np.asarray(y, dtype=float).reshape(-1, model.output_size), grads)


def run(args: argparse.Namespace) -> int:
    """``derivgen graph``: 0 written; unusable input or a missing drawing program raise a
    DerivgenError, which :func:`derivgen.cli.main` turns into exit 2."""
    fmt = "dot"
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix not in FORMATS:
            raise DerivgenError(f"{args.output}: unknown picture type {suffix or '(none)'!r};"
                                " allowed: .svg, .png, .dot, .gv")
        fmt = FORMATS[suffix]
    model = load(Path(args.spec), form=args.form)
    dot = graph_dot(model, _point(model, args))
    data = dot.encode("utf-8") if fmt == "dot" else render_graph(dot, fmt)
    if args.output:
        write_atomic(args.output, data)  # a temporary file, then a rename
        print(f"derivgen: wrote {args.output}", file=sys.stderr)
    else:
        write_stdout(data)
    return EXIT_OK
