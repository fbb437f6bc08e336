"""``derivgen derive``: the derivation of a spec as Markdown, LaTeX or PDF."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derivgen.errors import DerivgenError
from derivgen.model.load import load
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
                        help="write here instead of stdout (pdf: default SPEC-NAME.pdf)")
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


def run(args: argparse.Namespace) -> int:
    """``derivgen derive``: 0 written, 1 pdflatex failed, 2 unusable input or no pdflatex."""
    try:
        model = load(Path(args.spec), form=args.form)
        fmt = "latex" if args.format == "pdf" else args.format
        warnings: list[str] = []
        text = render(model, fmt, args.lang, args.example, args.values, digits=args.digits,
                      seed=args.seed, warnings=warnings)
        for warning in warnings:
            print(f"derivgen: warning: {warning}", file=sys.stderr)
        if args.format == "pdf":
            output = Path(args.output or f"{model.spec.name}.pdf")
            compile_pdf(text, output)
            print(f"derivgen: wrote {output}", file=sys.stderr)
        elif args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.flush()
    except PdflatexFailed as exc:
        print(f"derivgen: {exc}", file=sys.stderr)
        return 1
    except DerivgenError as exc:
        print(f"derivgen: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output file cannot be written
        print(f"derivgen: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
