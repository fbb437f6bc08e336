"""Rendering a derivation: Markdown (GitHub, Jupyter, Colab), standalone LaTeX, PDF.

Formulas come from :mod:`derivgen.sections` and numbers from
:mod:`derivgen.worked`; Jinja templates add the prose and the layout.  The
templates use LaTeX-safe delimiters (``\\VAR{…}``, ``\\BLOCK{…}``, ``\\#{…}``) so
that a template for LaTeX reads like LaTeX.  They are looked up next to the
package first (an installed wheel ships them as ``derivgen/templates``) and
then in the checkout's top-level ``templates/``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .errors import DerivgenError
from .notation import Notation
from .profiles import read_notation
from .sections import CHAIN_MAX_PATHS, Builder

if TYPE_CHECKING:
    from .model import Model

FORMATS = ("markdown", "latex", "pdf")
LANGUAGES = ("ru", "en")
#: TeX Live packages that provide pdflatex, amsmath and the Cyrillic fonts
TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "texlive-lang-cyrillic")
PDFLATEX_TIMEOUT = 120
_TEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%",
                 "&": r"\&", "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def template_dirs() -> list[Path]:
    """Where templates are found: inside the installed package, then the source checkout."""
    here = Path(__file__).resolve().parent
    return [d for d in (here / "templates", here.parent / "templates") if d.is_dir()]


def environment() -> jinja2.Environment:
    """The one Jinja environment of derivgen: LaTeX-safe delimiters, no autoescaping."""
    dirs = template_dirs()
    if not dirs:
        raise DerivgenError("derivgen's templates are missing; reinstall the package")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        trim_blocks=True, lstrip_blocks=True, autoescape=False,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["inline"] = lambda text: f"${text}$"
    env.filters["tex"] = lambda text: "".join(_TEX_SPECIALS.get(c, c) for c in str(text))
    return env


def render(model: "Model", format: str = "markdown", lang: str | None = None,
           example: bool = False, values: str | Path | None = None) -> str:
    """The derivation of ``model`` as Markdown or LaTeX source.

    ``lang`` defaults to the language of the notation profile (the seed's).
    ``example`` adds the worked example from the spec's ``example:`` or from the
    ``values`` file.  The same spec always gives the same text.
    """
    if format not in ("markdown", "latex"):
        raise ValueError(f"format must be markdown or latex, not {format!r}")
    if getattr(model, "form", "scalar") == "matrix":
        if example or values is not None:
            raise DerivgenError("worked examples are printed per unit, in scalar form; "
                                "drop --example/--values or use --form scalar")
        return _render_matrix(model, format, lang)
    profile = read_notation(model)
    lang = lang or profile.language
    notation = Notation(model, profile)
    builder = Builder(model, notation)
    doc = builder.build()
    worked = None
    if example or values is not None:
        from .worked import worked_example
        worked = worked_example(builder, values)
    text = environment().get_template("derivation.j2").render(
        format=format, lang=lang, name=model.spec.name, doc=doc, profile=profile,
        example=worked, max_paths=CHAIN_MAX_PATHS)
    return _tidy(text)


def _render_matrix(model, format: str, lang: str | None) -> str:
    """A matrix-form derivation; notation overrides are validated on the scalar twin."""
    from .matsections import build_matrix_document
    from .profiles import default_profile
    profile = (read_notation(model.scalar) if "notation" in model.spec.extra
               else default_profile(model.spec.name))
    doc = build_matrix_document(model, profile)
    text = environment().get_template("matrix.j2").render(
        format=format, lang=lang or profile.language, name=model.spec.name, doc=doc,
        profile=profile)
    return _tidy(text)


def _tidy(text: str) -> str:
    """Templates emit a blank line after every block; keep exactly one between blocks."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def compile_pdf(tex: str, output: Path) -> None:
    """Run pdflatex on ``tex`` in a temporary directory and copy the PDF to ``output``.

    Raises :class:`DerivgenError` when pdflatex is missing, fails or times out.
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise DerivgenError("pdflatex not found; install TeX Live (Debian/Ubuntu: apt-get "
                            "install " + " ".join(TEX_PACKAGES) + ") or use --format latex")
    with tempfile.TemporaryDirectory(prefix="derivgen-") as tmp:
        source = Path(tmp) / "derivation.tex"
        source.write_text(tex, encoding="utf-8")
        # a fixed date keeps the PDF the same from run to run
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        try:
            done = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                                   "-no-shell-escape", source.name], cwd=tmp, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=PDFLATEX_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise PdflatexFailed(f"pdflatex took longer than {PDFLATEX_TIMEOUT} s") from None
        pdf = source.with_suffix(".pdf")
        if done.returncode != 0 or not pdf.is_file():
            log = done.stdout.decode("utf-8", "replace").splitlines()
            first = next((line for line in log if line.startswith("!")), "see the .tex file")
            raise PdflatexFailed(f"pdflatex failed: {first.lstrip('! ')}")
        shutil.copyfile(pdf, output)


class PdflatexFailed(DerivgenError):
    """pdflatex ran but produced no PDF: a problem of the generated LaTeX, not of the input."""


def add_arguments(parser) -> None:
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


def run(args) -> int:
    """``derivgen derive``: 0 written, 1 pdflatex failed, 2 unusable input or no pdflatex."""
    import sys

    from . import load
    try:
        model = load(Path(args.spec), form=args.form)
        fmt = "latex" if args.format == "pdf" else args.format
        text = render(model, fmt, args.lang, args.example, args.values)
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
