"""Write the compiled templates into the package: ``python -m derivgen.render.compile_templates``.

Run it after editing a template (tests/test_precompiled.py says when it is due);
see :mod:`derivgen.render.precompiled`.
"""
from __future__ import annotations

import sys

from derivgen.render.document import source_environment, template_dirs
from derivgen.render.precompiled import FOLDER, write


def main() -> int:
    """Compile every template of the package into ``derivgen/render/compiled``."""
    templates = template_dirs()[0]
    write(source_environment(), templates)
    print(f"compiled {len(list(templates.glob('*.j2')))} templates into {FOLDER}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
