"""The audit's reports: text (root causes first), JSON, GitHub workflow commands."""
from __future__ import annotations

import json
from typing import Any

from derivgen.judge.audit.judge import NOT_JUDGEABLE, NOT_UNDERSTOOD, OK, WRONG
from derivgen.judge.audit.run import DocumentReport, Item


def _section(report: DocumentReport, line: int) -> str:
    title = ""
    for at, text in report.source.headings:
        if at <= line:
            title = text
    return title


def _where(report: DocumentReport, item: Item) -> str:
    return f"{report.path}:{item.line}:{item.column}"


def _describe(item: Item) -> str:
    text = f"{item.verdict}: {item.latex[:120]} -- {item.message}"
    if item.root_cause_line is not None:
        text += f" [inherited from line {item.root_cause_line}]"
    if item.expected:
        text += f" [expected: {item.note}]"
    return text


def text_report(reports: list[DocumentReport], verbose: bool = False) -> str:
    """``file:line:col: verdict: message``: root causes first, then every item by section,
    then a summary per document."""
    out: list[str] = []
    for rep in reports:
        wrong = [i for i in rep.items if i.verdict == WRONG]
        roots = [i for i in wrong if i.root_cause_line is None]
        out.append(f"== {rep.path}")
        if roots:
            out.append("root causes:")
            for item in roots:
                inherited = sum(1 for i in wrong if i.root_cause_line == item.line)
                tail = f" ({inherited} later item(s) inherit it)" if inherited else ""
                out.append(f"{_where(rep, item)}: {_describe(item)}{tail}")
        inherited = [i for i in wrong if i.root_cause_line is not None]
        if inherited:
            out.append("inherited errors:")
            out.extend(f"{_where(rep, i)}: {_describe(i)}" for i in inherited)
        for line, note in rep.stale:
            out.append(f"{rep.path}:{line}:1: stale expectation: nothing on this line comes out "
                       f"wrong any more ({note})")
        section = None
        shown = [i for i in rep.items if verbose or i.verdict != OK]
        if shown:
            out.append("all items:" if verbose else "items not ok:")
        for item in shown:
            title = _section(rep, item.line)
            if title != section:
                section = title
                out.append(f"  [{title or 'top'}]")
            out.append(f"  {_where(rep, item)}: {_describe(item)}")
        s = rep.summary()
        out.append(f"summary: {s['items']} items: {s[OK]} ok, {s[WRONG]} wrong "
                   f"({s['expected_wrong']} expected), {s[NOT_UNDERSTOOD]} not understood, "
                   f"{s[NOT_JUDGEABLE]} not judgeable; coverage {s['coverage']:.1%}")
    return "\n".join(out) + "\n"


def json_report(reports: list[DocumentReport]) -> str:
    """``{"documents": [{"path", "items": [...], "summary"}]}``."""
    data: dict[str, Any] = {"documents": [
        {"path": rep.path, "items": [i.as_json() for i in rep.items],
         "stale_expectations": [{"line": ln, "note": note} for ln, note in rep.stale],
         "summary": rep.summary()} for rep in reports]}
    return json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_report(reports: list[DocumentReport]) -> str:
    """Workflow commands: ``::error`` for unexpected wrong items and stale expectations,
    ``::notice`` for expected ones, ``::warning`` for items not judged."""
    out: list[str] = []
    for rep in reports:
        for item in rep.items:
            if item.verdict == OK:
                continue
            level = "error" if item.verdict == WRONG and not item.expected else \
                "notice" if item.verdict == WRONG else "warning"
            title = "derivgen audit: " + item.verdict
            out.append(f"::{level} file={rep.path},line={item.line},col={item.column},"
                       f"title={title}::{_escape(_describe(item))}")
        for line, note in rep.stale:
            out.append(f"::error file={rep.path},line={line},title=derivgen audit: stale "
                       f"expectation::{_escape('nothing on this line is wrong any more: ' + note)}")
        s = rep.summary()
        out.append(f"::notice file={rep.path}::{s['items']} items, {s[WRONG]} wrong, "
                   f"coverage {s['coverage']:.1%}")
    return "\n".join(out) + "\n"
