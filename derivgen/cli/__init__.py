"""The ``derivgen`` command: exit 0 all good, 1 a check failed, 2 unusable input.

One module per subcommand (:mod:`derivgen.cli.check`, :mod:`derivgen.cli.derive`);
this module builds the parser and turns exceptions into exit codes: 130 after
Ctrl-C, 128 + N after signal N (SIGTERM, SIGHUP), 141 when the reader of
stdout went away, 70 for a bug (never a traceback).
"""
from __future__ import annotations

import argparse
import gc
import importlib
import re
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import Iterator, Sequence

from derivgen import __version__
from derivgen.cli.guard import (EXIT_BUG, EXIT_FAIL, EXIT_INPUT, EXIT_INTERRUPTED,  # noqa: F401
                                 EXIT_OK, Terminated, guarded, internal_error,
                                 quiet_broken_pipe)
from derivgen.errors import DerivgenError
from derivgen.limits import MAX_ECHO, clip
#: subcommand name -> (its module, with add_arguments and run; one-line help).  Modules are
#: imported when their command runs: `derive` need not load the judge, lark or matplotlib.
COMMANDS = {
    "check": ("derivgen.cli.check", "check gradients of specs against central differences"),
    "derive": ("derivgen.cli.derive", "write the derivation as Markdown, LaTeX or PDF"),
    "train": ("derivgen.cli.train",
              "gradient descent on a CSV data set with the derived gradients"),
    "graph": ("derivgen.cli.graph",
              "draw the computation graph with values and gradients (graphviz)"),
    "codegen": ("derivgen.cli.codegen",
                "write a standalone loss and gradient module (numpy, numba, jax, torch)"),
    "audit": ("derivgen.cli.audit", "judge the math of Markdown or LaTeX notes, line by line"),
}


def command(name: str) -> ModuleType:
    """The module of subcommand ``name``."""
    return importlib.import_module(COMMANDS[name][0])


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors are bad input too
        self.print_usage(sys.stderr)
        message = re.sub(r"\S{%d,}" % (MAX_ECHO + 1), lambda m: clip(m.group()), message)
        print(f"derivgen: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, the options of that subcommand alone are added
    (the others are listed with their help, unimported)."""
    top = _Parser(prog="derivgen", description="Symbolic gradients for small networks.")
    top.add_argument("--version", action="version", version=f"derivgen {__version__}")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (_, text) in COMMANDS.items():
        child = sub.add_parser(name, help=text)
        if only is None or name == only:
            command(name).add_arguments(child)
    return top


@contextmanager
def _importing() -> Iterator[None]:
    """Import with the cyclic garbage collector paused, then freeze what was imported.

    Importing SymPy and a subcommand makes about a million long-lived objects and no
    garbage; the collector would walk them again and again while they are made, and
    in every full collection afterwards (a sixth of a cold ``derivgen derive``).
    Frozen, they are left out of later collections; garbage made afterwards is
    collected as usual.  Done once per process, before SymPy is first imported.
    """
    if "sympy" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    try:
        with guarded():  # the command's modules load in here: a Ctrl-C then is quiet too
            with _importing():
                top = parser(chosen if chosen in COMMANDS else None)
            args = top.parse_args(argv)
            code = command(args.command).run(args)
            sys.stdout.flush()  # here, where a closed pipe is still caught below
            return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated as stop:
        return stop.exit_code
    except BrokenPipeError:
        return quiet_broken_pipe()
    except DerivgenError as exc:  # unusable input a command did not report itself
        print(f"derivgen: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a bug, not bad input; still no traceback for users
        try:
            print(f"derivgen: {internal_error(exc)}", file=sys.stderr)
        except OSError:
            pass
        return EXIT_BUG
