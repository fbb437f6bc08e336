"""``--annotate OUT``: the document, byte for byte, with a mark after each piece of math
(✓ all its items ok, ✗ one is wrong, ✓? some judged, ? none judged) and, under each wrong
one, the correct value or formula in the document's notation, visible in the rendered
copy: a quoted paragraph of its own in Markdown, ``%`` comment lines in LaTeX (where a
visible line would change the typeset document).  Nothing else is added or changed:
:func:`insertions` lists every addition with its offset, and removing them gives the
original back."""
from __future__ import annotations

from derivgen.judge.audit.judge import OK, WRONG
from derivgen.judge.audit.run import DocumentReport


def _fix(item) -> str:
    """The correction of a wrong item: a formula as inline math, a value as printed."""
    fix = item.correct if item.correct is not None else item.derived_value
    text = str(fix).replace("\n", " ").strip()
    return f"${text}$" if item.kind == "formula" and "$" not in text else text


def insertions(report: DocumentReport) -> list[tuple[int, str]]:
    """(offset, text) of every addition, in the order they are made."""
    text = report.source.text
    tex = report.path.lower().endswith(".tex")
    by_piece: dict[int, list] = {}
    for item in report.items:
        if item.link is not None:
            by_piece.setdefault(item.link.piece, []).append(item)
    inserts: list[tuple[int, str]] = []
    for index, piece in enumerate(report.source.pieces):
        items = by_piece.get(index)
        if not items:
            continue
        wrong = [i for i in items if i.verdict == WRONG]
        mark = "✗" if wrong else "✓" if all(i.verdict == OK for i in items) else \
            "✓?" if any(i.verdict == OK for i in items) else "?"
        end_of_line = text.find("\n", piece.end)
        end_of_line = len(text) if end_of_line < 0 else end_of_line
        line_start = text.rfind("\n", 0, piece.offsets[0] if piece.offsets else 0) + 1
        in_table = text[line_start:end_of_line].lstrip().startswith("|")
        if tex:
            inserts.append((end_of_line, f" % {mark}"))
        elif piece.display:
            inserts.append((end_of_line, f"\n{mark}"))
        else:
            inserts.append((piece.end, f" {mark}"))
        if not wrong:
            continue
        lines = [f"line {i.line}, {i.latex[:60].strip()}: derivgen gives {_fix(i)}"
                 for i in wrong]
        if tex:
            inserts.append((end_of_line, "".join(f"\n% derivgen audit ✗ {ln}"
                                                  for ln in lines)))
        elif not in_table:  # a paragraph of its own: a table row cannot take one
            inserts.append((end_of_line, "\n\n" + "\n".join(
                f"> ✗ **derivgen audit**, {ln}" + ("  " if k < len(lines) - 1 else "")
                for k, ln in enumerate(lines)) + "\n"))
    return inserts


def annotate(report: DocumentReport) -> str:
    """The annotated copy of the document."""
    text = report.source.text
    out, last = [], 0
    for at, addition in sorted(insertions(report), key=lambda p: p[0]):
        out.append(text[last:at])
        out.append(addition)
        last = at
    out.append(text[last:])
    return "".join(out)
