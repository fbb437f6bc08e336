"""Results as HTML tables for Jupyter: gradient checks, judged formulas and numbers.

Every row of ``derivgen check`` (a :class:`~derivgen.report.ReportItem`, or its
``--json`` dict: spec, item, kind, status, document_value, derived_value,
message, expect, note, passed) renders with :func:`items_html`; :class:`ItemRows`
is a list of such rows that Jupyter shows as that table.  Another report (the audit of a
whole document, say) can subclass :class:`ItemRows` or call :func:`items_html`
with its own ``columns``.  Every cell is escaped.
"""
from __future__ import annotations

import html
from typing import Any, Iterable, Mapping, Sequence

#: (key of a row, column heading) of the check-item table
ITEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("item", "item"), ("kind", "kind"), ("status", "status"), ("document_value", "document"),
    ("derived_value", "derived"), ("message", "message"), ("note", "note"))
STATUS_COLOURS = {"ok": "#e6f4ea", "mismatch": "#fce8e6", "error": "#fce8e6",
                  "kink": "#fef7e0", "not understood": "#fef7e0", "skipped": "#f1f3f4"}


def field(row: Any, key: str, default: Any = None) -> Any:
    """``row[key]`` of a dict, or the attribute of a record (a ReportItem)."""
    if isinstance(row, Mapping):
        return row.get(key, default)
    return getattr(row, key, default)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return html.escape(f"{value:.6g}")
    return html.escape(str(value))


def table_html(rows: Iterable[Any], columns: Sequence[tuple[str, str]],
               status_key: str = "status", caption: str | None = None) -> str:
    """A ``<table>`` of ``rows`` with the given (key, heading) columns; rows tinted by status."""
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = []
    for row in rows:
        colour = STATUS_COLOURS.get(str(field(row, status_key, "")).split(" ")[0], "")
        style = f' style="background:{colour}"' if colour else ""
        cells = "".join(f"<td>{_cell(field(row, key))}</td>" for key, _ in columns)
        body.append(f"<tr{style}>{cells}</tr>")
    top = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{top}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def items_html(rows: Sequence[Any], caption: str | None = None) -> str:
    """Check items (ReportItems or their JSON dicts) as a table, counting what passed."""
    rows = list(rows)
    failed = sum(1 for r in rows if not field(r, "passed", field(r, "status") == "ok"))
    known = sum(1 for r in rows if field(r, "status") == "mismatch" and field(r, "passed"))
    summary = (f"<p>{len(rows)} items: {len(rows) - failed} passed"
               + (f" ({known} known document errors)" if known else "")
               + (f", <b>{failed} failed</b>" if failed else "") + "</p>")
    return summary + table_html(rows, ITEM_COLUMNS, caption=caption)


class ItemRows(list):
    """A list of check items (ReportItems) that Jupyter displays as a table."""

    caption: str | None = None

    def _repr_html_(self) -> str:
        return items_html(self, self.caption)


def gradient_report_html(report: Any) -> str:
    """A :class:`~derivgen.verify.GradientReport` as a table, one row per parameter."""
    rows = [{"parameter": c.name, "status": c.status, "analytic": c.analytic,
             "numeric": c.numeric, "error": c.error, "points": c.points, "where": c.where,
             "kinks": ", ".join(c.kinks)} for c in report.checks]
    columns = [("parameter", "parameter"), ("status", "status"), ("analytic", "analytic"),
               ("numeric", "central difference"), ("error", "|a − n|"),
               ("points", "points"), ("where", "worst at"), ("kinks", "on a kink at")]
    verdict = "all gradients agree" if report.ok else "<b>some gradients disagree</b>"
    notes = "".join(f"<p>note: {html.escape(n)}</p>" for n in report.notes)
    return (f"<p>{html.escape(report.spec)}: {verdict} with central differences</p>"
            + table_html(rows, columns) + notes)
