"""``--annotate OUT``: the document, byte for byte, with a mark after each piece of math
(✓ all its items ok, ✗ one is wrong, ? none judged) and, under each wrong display, the
value or formula derivgen derives, in an HTML comment (Markdown) or a ``%`` comment (LaTeX)
line so that the copy renders like the original."""
from __future__ import annotations

from derivgen.judge.audit.judge import OK, WRONG
from derivgen.judge.audit.run import DocumentReport


def annotate(report: DocumentReport) -> str:
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
        if tex:
            inserts.append((end_of_line, f" % {mark}"))
        elif piece.display:
            inserts.append((end_of_line, f"\n{mark}"))
        else:
            inserts.append((piece.end, f" {mark}"))
        if wrong and piece.display:
            lines = []
            for item in wrong:
                fix = item.correct or item.derived_value
                lines.append(f"line {item.line}: {item.latex[:80]} -- derivgen: {fix}")
            body = "\n".join(lines).replace("--", "—")
            block = ("\n<!-- derivgen audit ✗\n" + body + "\n-->") if not tex else \
                "".join(f"\n% derivgen audit ✗ {ln}" for ln in lines)
            inserts.append((end_of_line, block))
    out, last = [], 0
    for at, addition in sorted(inserts, key=lambda p: p[0]):
        out.append(text[last:at])
        out.append(addition)
        last = at
    out.append(text[last:])
    return "".join(out)
