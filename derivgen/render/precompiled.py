"""The templates compiled ahead of time, so that a cold ``derivgen derive`` pays no Jinja compile.

Jinja turns every template into Python before it renders it; for the language
templates that is most of a cold start's work after SymPy's import.  The
Python Jinja writes is generated once, by ``python -m derivgen.render.compile_templates``,
into ``derivgen/render/compiled/`` and ships with the package; nothing is
written at run time.  ``compiled/__init__.py`` records what the code was made
from: a hash of every template's text and of the environment's syntax options,
and the Jinja version.  When any of them differs (a template edited and not
compiled again, another Jinja), :func:`loader` returns None and the templates
are compiled from their text as before, so a stale copy is never used.
``tests/test_precompiled.py`` fails when the shipped copy is not what this
module would write.
"""
from __future__ import annotations

import hashlib
import importlib
import shutil
from pathlib import Path

import jinja2

FOLDER = Path(__file__).resolve().parent / "compiled"
PACKAGE = "derivgen.render.compiled"
#: the environment settings that change the generated code
OPTIONS = ("block_start_string", "block_end_string", "variable_start_string",
           "variable_end_string", "comment_start_string", "comment_end_string",
           "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
           "newline_sequence", "keep_trailing_newline", "autoescape", "optimized")


def fingerprint(env: jinja2.Environment, templates: Path) -> dict[str, str]:
    """Template name -> hash of its text, plus the options' and Jinja's own entries."""
    out = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
           for path in sorted(templates.glob("*.j2"))}
    options = repr([(name, getattr(env, name)) for name in OPTIONS])
    out[":options"] = hashlib.sha256(options.encode("utf-8")).hexdigest()
    out[":jinja"] = jinja2.__version__
    return out


def loader(env: jinja2.Environment, templates: Path) -> jinja2.BaseLoader | None:
    """A loader of the shipped compiled templates, or None when they are missing or stale."""
    try:
        made_from = importlib.import_module(PACKAGE).MADE_FROM
    except (ImportError, AttributeError):
        return None
    if made_from != fingerprint(env, templates):
        return None
    return jinja2.ModuleLoader(str(FOLDER))


def write(env: jinja2.Environment, templates: Path, target: Path = FOLDER) -> None:
    """Compile every template of ``env`` (a source loader) into ``target`` with its record."""
    if target.exists():
        shutil.rmtree(target)
    env.compile_templates(str(target), zip=None, ignore_errors=False,
                          log_function=lambda _: None)
    record = fingerprint(env, templates)
    lines = ['"""Templates compiled by derivgen.render.precompiled (generated; do not edit)."""',
             "", "#: what the modules here were compiled from (checked before they are used)",
             "MADE_FROM = {"]
    lines += [f"    {key!r}: {value!r}," for key, value in record.items()]
    lines += ["}", ""]
    (target / "__init__.py").write_text("\n".join(lines), encoding="utf-8")
