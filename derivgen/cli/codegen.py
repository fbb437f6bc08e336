"""``derivgen codegen``: a standalone gradient module for NumPy, numba, JAX or torch."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derivgen.cli.guard import EXIT_OK, write_stdout
from derivgen.codegen.export import BACKENDS, export_source
from derivgen.files import write_atomic
from derivgen.model.load import load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``derivgen codegen``."""
    parser.add_argument("spec", help="a .yaml spec file")
    parser.add_argument("--backend", choices=BACKENDS, default="numpy",
                        help="the package the module computes with (default numpy)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the module here instead of stdout")


def run(args: argparse.Namespace) -> int:
    """``derivgen codegen``: 0 written; unusable input or an unwritable output raise a
    DerivgenError, which :func:`derivgen.cli.main` turns into exit 2."""
    model = load(Path(args.spec), form="scalar")
    text = export_source(model.derivation, args.backend,
                         f"{model.spec.name} ({Path(args.spec).name})")
    if args.output:
        write_atomic(args.output, text)
        print(f"derivgen: wrote {args.output}", file=sys.stderr)
    else:
        write_stdout(text)
    return EXIT_OK
