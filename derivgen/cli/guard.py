"""How a derivgen process ends: on signals, on a closed pipe, and on float overflow.

Every subcommand runs inside :func:`guarded`.  SIGTERM and SIGHUP raise
:class:`Terminated`, so that ``finally`` blocks still run: a PDF build kills
its pdflatex and removes its temporary folder, and a file being written is
never left half-done.  A reader that goes away (``derivgen check … | head``)
ends the run quietly with 141, the status of a process killed by SIGPIPE.
NumPy's overflow warnings (RuntimeWarning) are silenced without importing NumPy:
a non-finite number is reported as such by the check that meets it, never as a
warning on stderr.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import warnings
from typing import Iterator

EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE
#: signals that end a run with cleanup (SIGINT raises KeyboardInterrupt already)
_CLEANUP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                         if hasattr(signal, name))


class Terminated(BaseException):
    """A termination signal arrived; ``finally`` blocks run on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Termination signals become :class:`Terminated`; float warnings are silenced.

    The previous handlers come back afterwards, so ``main()`` can run inside
    another program (the tests call it in-process).
    """
    saved = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _CLEANUP_SIGNALS:
            saved[signum] = signal.signal(signum, _raise)
    try:
        with warnings.catch_warnings():  # NumPy's overflow warnings (loaded later, if at all)
            warnings.simplefilter("ignore", RuntimeWarning)
            yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def quiet_broken_pipe() -> int:
    """After a reader closed stdout: point stdout at /dev/null so that the final flush
    cannot fail again, and return the exit code of a SIGPIPE."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout replaced by something without a descriptor
        pass
    return EXIT_BROKEN_PIPE
