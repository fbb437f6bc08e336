"""The harness of the fuzz suite (tests/test_fuzz_*.py): one case, its promises, a tally.

A case is a derivgen command run in-process through ``derivgen.cli.main`` in a
fresh folder holding only its input files.  Whatever the input, the promise is:

- the exit code is 0, 1 or 2;
- no traceback and no "internal error" on stdout or stderr;
- the case ends within :data:`CASE_SECONDS` of CPU time (a watchdog thread
  interrupts it; CPU time, because the machine is shared and wall time says
  little about derivgen);
- nothing is written but the output path: the folder's listing afterwards is
  the listing before plus at most that path, and no temporary folder is left;
- ``--json`` output is strict JSON (no NaN, no Infinity).

Profiles: the default run is bounded (the whole fuzz suite stays within about a
minute); ``DERIVGEN_FUZZ=long`` runs the long profile (5,000 cases and more).
With ``DERIVGEN_FUZZ_REPORT=FILE`` every case is appended to FILE as one JSON
line (category, outcome, seconds, label) for the closing report.
"""
from __future__ import annotations

import _thread
import contextlib
import io
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Union

LONG = os.environ.get("DERIVGEN_FUZZ", "").lower() == "long"
#: CPU seconds one case may take
CASE_SECONDS = 10.0
#: wall seconds after which a case counts as hung even if it uses no CPU (a blocked read)
WALL_SECONDS = 120.0


def count(default: int, long: int) -> int:
    """How many cases a fuzz test runs in the current profile."""
    return long if LONG else default


@dataclass
class Outcome:
    """What one case did."""

    rc: int | None
    out: str
    err: str
    cpu: float
    timed_out: bool = False
    new_files: frozenset = frozenset()


class Watchdog:
    """Interrupts the main thread when a case uses more than ``seconds`` of CPU time."""

    def __init__(self, seconds: float = CASE_SECONDS, wall: float = WALL_SECONDS) -> None:
        self.seconds, self.wall = seconds, wall
        self.fired = False
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def __enter__(self) -> "Watchdog":
        self._cpu0, self._wall0 = time.process_time(), time.monotonic()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.5 if self.fired else 0.05):
            if (time.process_time() - self._cpu0 > self.seconds
                    or time.monotonic() - self._wall0 > self.wall):
                with self._lock:
                    if self._stop.is_set():
                        return
                    self.fired = True
                    # KeyboardInterrupt: derivgen exits with 130; again every 0.5 s, as
                    # Python swallows one that lands in a gc callback or __del__
                    _thread.interrupt_main()

    def __exit__(self, *exc) -> bool:
        with self._lock:
            self._stop.set()
        self._thread.join()
        if self.fired:  # absorb our interrupt if it has not been delivered yet
            try:
                for _ in range(50):
                    time.sleep(0.01)
            except KeyboardInterrupt:
                pass
            return exc[0] is KeyboardInterrupt
        return False


def listing(folder: Path) -> frozenset[str]:
    return frozenset(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run_case(folder: Path, argv: list[str], files: Mapping[str, Union[str, bytes]]) -> Outcome:
    """Write ``files`` into the empty ``folder``, run ``derivgen argv`` there in-process."""
    from derivgen.cli import main
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    before = listing(folder.parent)
    # this process's temporary folders only: other processes on the machine make theirs
    pattern = f"derivgen-{os.getpid()}-*"
    temps = set(Path(tempfile.gettempdir()).glob(pattern))
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    old = os.getcwd()
    rc = None
    cpu0 = time.process_time()
    try:
        os.chdir(folder)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                Watchdog() as dog:
            try:
                rc = main(argv)
            except SystemExit as exc:
                rc = exc.code
    finally:
        os.chdir(old)
    cpu = time.process_time() - cpu0
    out.flush()
    new = listing(folder.parent) - before
    new |= {str(p) for p in set(Path(tempfile.gettempdir()).glob(pattern)) - temps}
    return Outcome(rc, out.buffer.getvalue().decode("utf-8", "replace"), err.getvalue(),
                   cpu, dog.fired, frozenset(new))


def check_promises(result: Outcome, folder: Path, output: str | None, label: str,
                   json_out: bool = False) -> None:
    """Assert every promise of the module docstring for one case."""
    where = f"{label}: exit {result.rc}; stderr {result.err[-600:]!r}"
    assert not result.timed_out, f"{label}: more than {CASE_SECONDS} s of CPU"
    assert result.rc in (0, 1, 2), where
    for text in (result.out, result.err):
        assert "Traceback" not in text and "internal error" not in text, where
    allowed = {f"{folder.name}/{output}"} if output else set()
    assert result.new_files <= allowed, f"{label}: wrote {sorted(result.new_files - allowed)}"
    if json_out and result.out.strip():
        def refuse(constant: str) -> None:
            raise AssertionError(f"{label}: bare {constant} in --json output")
        json.loads(result.out, parse_constant=refuse)


def record(category: str, outcome: str, seconds: float, label: str) -> None:
    """Append one case to the report file named by DERIVGEN_FUZZ_REPORT, if any."""
    path = os.environ.get("DERIVGEN_FUZZ_REPORT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"category": category, "outcome": outcome,
                             "seconds": round(seconds, 3), "label": label[:200]}) + "\n")
