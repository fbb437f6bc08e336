"""``derivgen derive``: the derivation of a spec as Markdown, LaTeX or PDF."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derivgen.errors import DerivgenError
from derivgen.files import default_output, write_atomic
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
                        help="write here instead of stdout (pdf: default SPEC-NAME.pdf in the "
                        "current folder, the name made safe)")
    parser.add_argument("--example", action="store_true",
                        help="add the worked example from the spec's 'example:'")
    parser.add_argument("--form", choices=("scalar", "matrix"), default=None,
                        help="derive in this form instead of the spec's (matrix: whole batch)")
    parser.add_argument("--values", metavar="FILE",
                        help="YAML shaped like 'example:' to use instead (implies --example)")


def run(args: argparse.Namespace) -> int:
    """``derivgen derive``: 0 written, 1 pdflatex failed, 2 unusable input or no pdflatex.

    Files are written atomically (:func:`derivgen.files.write_atomic`) and only
    where ``-o`` says; a PDF without ``-o`` goes to the current folder, under a
    file name made safe from the spec's name.
    """
    try:
        model = load(Path(args.spec), form=args.form)
        fmt = "latex" if args.format == "pdf" else args.format
        text = render(model, fmt, args.lang, args.example, args.values)
        if args.format == "pdf":
            output = Path(args.output) if args.output else default_output(model.spec.name,
                                                                          ".pdf")
            compile_pdf(text, output)
            print(f"derivgen: wrote {output}", file=sys.stderr)
        elif args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.flush()
    except PdflatexFailed as exc:
        print(f"derivgen: {exc}", file=sys.stderr)
        return 1
    except DerivgenError as exc:
        print(f"derivgen: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise  # the reader of stdout went away: a quiet exit, see derivgen.cli.guard
    except OSError as exc:  # stdout itself cannot be written (a full disk behind it)
        print(f"derivgen: cannot write to standard output: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
