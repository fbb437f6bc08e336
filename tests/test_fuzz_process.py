"""Faults a real process meets: signals, a closed pipe, Ctrl-C during start-up, and a
pdflatex that is still running when derivgen is stopped.

Each test starts one interpreter (``python -m derivgen`` or the console entry's
``run``) with a generous timeout that only catches a hang; nothing depends on how
fast the machine is.  pdflatex is replaced by a stand-in script on PATH that
records its process id and sleeps, so that derivgen can be stopped while it waits.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.helpers import ROOT

#: seconds after which a process counts as hung (generous: the machine is shared)
HANG = 120.0

SPEC = """\
name: process_spec
network:
  inputs: 1
  layers:
    - {units: 2, activation: sigmoid}
    - {units: 1, activation: identity}
loss: half_sse
reduction: sum
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and process groups")


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(
        os.pathsep) if p])
    return dict(os.environ, PYTHONPATH=path, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                **extra)


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + HANG
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_console_entry_prints_the_version(tmp_path: Path) -> None:
    from derivgen import __version__
    done = subprocess.run([sys.executable, "-m", "derivgen", "--version"], env=env(tmp_path),
                          capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 0 and done.stdout.strip() == f"derivgen {__version__}"


def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path) -> None:
    """``derivgen check … | head``: the reader is gone before derivgen writes."""
    for name in "abc":
        (tmp_path / f"{name}.yaml").write_text(SPEC)
    proc = subprocess.Popen([sys.executable, "-m", "derivgen", "check", "--points", "1",
                             "a.yaml", "b.yaml", "c.yaml"], cwd=tmp_path, env=env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # nobody reads: every write meets EPIPE
    _, err = proc.communicate(timeout=HANG)
    err = err.decode(errors="replace")
    assert proc.returncode == 141, (proc.returncode, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_ctrl_c_during_start_up_prints_no_traceback(tmp_path: Path) -> None:
    """SIGINT while SymPy and NumPy are still being imported: exit 130, nothing else."""
    (tmp_path / "s.yaml").write_text(SPEC)
    code = ("import os, signal, sys\n"
            "from derivgen.__main__ import run\n"  # light: the package imports lazily
            # the interrupt comes from the start-up itself, as SymPy starts to load: the
            # case the test is about, on a fast machine or a slow one
            "fired = []\n"
            "def hook(event, args):\n"
            "    if event == 'import' and args[0] == 'sympy' and not fired:\n"
            "        fired.append(1); os.kill(os.getpid(), signal.SIGINT)\n"
            "sys.addaudithook(hook)\n"
            "sys.argv = ['derivgen', 'check', 's.yaml']\n"
            "import derivgen; assert 'sympy' not in sys.modules\n"
            "run()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env(tmp_path),
                          capture_output=True, text=True, timeout=HANG)
    assert done.returncode == 130, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and done.stdout == "", done.stderr


def _derive_pdf_waiting_in_pdflatex(tmp_path: Path) -> tuple[subprocess.Popen, int, Path]:
    """derivgen derive --format pdf with a pdflatex that sleeps; (process, its pid, TMPDIR)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pdflatex").write_text('#!/bin/sh\necho $$ > "$MARKER"\nexec sleep 600\n')
    (fake / "pdflatex").chmod(0o755)
    tmp, marker = tmp_path / "tmp", tmp_path / "pdflatex.pid"
    tmp.mkdir()
    (tmp_path / "s.yaml").write_text(SPEC)
    proc = subprocess.Popen([sys.executable, "-m", "derivgen", "derive", "s.yaml", "--format",
                             "pdf"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env(tmp_path, PATH=f"{fake}{os.pathsep}{os.environ['PATH']}",
                                    TMPDIR=str(tmp), MARKER=str(marker)))
    wait_for(lambda: marker.exists() and marker.read_text().strip(), "pdflatex to start")
    return proc, int(marker.read_text()), tmp


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_pdf_build_kills_pdflatex_and_removes_its_folder(signum, tmp_path: Path
                                                                  ) -> None:
    proc, child, tmp = _derive_pdf_waiting_in_pdflatex(tmp_path)
    assert alive(child) and len(list(tmp.glob("derivgen-*"))) == 1
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 128 + signum, (proc.returncode, err)
    assert b"Traceback" not in err, err
    wait_for(lambda: not alive(child), "pdflatex to be killed")
    assert list(tmp.iterdir()) == [] and not (tmp_path / "process_spec.pdf").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_kill_9_leaves_no_orphan_and_the_next_run_removes_the_folder(tmp_path: Path,
                                                                     monkeypatch) -> None:
    proc, child, tmp = _derive_pdf_waiting_in_pdflatex(tmp_path)
    proc.kill()  # SIGKILL: derivgen cannot clean up; the kernel kills pdflatex for it
    proc.communicate(timeout=HANG)
    wait_for(lambda: not alive(child), "the kernel to kill the orphaned pdflatex")
    left = list(tmp.glob("derivgen-*"))
    assert len(left) == 1  # nobody could remove it ...
    import tempfile

    from derivgen.render.pdf import remove_stale_folders
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    (tmp / f"derivgen-{os.getpid()}-mine").mkdir()  # a live process's folder stays
    remove_stale_folders()  # ... until the next PDF build
    assert [p.name for p in tmp.iterdir()] == [f"derivgen-{os.getpid()}-mine"]
