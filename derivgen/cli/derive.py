"""``derivgen derive``: the derivation of a spec as Markdown, LaTeX or PDF."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derivgen.cli.guard import write_stdout
from derivgen.errors import DerivgenError
from derivgen.files import default_output, write_atomic
from derivgen.limits import MAX_FULL_LISTING
from derivgen.model.load import from_spec
from derivgen.spec import Network, Spec, read_spec
from derivgen.spec.forms import COMPACT_ABOVE, parameter_count, with_form
from derivgen.render.document import FORMATS, LANGUAGES, render
from derivgen.render.pdf import PdflatexFailed, compile_pdf


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``derivgen derive``."""
    parser.add_argument("spec", help="a .yaml spec file")
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="markdown (default), a standalone LaTeX document, or a PDF")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="language of the prose (default: the notation profile's)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here instead of stdout (pdf: default SPEC-NAME.pdf in the "
                        "current folder, the name made safe)")
    parser.add_argument("--example", action="store_true",
                        help="add the worked example from the spec's 'example:'")
    parser.add_argument("--form", choices=("scalar", "matrix"), default=None,
                        help="derive in this form instead of the spec's (matrix: whole batch)")
    parser.add_argument("--values", metavar="FILE",
                        help="YAML shaped like 'example:' to use instead (implies --example)")
    parser.add_argument("--digits", type=int, default=3, metavar="N",
                        help="significant digits of the worked example's results (default 3)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed for the example values the spec leaves out (default 0)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--compact", action="store_true",
                      help="one generic unit per layer with index letters, the other units "
                           f"alike (the default for networks of more than {COMPACT_ABOVE} "
                           "parameters)")
    size.add_argument("--full", action="store_true",
                      help="every parameter, one by one (networks of up to "
                           f"{MAX_FULL_LISTING} parameters)")


def compact_mode(spec: Spec, args: argparse.Namespace) -> bool:
    """Whether to write the compact derivation: asked for, or a big network in scalar form."""
    network = isinstance(spec.network, Network)
    form = args.form or (spec.network.form if network else "scalar")
    if args.compact:
        if not network:
            raise DerivgenError("--compact writes the units of a network; this spec is a "
                                "model of named equations (model:)")
        if args.form == "matrix":
            raise DerivgenError("--compact and --form matrix are two ways to be short: "
                                "choose one")
        return True
    count = parameter_count(spec.network) if network else 0
    if args.full and form == "scalar" and count > MAX_FULL_LISTING:
        raise DerivgenError(f"{args.spec}: --full lists every parameter of at most "
                            f"{MAX_FULL_LISTING} parameters, and this network has {count}; "
                            "the compact form (the default) covers any size")
    return network and form == "scalar" and not args.full and count > COMPACT_ABOVE


def run(args: argparse.Namespace) -> int:
    """``derivgen derive``: 0 written, 1 pdflatex failed, 2 unusable input or no pdflatex.

    Files are written atomically (:func:`derivgen.files.write_atomic`) and only
    where ``-o`` says; a PDF without ``-o`` goes to the current folder, under a
    file name made safe from the spec's name.
    """
    try:
        spec = read_spec(Path(args.spec))
        compact = compact_mode(spec, args)
        model = from_spec(with_form(spec, "matrix" if compact else args.form))
        fmt = "latex" if args.format == "pdf" else args.format
        warnings: list[str] = []
        text = render(model, fmt, args.lang, args.example, args.values, digits=args.digits,
                      seed=args.seed, warnings=warnings, compact=compact)
        for warning in warnings:
            print(f"derivgen: warning: {warning}", file=sys.stderr)
        if args.format == "pdf":
            output = Path(args.output) if args.output else default_output(model.spec.name,
                                                                          ".pdf")
            compile_pdf(text, output)
            print(f"derivgen: wrote {output}", file=sys.stderr)
        elif args.output:
            write_atomic(args.output, text)
        else:
            write_stdout(text)
    except PdflatexFailed as exc:
        print(f"derivgen: {exc}", file=sys.stderr)
        return 1
    return 0

