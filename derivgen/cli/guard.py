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

from derivgen.errors import DerivgenError
from derivgen.limits import clip

#: exit codes of every subcommand: all good, a check failed, unusable input, a bug
EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 70
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


def write_stdout(data: str | bytes) -> None:
    """``data`` on stdout (text as UTF-8).  A stdout that cannot be written (a full disk
    behind it) is said so; a closed pipe is left to :func:`quiet_broken_pipe`."""
    try:
        sys.stdout.buffer.write(data.encode("utf-8") if isinstance(data, str) else data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise DerivgenError(f"cannot write to standard output: {exc.strerror}") from None


def internal_error(exc: BaseException) -> str:
    """The one message of a bug: what broke, never a traceback."""
    return (f"internal error: {type(exc).__name__}: {clip(exc, 300)} "
            "(please report it with the spec)")
