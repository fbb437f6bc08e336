"""PDF output: pdflatex in a temporary folder, no shell escape, a fixed date."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from derivgen.errors import DerivgenError

#: TeX Live packages that provide pdflatex, amsmath and the Cyrillic fonts
TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "texlive-lang-cyrillic")
PDFLATEX_TIMEOUT = 120


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
