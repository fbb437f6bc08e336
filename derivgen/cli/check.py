"""``derivgen check``: gradients against central differences, and the documents' formulas."""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Sequence

from derivgen.cli.guard import EXIT_FAIL, EXIT_INPUT, EXIT_OK, internal_error
from derivgen.errors import DerivgenError
from derivgen.limits import MAX_DIGITS, clip
from derivgen.report import ReportItem
from derivgen.model.load import load
from derivgen.verify import ATOL, EPS, RTOL, check_gradients



def add_arguments(check: argparse.ArgumentParser) -> None:
    """The options of ``derivgen check``."""
    check.add_argument("specs", nargs="+", help="spec files or directories of .yaml specs")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--form", choices=("scalar", "matrix"), default=None,
                       help="check the gradients of this form instead of the spec's")
    check.add_argument("--points", type=_count(1, 1000), default=3,
                       help="random points per spec (1-1000)")
    check.add_argument("--seed", type=_count(0, 2 ** 32 - 1), default=0,
                       help="seed of the random points")


def _count(low: int, high: int):
    """An argparse type: a whole number in [low, high]."""
    def parse(text: str) -> int:
        shown = clip(text)  # a 5,000-digit value is not echoed in full
        if len(text.strip()) > MAX_DIGITS:
            raise argparse.ArgumentTypeError(f"{shown} is not between {low} and {high}")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{shown} is not between {low} and {high}")
        return value
    return parse


def _spec_paths(targets: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for target in targets:
        p = Path(target)
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not found:
                paths.append(p)  # reported as unusable below
            paths.extend(found)
        else:
            paths.append(p)
    return paths


def run(args: argparse.Namespace) -> int:
    """Check every spec; 0 all passed, 1 something disagreed, 2 a spec was unusable."""
    items: list[ReportItem] = []
    status = EXIT_OK
    for path in _spec_paths(args.specs):
        try:
            if path.is_dir():
                raise DerivgenError(f"{path}: no .yaml specs in this directory")
            model = load(path, form=args.form)
            report = check_gradients(model, points=args.points, seed=args.seed)
            # a document's formulas are per unit: judged on the scalar form of the network
            has_documents = any(k in model.spec.extra for k in ("reference", "claims"))
            documents = []
            if has_documents:  # the judge (and lark) load only for specs that need them
                from derivgen.judge.formulas import check_documents
                documents = check_documents(model.scalar, seed=args.seed)
        except DerivgenError as exc:
            print(f"derivgen: {exc}", file=sys.stderr)
            items.append(ReportItem(str(path), "spec", "input", "error", str(exc)))
            status = EXIT_INPUT
            continue
        except Exception as exc:  # a bug of derivgen: this spec's error item; the run goes on
            message = internal_error(exc)
            print(f"derivgen: {path}: {message}", file=sys.stderr)
            items.append(ReportItem(str(path), "spec", "input", "error", message))
            status = max(status, EXIT_FAIL)
            continue
        rows = report.items() + documents
        items.extend(rows)
        if not all(row.passed for row in rows) and status == EXIT_OK:
            status = EXIT_FAIL
        if not args.json:
            _print_report(path, report)
            _print_documents(documents)
    if args.json:
        print(json.dumps(finite_json({"items": [i.as_json() for i in items]}), indent=2,
                         allow_nan=False))
    return status


def finite_json(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None: JSON has no NaN or Infinity.

    The item's ``status`` ("non-finite") and ``message`` say what the number was.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # NumPy scalars
        return finite_json(value.item())
    return value


def _print_report(path: Path, report) -> None:
    verdict = "ok" if report.ok else "FAILED"
    print(f"{path}: {verdict} — {len(report.checks)} gradients vs central differences "
          f"(float64, eps {EPS:g}, pass if |a-n| <= {ATOL:g} + {RTOL:g}*max(|a|,|n|))")
    for c in report.checks:
        if c.status == "non-finite":
            print(f"  {c.status:8} dL/d{c.name:<12} {c.message()}")
            continue
        rel = c.error / max(abs(c.analytic), abs(c.numeric), 1e-300)
        line = f"  {c.status:8} dL/d{c.name:<12} rel err {rel:.1e}"
        if c.status != "ok":
            line += f"  analytic {c.analytic:.10g}  numeric {c.numeric:.10g}  at {c.where}"
        print(line)
    for note in report.notes:
        print(f"  note: {note}")


def _print_documents(rows: list[ReportItem]) -> None:
    if not rows:
        return
    wrong = sum(row.status == "mismatch" for row in rows)
    print(f"  document: {len(rows)} formulas and numbers, {wrong} disagree with derivgen")
    for row in rows:
        verdict = row.status if row.passed else f"{row.status} (UNEXPECTED)"
        if row.status == "mismatch" and row.passed:
            verdict = "mismatch (known document error)"
        line = f"  {row.kind:9} {row.item:<28} {verdict}"
        if row.status != "ok" or not row.passed:
            line += f"\n            {row.message}"
            if row.note:
                line += f"\n            note: {row.note}"
        print(line)
