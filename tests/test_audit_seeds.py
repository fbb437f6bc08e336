"""The five seed documents, unchanged, with the sidecars in audits/: every known error
(listed under ``expect:``) comes out wrong on its line, nothing else comes out wrong.

Slow (a minute or more): set DERIVGEN_AUDIT_SEEDS=1 to run it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from derivgen.judge.audit.run import audit

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent.parent / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = ROOT / ".." / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not os.environ.get("DERIVGEN_AUDIT_SEEDS"),
                                reason="set DERIVGEN_AUDIT_SEEDS=1 (slow)")


@pytest.mark.parametrize("number", range(5))
def test_seed(number: int, capsys) -> None:
    docs = sorted(SEEDS.glob(f"{number:03d}_*.txt"))
    if not docs:
        pytest.skip("seed documents not found")
    report = audit(str(docs[0]), str(ROOT / "audits" / f"seed{number:03d}.yaml"))
    summary = report.summary()
    with capsys.disabled():
        print(f"\nseed {number:03d}: coverage {summary['coverage']:.1%} {summary}")
    assert summary["unexpected_wrong"] == 0
    assert report.stale == []
