"""Plain text from specs (a spec's name) made safe for Markdown and for LaTeX.

Formulas are printed by the LaTeX printers; this module handles the few
strings that are prose: they must print as written, never as markup.
"""
from __future__ import annotations

import html
import re

from derivgen.spec.title import is_cyrillic

_TEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%",
                 "&": r"\&", "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
#: characters Markdown (CommonMark, GitHub) may read as markup inside a line of text;
#: "_" only at the edge of a word (snake_case stays as it is), "<", ">", "&" become entities
_MD_SPECIALS = re.compile(r"([\\`*\[\]|~$#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def tex_text(text: object, breaks: bool = False) -> str:
    """Text for a LaTeX paragraph or title: specials escaped, Cyrillic set in T2A, and with
    ``breaks`` a possible line break after each "_" (long spec names).

    The English preamble loads T2A next to OT1 when the text has Cyrillic, so a Russian
    name prints in an English document too.
    """
    out, run = [], []
    for ch in str(text):
        if is_cyrillic(ch):
            run.append(ch)
            continue
        if run:
            out.append(r"{\fontencoding{T2A}\selectfont " + "".join(run) + "}")
            run = []
        out.append(_TEX_SPECIALS.get(ch, ch) + (r"\allowbreak{}" if breaks and ch == "_" else ""))
    if run:
        out.append(r"{\fontencoding{T2A}\selectfont " + "".join(run) + "}")
    return "".join(out)


def md_text(text: object) -> str:
    """Text for a Markdown paragraph or heading: markup characters escaped, HTML inert."""
    return html.escape(_MD_SPECIALS.sub(r"\\\1", str(text)), quote=False)


def md_code(text: object) -> str:
    """Text as a Markdown code span, whatever backticks it holds."""
    text = str(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
