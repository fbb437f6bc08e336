"""The templates shipped compiled are the templates' text compiled now, and a stale copy is
never used; the command line's start-up leaves the garbage collector running.

No timing here: bench/run.py measures the cold start.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import jinja2
import pytest

import derivgen
from derivgen.render import document, precompiled
from support.helpers import ROOT

TEMPLATES = ROOT / "derivgen" / "render" / "templates"


def test_the_shipped_compiled_templates_are_up_to_date(tmp_path):
    # after editing a template: python -m derivgen.render.compile_templates
    precompiled.write(document.source_environment(), TEMPLATES, tmp_path / "compiled")
    made = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "compiled").glob("*.py")}
    shipped = {p.name: p.read_text(encoding="utf-8") for p in precompiled.FOLDER.glob("*.py")}
    assert made.keys() == shipped.keys()
    assert made == shipped, "run: python -m derivgen.render.compile_templates"
    assert len(made) == len(list(TEMPLATES.glob("*.j2"))) + 1  # one module each, the record
    assert isinstance(document.environment().loader, jinja2.ModuleLoader)


def test_a_stale_copy_is_not_used(tmp_path):
    env = document.source_environment()
    assert precompiled.loader(env, TEMPLATES) is not None
    edited = tmp_path / "templates"
    shutil.copytree(TEMPLATES, edited)
    (edited / "en.j2").write_text((edited / "en.j2").read_text(encoding="utf-8") + "\n",
                                  encoding="utf-8")
    assert precompiled.loader(env, edited) is None
    other = document.source_environment()
    other.trim_blocks = False  # other syntax options: other generated code
    assert precompiled.loader(other, TEMPLATES) is None


@pytest.mark.parametrize("spec,fmt,lang", [("seed000_relu_1_3_1", "markdown", "ru"),
                                           ("seed001_sigmoid_2_3_2", "latex", "en"),
                                           ("seed004_tanh_leaky_mae", "markdown", "en")])
def test_compiled_and_source_templates_write_the_same_document(spec, fmt, lang, monkeypatch):
    model = derivgen.load(ROOT / "specs" / f"{spec}.yaml")
    compiled = document.render(model, fmt, lang, example=True)
    monkeypatch.setattr(document, "environment", document.source_environment)
    assert document.render(model, fmt, lang, example=True) == compiled


def test_the_command_line_freezes_its_imports_and_keeps_collecting(tmp_path):
    code = ("import gc, sys; from derivgen.cli import main; "
            f"code = main(['derive', {str(ROOT / 'specs' / 'seed000_relu_1_3_1.yaml')!r}, "
            f"'-o', {str(tmp_path / 'out.md')!r}]); "
            "print(code, gc.isenabled(), gc.get_freeze_count() > 1000)")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.stdout.split() == ["0", "True", "True"], done.stderr[-1000:]
    assert (tmp_path / "out.md").read_text(encoding="utf-8").startswith("#")
