"""PDF output: pdflatex in a temporary folder, no shell escape, a fixed date.

pdflatex runs in a process group of its own, which is killed on every way out
of :func:`compile_pdf` (success, failure, timeout, Ctrl-C, and SIGTERM, which
the CLI turns into an exception).  On Linux the kernel also kills it if
derivgen itself is killed outright (``kill -9``).  The temporary folder is
removed on the same paths; one left behind by a killed process
(``derivgen-<pid>-…``) is removed by the next run once that process is gone.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from derivgen.errors import DerivgenError
from derivgen.files import write_atomic

#: TeX Live packages that provide pdflatex, amsmath and the Cyrillic fonts
TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "texlive-lang-cyrillic")
PDFLATEX_TIMEOUT = 120
#: temporary folders: derivgen-<pid of the process that made it>-<random>
_PREFIX = "derivgen-"
_STALE = re.compile(r"derivgen-(\d+)-")


class PdflatexFailed(DerivgenError):
    """pdflatex ran but produced no PDF: a problem of the generated LaTeX, not of the input."""


def compile_pdf(tex: str, output: Path) -> None:
    """Run pdflatex on ``tex`` in a temporary directory and write the PDF to ``output``.

    Raises :class:`DerivgenError` when pdflatex is missing, :class:`PdflatexFailed`
    when it fails or times out.  ``output`` is written atomically.
    """
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise DerivgenError("pdflatex not found; install TeX Live (Debian/Ubuntu: apt-get "
                            "install " + " ".join(TEX_PACKAGES) + ") or use --format latex")
    remove_stale_folders()
    with tempfile.TemporaryDirectory(prefix=f"{_PREFIX}{os.getpid()}-") as tmp:
        source = Path(tmp) / "derivation.tex"
        source.write_text(tex, encoding="utf-8")
        # a fixed date keeps the PDF the same from run to run
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
        log = _run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                    "-no-shell-escape", source.name], tmp, env)
        pdf = source.with_suffix(".pdf")
        if log is not None or not pdf.is_file():
            lines = (log or b"").decode("utf-8", "replace").splitlines()
            first = next((line for line in lines if line.startswith("!")), "see the .tex file")
            raise PdflatexFailed(f"pdflatex failed: {first.lstrip('! ')}")
        write_atomic(output, pdf.read_bytes())


def _run(argv: list[str], cwd: str, env: dict) -> bytes | None:
    """Run pdflatex to the end; its output when it failed, None when it succeeded."""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=_dies_with_parent(os.getpid()))
    try:
        out, _ = proc.communicate(timeout=PDFLATEX_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PdflatexFailed(f"pdflatex took longer than {PDFLATEX_TIMEOUT} s") from None
    finally:
        _kill_group(proc)  # also when an exception (Ctrl-C, SIGTERM) passes through
    return None if proc.returncode == 0 else out


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill pdflatex and anything it started (its own process group), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
        pass
    for stream in (proc.stdout,):
        if stream is not None:
            stream.close()


def _dies_with_parent(parent: int) -> Callable[[], None] | None:
    """Linux: ask the kernel to SIGKILL the child when derivgen dies, even by kill -9."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def setup() -> None:  # runs in the child, between fork and exec
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
    return setup


def remove_stale_folders() -> None:
    """Remove this user's ``derivgen-<pid>-…`` temporary folders whose process is gone."""
    base = Path(tempfile.gettempdir())
    try:
        entries = list(base.iterdir())
    except OSError:
        return
    for entry in entries:
        match = _STALE.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid():
            continue
        try:
            if entry.is_symlink() or not entry.is_dir() or entry.stat().st_uid != os.getuid():
                continue
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:  # its process is gone: a folder a kill -9 left behind
            shutil.rmtree(entry, ignore_errors=True)
        except (OSError, ValueError, OverflowError):
            continue
