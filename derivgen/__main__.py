"""``python -m derivgen``: the command line."""
import sys

from derivgen.cli import main

sys.exit(main())
