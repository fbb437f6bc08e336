"""`derivgen check`: exit codes, the JSON report, and checks that really can fail."""
from __future__ import annotations

import json
import subprocess
import sys

import sympy as sp

import derivgen.cli as cli  # noqa: F401
from support.helpers import run_cli

from derivgen.engine import rules
from derivgen.ops.functions import Sigmoid

KEYS = {"spec", "item", "kind", "status", "document_value", "derived_value", "message",
        "expect", "note", "passed"}


run = run_cli


def test_all_bundled_specs_pass(capsys, root):
    code, out, err = run(capsys, "check", str(root / "specs"), "--json")
    assert code == 0, err
    items = json.loads(out)["items"]
    assert {i["spec"] for i in items} == {"mazur_2_2_2_sigmoid", "seed000_relu_1_3_1",
                                          "seed001_sigmoid_1_1_1",
                                          "seed001_sigmoid_1_2_1", "seed001_sigmoid_2_3_2",
                                          "seed002_relu_3_2_2_shared_bias",
                                          "seed003_softmax_ce_2layer", "seed004_linear_mse",
                                          "seed004_sigmoid_mse", "seed004_cubic_mse",
                                          "seed004_relu_mae", "seed004_tanh_leaky_mae"}
    assert all(set(i) == KEYS and i["passed"] for i in items)
    gradients = [i for i in items if i["kind"] == "gradient"]
    assert all(i["status"] == "ok" and "eps 1e-06" in i["message"] for i in gradients)
    # the documents' known errors stay visible in the report
    known = [i for i in items if i["status"] == "mismatch"]
    assert known and all(i["expect"] == "mismatch" and i["note"] for i in known)
    assert {i["kind"] for i in items} == {"gradient", "reference", "claim"}


def test_a_wrong_rule_makes_the_check_fail(capsys, root, monkeypatch):
    # σ' = σ instead of σ(1 − σ): the comparison must catch it and show both values
    monkeypatch.setitem(rules.DERIVATIVES, Sigmoid, lambda a, k: (Sigmoid(a[0]),))
    code, out, err = run(capsys, "check", str(root / "specs" / "seed001_sigmoid_1_1_1.yaml"))
    assert code == 1
    assert "FAILED" in out and "mismatch" in out
    assert "analytic" in out and "numeric" in out


def test_a_wrong_rule_is_a_mismatch_in_json(capsys, root, monkeypatch):
    monkeypatch.setitem(rules.DERIVATIVES, sp.tanh, lambda a, k: (1 + sp.tanh(a[0]) ** 2,))
    code, out, _ = run(capsys, "check", "--json",
                       str(root / "specs" / "seed004_tanh_leaky_mae.yaml"))
    assert code == 1
    status = {i["item"]: i["status"] for i in json.loads(out)["items"]}
    assert status["dL/dW_1"] == "mismatch" and status["dL/db_1"] == "mismatch"
    assert status["dL/dW_2"] == "ok" and status["dL/db_2"] == "ok"


AT_KINK = """
name: at_kink
model:
  inputs: [x]
  parameters: [w, c]
  equations:
    f: relu(w)*x + c*x
loss: half_sse
reduction: single
example: {x: [1.0], y: [3.0], params: {w: 0.0, c: 1.0}}
"""


def test_a_point_on_a_kink_is_reported_not_compared(capsys, tmp_path):
    spec = tmp_path / "at_kink.yaml"
    spec.write_text(AT_KINK)
    code, out, _ = run(capsys, "check", "--json", str(spec))
    items = {i["item"]: i for i in json.loads(out)["items"]}
    assert code == 0
    assert "not compared at a kink: the worked example" in items["dL/dw"]["message"]
    assert "kink" not in items["dL/dc"]["message"]


def test_console_entry_point_runs(root):
    proc = subprocess.run([sys.executable, "-m", "derivgen", "check",
                           str(root / "specs" / "seed004_cubic_mse.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "seed004_cubic_mse.yaml: ok" in proc.stdout
    assert "dL/dW" in proc.stdout and "rel err" in proc.stdout
