"""The characters a spec's ``name:`` may hold: what every output can print.

The name becomes the title of the derivation (Markdown and LaTeX, in English
and Russian) and, made safe, a PDF's default file name.  Allowed are printable
ASCII, the Latin letters of Latin-1 and Latin Extended-A that pdflatex's
OT1/T2A fonts can set, and the Cyrillic letters of T2A; one line of at most
:data:`MAX_TITLE` characters.  ``tests/test_fuzz_render.py`` compiles every one of
them with pdflatex in both languages.
"""
from __future__ import annotations

MAX_TITLE = 120
#: letters in the ranges below that OT1 or T2A cannot set (checked with pdflatex)
_UNSET = frozenset("ÐÞðþĄąĘęĦħĮįĸĿŀŉŊŋŦŧŲųſ")


def is_cyrillic(ch: str) -> bool:
    """A letter of the T2A (Cyrillic) font encoding."""
    return "\u0400" <= ch <= "\u045f"


def allowed(ch: str) -> bool:
    """Whether ``ch`` may appear in a spec's name."""
    if " " <= ch <= "~":
        return True
    code = ord(ch)
    return ch.isalpha() and ch not in _UNSET and (0xC0 <= code <= 0x17F or is_cyrillic(ch))


def title_problem(text: str) -> tuple[int, str] | None:
    """(0-based index, complaint) of the first thing wrong with a name, or None."""
    if not text.strip():
        return 0, "the name is empty"
    for i, ch in enumerate(text):
        if not allowed(ch):
            shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
            return i, (f"character {shown} is not allowed in a name; use one line of "
                       "printable ASCII, Latin or Cyrillic letters")
    if len(text) > MAX_TITLE:
        return MAX_TITLE, f"the name is longer than {MAX_TITLE} characters"
    return None


def safe_title(text: str) -> str:
    """``text`` with every character a name may not hold replaced by ``_`` (file names)."""
    cleaned = "".join(ch if allowed(ch) else "_" for ch in text)[:MAX_TITLE]
    return cleaned if cleaned.strip() else "spec"
