"""``derivgen audit``: judge the math of Markdown or LaTeX documents, line by line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derivgen.cli.guard import EXIT_FAIL, EXIT_INPUT, EXIT_OK, write_stdout
from derivgen.errors import DerivgenError, SpecError
from derivgen.files import write_atomic



def add_arguments(audit: argparse.ArgumentParser) -> None:
    """The options of ``derivgen audit``."""
    audit.add_argument("documents", nargs="+", metavar="DOC",
                       help=".md, .markdown, .txt (Markdown) or .tex (LaTeX) files")
    audit.add_argument("--spec", metavar="SPEC", default=None,
                       help="a sidecar spec (the keys of a spec file, plus parts and expect); "
                            "its keys win over the front matter's")
    audit.add_argument("--format", choices=("text", "json", "github"), default="text")
    audit.add_argument("--json", dest="format", action="store_const", const="json",
                       help="the same as --format json")
    audit.add_argument("--annotate", metavar="OUT", default=None,
                       help="write a copy of the (single) document with ✓/✗ marks")
    audit.add_argument("--verbose", action="store_true", help="list the ok items too (text)")
    audit.add_argument("--seed", type=int, default=0, help="seed of the random points")


def run(args: argparse.Namespace) -> int:
    """0 nothing wrong, 1 an item is wrong (or an expected error is gone), 2 unusable input."""
    from derivgen.judge.audit.annotate import annotate
    from derivgen.judge.audit.report import github_report, json_report, text_report
    from derivgen.judge.audit.run import audit
    if args.annotate and len(args.documents) != 1:
        print("derivgen: --annotate takes exactly one document", file=sys.stderr)
        return EXIT_INPUT
    reports = []
    for doc in args.documents:
        try:
            reports.append(audit(doc, args.spec, seed=args.seed))
        except DerivgenError as exc:
            where = "" if isinstance(exc, SpecError) else f"{doc}: "
            print(f"derivgen: {where}{exc}", file=sys.stderr)
            return EXIT_INPUT
    out = {"text": lambda r: text_report(r, args.verbose), "json": json_report,
           "github": github_report}[args.format](reports)
    write_stdout(out)
    if args.annotate:
        target = Path(args.annotate)
        if target.resolve() == Path(args.documents[0]).resolve():
            print("derivgen: --annotate would overwrite the document", file=sys.stderr)
            return EXIT_INPUT
        # no folder or a full disk: the files module's OutputError, exit 2 in cli.main
        write_atomic(target, annotate(reports[0]))
    return EXIT_FAIL if any(r.failed for r in reports) else EXIT_OK
