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
    from derivgen.judge.audit.annotate import insertions
    from derivgen.judge.audit.run import audit
    out = tmp_path / "a.md"
    main(["audit", str(DOC), "--annotate", str(out)])
    original, copy = DOC.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    added = sorted(insertions(audit(str(DOC))), key=lambda p: p[0])
    assert added and len(copy) == len(original) + sum(len(t) for _, t in added)
    # the copy is the original with exactly these additions at these offsets
    rebuilt, at = [], 0
    for offset, addition in added:
        rebuilt += [original[at:offset], addition]
        at = offset
    assert "".join(rebuilt + [original[at:]]) == copy
    # every addition is a mark or a visible correction, never a comment
    assert all(t.strip() in ("✓", "✗", "✓?", "?") or t.lstrip("\n").startswith("> ✗")
               for _, t in added)
    assert "<!--" not in copy.replace(original, "") and "\n> ✗ **derivgen audit**" in copy


def test_annotate_prints_the_correction_in_the_documents_names(tmp_path) -> None:
    out = tmp_path / "m.md"
    doc = DOC.parent / "mazur_222_sigmoid.md"
    main(["audit", str(doc), "--annotate", str(out)])
    corrections = [ln for ln in out.read_text(encoding="utf-8").splitlines()
                   if ln.startswith("> ✗")]
    assert any("line 92" in ln and "$out_{h1}$" in ln for ln in corrections)
    assert any("out_{o1}" in ln and "w_{5}" in ln for ln in corrections)
    assert not any("z_{11}" in ln or "w_{211}" in ln or "Sigmoid" in ln for ln in corrections)


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
