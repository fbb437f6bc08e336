"""The five seed documents, unchanged, with the sidecars in audits/: every known error
(listed under ``expect:``) comes out wrong on its line, nothing else comes out wrong.

The five together are slow (about twenty seconds): set DERIVGEN_AUDIT_SEEDS=1 to run them;
two seeds' acceptance commands always run.
"""
from __future__ import annotations

import os

import pytest
from support.helpers import ROOT, SEED_DOCUMENTS

from derivgen.judge.audit.run import audit

SEEDS = SEED_DOCUMENTS

slow = pytest.mark.skipif(not os.environ.get("DERIVGEN_AUDIT_SEEDS"),
                          reason="set DERIVGEN_AUDIT_SEEDS=1 (slow)")


@slow
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


def _acceptance(number: int, capsys) -> dict:
    """The issue's acceptance command, ``derivgen audit SEED --spec audits/seedN.yaml
    --format json``, run in-process; its JSON document."""
    import json

    from derivgen.cli import main
    docs = sorted(SEEDS.glob(f"{number:03d}_*.txt"))
    if not docs:
        pytest.skip("seed documents not found")
    code = main(["audit", str(docs[0]), "--spec", str(ROOT / "audits" / f"seed{number:03d}.yaml"),
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0  # every wrong item is a known error, every known error came out wrong
    return out["documents"][0]


def _expected_lines(number: int) -> set[int]:
    import yaml
    data = yaml.safe_load((ROOT / "audits" / f"seed{number:03d}.yaml").read_text("utf-8"))
    return {int(e["line"]) for e in data.get("expect", [])}


@pytest.mark.parametrize("number", [2, 3])
def test_seed_acceptance_fast(number: int, capsys) -> None:
    """Always runs (seconds): two seeds' acceptance commands, their known errors on their
    lines, nothing else wrong, and the coverage they reach today."""
    doc = _acceptance(number, capsys)
    items = doc["items"]
    wrong = {i["line"] for i in items if i["verdict"] == "wrong"}
    assert wrong == _expected_lines(number)
    assert all(i["expected"] for i in items if i["verdict"] == "wrong")
    judged = sum(i["verdict"] in ("ok", "wrong") for i in items)
    assert judged / len(items) >= {2: 0.94, 3: 0.87}[number]


@slow
def test_seeds_total_coverage(capsys) -> None:
    """At least 90 % of all items of the five seeds are judged (ok or wrong)."""
    judged = total = 0
    for number in range(5):
        items = _acceptance(number, capsys)["items"]
        judged += sum(i["verdict"] in ("ok", "wrong") for i in items)
        total += len(items)
    with capsys.disabled():
        print(f"\nseeds: {judged}/{total} judged ({judged / total:.1%})")
    assert judged / total >= 0.90
