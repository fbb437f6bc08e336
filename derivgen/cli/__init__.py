"""The ``derivgen`` command: exit 0 all good, 1 a check failed, 2 unusable input.

One module per subcommand (:mod:`derivgen.cli.check`, :mod:`derivgen.cli.derive`);
this module builds the parser and turns exceptions into exit codes.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from derivgen.cli import check, derive, graph, train

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 70
#: subcommand name -> (module with add_arguments and run, one-line help)
COMMANDS = {
    "check": (check, "check gradients of specs against central differences"),
    "derive": (derive, "write the derivation as Markdown, LaTeX or PDF"),
    "train": (train, "gradient descent on a CSV data set with the derived gradients"),
    "graph": (graph, "draw the computation graph with values and gradients (graphviz)"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors are bad input too
        self.print_usage(sys.stderr)
        print(f"derivgen: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INPUT)


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    top = _Parser(prog="derivgen", description="Symbolic gradients for small networks.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (module, text) in COMMANDS.items():
        module.add_arguments(sub.add_parser(name, help=text))
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command][0].run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input; still no traceback for users
        print(f"derivgen: internal error: {type(exc).__name__}: {exc} "
              "(please report it with the spec)", file=sys.stderr)
        return EXIT_BUG
