"""Rendering a derivation: Markdown (GitHub, Jupyter, Colab) or standalone LaTeX.

Formulas come from :mod:`derivgen.render.sections` and numbers from
:mod:`derivgen.render.worked`; Jinja templates add the prose and the layout.  The
templates use LaTeX-safe delimiters (``\\VAR{…}``, ``\\BLOCK{…}``, ``\\#{…}``) so
that a template for LaTeX reads like LaTeX.  They live in ``templates/`` next to
this module and ship inside the wheel.  PDF output is :mod:`derivgen.render.pdf`.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2

from derivgen.errors import DerivgenError
from derivgen.limits import recursion_room
from derivgen.render.notation import Notation
from derivgen.render.profiles import PROFILES, read_notation
from derivgen.render.sections import CHAIN_MAX_PATHS, DocumentBuilder
from derivgen.render.text import md_code, md_text, tex_text
from derivgen.engine.protocol import GradientModel


FORMATS = ("markdown", "latex", "pdf")
LANGUAGES = ("ru", "en")

def template_dirs() -> list[Path]:
    """Where templates are found: ``templates/`` next to this module (shipped in the wheel)."""
    here = Path(__file__).resolve().parent / "templates"
    return [here] if here.is_dir() else []


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja environment of the process: LaTeX-safe delimiters, no autoescaping;
    its templates come compiled with the package (:mod:`derivgen.render.precompiled`)
    unless the shipped copy is stale, then from their text."""
    from derivgen.render.precompiled import loader
    env = source_environment()
    compiled = loader(env, template_dirs()[0])
    if compiled is not None:
        env.loader = compiled
    return env


def source_environment() -> jinja2.Environment:
    """A new environment compiling the templates from their text."""
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
    # a command-line option in prose: -{}- keeps LaTeX from making an en dash of --
    env.globals["option"] = lambda name, fmt: (r"\texttt{-{}-" + name + "}" if fmt == "latex"
                                               else f"`--{name}`")
    env.filters["tex"] = tex_text
    # a spec name may be longer than a line: it may break after each _ (titles, prose)
    env.filters["name"] = lambda text: tex_text(text, breaks=True)
    env.filters["md"] = md_text
    env.filters["mdcode"] = md_code
    return env


def render(model: GradientModel, format: str = "markdown", lang: str | None = None,
           example: bool = False, values: str | Path | None = None, digits: int = 3,
           seed: int = 0, warnings: list[str] | None = None, compact: bool = False) -> str:
    """The derivation of ``model`` as Markdown or LaTeX source.

    ``lang`` defaults to the language of the notation profile (the seed's).
    ``example`` adds the worked example from the spec's ``example:`` or from the
    ``values`` file, whatever they leave out drawn from ``seed``, its results printed to
    ``digits`` significant digits.  The same arguments always give the same text.
    What the reader should be warned of (one symbol standing for two things) is added
    to ``warnings``, and the document says it too.  ``compact`` writes one generic unit
    per layer (:mod:`derivgen.render.compact`); it needs the matrix form of a network.
    """
    if not 1 <= digits <= 15:
        raise DerivgenError(f"--digits must be between 1 and 15, not {digits}")
    if format not in ("markdown", "latex"):
        raise ValueError(f"format must be markdown or latex, not {format!r}")
    if compact:
        return _render_compact(model, format, lang, example or values is not None, values,
                               digits, seed, warnings)
    if getattr(model, "form", "scalar") == "matrix":
        if example or values is not None:
            raise DerivgenError("worked examples are printed per unit, in scalar form; "
                                "drop --example/--values or use --form scalar")
        with recursion_room():  # a 256-layer network nests its gradients 256 deep
            return _render_matrix(model, format, lang)
    profile = read_notation(model)
    lang = lang or profile.language
    notation = Notation(model, profile)
    builder = DocumentBuilder(model, notation)
    doc = builder.build()
    _warn_clashes(doc.notes["clashes"], warnings)
    worked = None
    if example or values is not None:
        from derivgen.render.worked import worked_example
        worked = worked_example(builder, values, digits, seed)
    text = environment().get_template("derivation.j2").render(
        format=format, lang=lang, name=model.spec.name, doc=doc, profile=profile,
        example=worked, max_paths=CHAIN_MAX_PATHS)
    return _tidy(text)


def _warn_clashes(clashes: list, warnings: list[str] | None) -> None:
    """One warning per symbol the notation uses for two things (the document notes it)."""
    if warnings is None:
        return
    for symbol, kinds in clashes:
        warnings.append(f"{symbol} stands for " + " and ".join(k.replace("_", " ")
                                                          for k in kinds)
                        + " in this notation; a note in the document says so")


def _render_compact(model, format: str, lang: str | None, example: bool, values,
                    digits: int, seed: int, warnings: list[str] | None) -> str:
    """A compact derivation, from the matrix form; its example from the scalar form."""
    from derivgen.render.compact import COMPACT_ABOVE, build_compact
    if getattr(model, "form", "scalar") != "matrix":
        raise DerivgenError("compact mode derives a network in matrix form: load it with "
                            "form='matrix' (derive does)")
    profile = read_notation(model, names=False)
    doc = build_compact(model, profile)
    _warn_clashes(doc.notes["clashes"], warnings)
    worked = None
    if example:
        count = doc.architecture["parameters"]
        if count > COMPACT_ABOVE:
            raise DerivgenError(f"a worked example lists every unit: it is printed for networks "
                                f"of up to {COMPACT_ABOVE} parameters, and this one has {count}")
        from derivgen.render.worked import worked_example
        scalar = model.scalar
        builder = DocumentBuilder(scalar, Notation(scalar, read_notation(scalar)))
        worked = worked_example(builder, values, digits, seed)
    text = environment().get_template("compact.j2").render(
        format=format, lang=lang or profile.language, name=model.spec.name, doc=doc,
        profile=profile, example=worked)
    return _tidy(text)


def _render_matrix(model, format: str, lang: str | None) -> str:
    """A matrix-form derivation; notation overrides are validated on the scalar twin."""
    from derivgen.render.matsections import build_matrix_document
    profile = (read_notation(model.scalar) if "notation" in model.spec.extra
               else PROFILES["default"])
    doc = build_matrix_document(model, profile)
    text = environment().get_template("matrix.j2").render(
        format=format, lang=lang or profile.language, name=model.spec.name, doc=doc,
        profile=profile)
    return _tidy(text)


def _tidy(text: str) -> str:
    """Templates emit a blank line after every block; keep exactly one between blocks."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
