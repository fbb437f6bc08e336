"""``python -m derivgen`` and the ``derivgen`` console script.

Nothing heavy is imported before the ``try``: a Ctrl-C while SymPy and NumPy
load ends the program with exit code 130 and no traceback.
"""
import sys


def run() -> None:
    """Start the command line: exit 130 on Ctrl-C, even during start-up."""
    try:
        from derivgen.cli import main
        code = main()
    except KeyboardInterrupt:  # before main() took over the signals
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    run()
