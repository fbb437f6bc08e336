"""Helpers every test module shares: paths, the bundled specs loaded once, the CLI in-process."""
from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest

import derivgen
import derivgen.cli as cli

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
MATRIX_SPECS = sorted((ROOT / "specs" / "matrix").glob("*.yaml"))
GOLDEN = ROOT / "tests" / "golden"
#: the five hand-written seed documents, read-only beside the checkout (or beside the
#: folder of a worktree); tests that read them skip or check less when they are absent
SEED_DOCUMENTS = next((p for p in (ROOT.parent / "shared" / "seeds",
                                   ROOT.parent.parent / "shared" / "seeds") if p.is_dir()),
                      ROOT.parent / "shared" / "seeds")
PDFLATEX = shutil.which("pdflatex")
needs_tex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (Debian: "
                               "texlive-latex-base texlive-latex-recommended texlive-lang-cyrillic)")


@functools.lru_cache(maxsize=None)
def bundled(path: Path | str, form: str | None = None) -> derivgen.Model | derivgen.MatrixModel:
    """A bundled spec's model, loaded once per test session (tests must not change it)."""
    return derivgen.load(Path(path), form=form)


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """``derivgen ARGS`` in-process: (exit code, stdout, stderr)."""
    code = cli.main([*map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def flat(text: str) -> str:
    """LaTeX without spacing commands, for comparing fragments modulo spacing."""
    return re.sub(r"\\[,;:!]|\s+", "", text)
