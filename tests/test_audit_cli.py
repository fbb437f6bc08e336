"""``derivgen audit``: exit codes, the JSON shape, GitHub commands, --annotate."""
from __future__ import annotations

import json
from pathlib import Path

from derivgen.cli import main

DOC = Path(__file__).parent / "corpus" / "audit" / "leibniz_tanh_111.md"


def test_json_shape_and_exit_code(capsys) -> None:
    assert main(["audit", str(DOC), "--json"]) == 1  # the document has planted errors
    data = json.loads(capsys.readouterr().out)
    [doc] = data["documents"]
    keys = {"line", "column", "latex", "kind", "verdict", "message", "document_value",
            "derived_value", "root_cause_line", "expected", "note"}
    assert all(set(i) == keys for i in doc["items"])
    wrong = [i for i in doc["items"] if i["verdict"] == "wrong"]
    assert {i["line"] for i in wrong} >= {39, 60, 70, 89}
    assert any(i["root_cause_line"] == 60 for i in wrong)
    assert doc["summary"]["items"] == len(doc["items"])


def test_expected_errors_give_exit_0_and_stale_ones_exit_1(tmp_path, capsys) -> None:
    side = tmp_path / "side.yaml"
    lines = [39, 60, 70, 83, 89]
    side.write_text("expect:\n" + "".join(f"  - {{line: {n}, note: known}}\n" for n in lines))
    assert main(["audit", str(DOC), "--spec", str(side), "--json"]) == 0
    side.write_text("expect:\n  - {line: 30, note: not an error}\n" +
                    "".join(f"  - {{line: {n}, note: known}}\n" for n in lines))
    assert main(["audit", str(DOC), "--spec", str(side), "--json"]) == 1
    last = json.loads(capsys.readouterr().out.rsplit("\n{\n", 1)[-1].join(["{\n", ""]))
    assert last["documents"][0]["stale_expectations"][0]["line"] == 30


def test_annotate_changes_nothing_but_marks(tmp_path, capsys) -> None:
    out = tmp_path / "a.md"
    main(["audit", str(DOC), "--annotate", str(out)])
    original, copy = DOC.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    import re
    stripped = re.sub(r"\n<!-- derivgen audit ✗\n.*?\n-->", "", copy, flags=re.S)
    stripped = re.sub(r" (✓\?|✓|✗|\?)(?=[^\n]*)|\n(✓\?|✓|✗|\?)(?=\n|$)", "", stripped)
    assert stripped == original
    assert "✗" in copy and "derivgen:" in copy


def test_github_format(capsys) -> None:
    main(["audit", str(DOC), "--format", "github"])
    out = capsys.readouterr().out
    assert f"::error file={DOC},line=39," in out


def test_bad_input_exit_2(tmp_path, capsys) -> None:
    assert main(["audit", str(tmp_path / "missing.md")]) == 2
    bad = tmp_path / "bad.md"
    bad.write_text("---\nnetwork: [1\n---\n$x = 1$\n")
    assert main(["audit", str(bad)]) == 2
    assert "bad.md:2" in capsys.readouterr().err
    assert main(["audit", str(tmp_path / "x.pdf")]) == 2
