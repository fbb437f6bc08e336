"""One test per cause of issue 11: nothing crashes, passes when wrong, or fails when right.

Each test states a formula as a document would, on a small network written here, and
checks the verdict; the wrong formulas are wrong by hand arithmetic stated next to them
or by the corpus oracle's networks (tests/test_judge_corpus.py).
"""
from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

import derivgen
from derivgen.judge import formulas as judge_formulas
from derivgen.judge.formulas import judge_formula, read_formulas
from support.helpers import run_cli

CE = """
name: cause_ce
network:
  inputs: 2
  layers:
    - {units: 2, activation: tanh}
    - {units: 3, activation: softmax}
  names: {output: "p_{k}"}
loss: cross_entropy
reduction: mean
"""
BCE = """
name: cause_bce
network:
  inputs: 2
  layers:
    - {units: 2, activation: sigmoid}
    - {units: 1, activation: sigmoid}
  names: {output: "a_2"}
loss: bce
reduction: mean
example:
  x: [[0.5, -1.0], [1.0, 2.0]]
  y: [[1.0], [0.0]]
  params: {w_111: 0.1, w_112: -0.2, w_121: 0.3, w_122: 0.4, b_11: 0.0, b_12: 0.1,
           w_21: 0.5, w_22: -0.5, b_2: 0.2}
  learning_rate: 0.5
"""


def _spec(base: str, formulas: list[dict], extra: str = "") -> str:
    lines = ["reference:", "  formulas:"]
    for f in formulas:
        lines.append("    - " + json.dumps(f))
    return textwrap.dedent(base) + extra + "\n".join(lines) + "\n"


def _verdicts(text: str) -> dict[str, list[str]]:
    model = derivgen.load(text)
    rng = np.random.default_rng(0)
    return {f.ident: [row[1] for row in judge_formula(f, rng, symbolic=False)]
            for f in read_formulas(model)}


# ---- 1. a wrong formula never crashes the run ------------------------------------------
def test_any_partial_is_defined_or_refused_and_the_run_goes_on(capsys, tmp_path):
    text = _spec(CE, [
        {"id": "w over L", "latex": r"\frac{\partial w_{211}}{\partial L} = 0"},
        {"id": "w over L wrong", "latex": r"\frac{\partial w_{211}}{\partial L} = "
                                          r"\frac{1}{N}\sum_n (p_{1,n} - y_{1,n}) h_{1,n}"},
        {"id": "a over f", "latex": r"\frac{\partial a}{\partial f_n} = 1"},
        {"id": "unreadable", "latex": r"\frac{\partial L}{\partial w_{211}} = \foo"},
        {"id": "sum", "latex": r"L = -\frac{1}{N} \sum_n \sum_k y_{k,n} \log p_{k,n}"},
        {"id": "no path", "latex": r"\frac{\partial h_1}{\partial z_{12}} = 0"},
        {"id": "along the graph", "latex": r"\frac{\partial p_1}{\partial w_{111}} = "
                                           r"\frac{\partial p_1}{\partial h_1} "
                                           r"\frac{\partial h_1}{\partial w_{111}}"},
        {"id": "along the graph wrong", "latex": r"\frac{\partial p_1}{\partial w_{111}} = "
                                                 r"\frac{\partial p_1}{\partial h_2} "
                                                 r"\frac{\partial h_1}{\partial w_{111}}"},
    ])
    path = tmp_path / "s.yaml"
    path.write_text(text)
    code, out, err = run_cli(capsys, "check", str(path), "--json")
    assert code == 1 and "internal error" not in err
    items = {i["item"]: i for i in json.loads(out)["items"] if i["kind"] == "reference"}
    assert items["w over L"]["status"] == "ok"  # a parameter does not depend on the loss
    assert items["w over L wrong"]["status"] == "mismatch"
    assert items["a over f"]["status"] == "error"
    assert "'a'" in items["a over f"]["message"] or "'f_n'" in items["a over f"]["message"]
    assert items["unreadable"]["status"] == "error"
    assert "s.yaml:" in items["unreadable"]["message"] and "\\foo" in items["unreadable"][
        "message"]
    assert items["sum"]["status"] == "ok"  # sums without limits no longer end the run
    assert items["no path"]["status"] == "ok"  # h_1 does not depend on z_12
    assert items["along the graph"]["status"] == "ok"
    assert items["along the graph wrong"]["status"] == "mismatch"


def test_an_internal_error_is_that_formula_s_verdict(capsys, tmp_path, monkeypatch):
    text = _spec(CE, [{"id": "boom", "latex": r"L = L"},
                      {"id": "fine", "latex": r"\frac{\partial L}{\partial b_{21}} = "
                                              r"\frac{1}{N}\sum_n (p_{1,n} - y_{1,n})"}])
    path = tmp_path / "s.yaml"
    path.write_text(text)
    real = judge_formulas.judge_scalar

    def judge(ref, values, *args, **kwargs):
        if str(ref.sides[-1]) == "L":
            raise KeyError("p_1")  # what the old judge raised; any bug is treated so
        return real(ref, values, *args, **kwargs)

    monkeypatch.setattr(judge_formulas, "judge_scalar", judge)
    code, out, _ = run_cli(capsys, "check", str(path), "--json")
    assert code == 1
    items = {i["item"]: i for i in json.loads(out)["items"]}
    assert items["boom"]["status"] == "error"
    assert items["boom"]["message"].startswith("internal error: KeyError")
    assert items["fine"]["status"] == "ok"


# ---- 2. the softmax slip, 3. derivatives with respect to the outputs --------------------
def test_softmax_slip_is_caught_with_the_whole_target_vector():
    got = _verdicts(_spec(CE, [
        {"id": "slip", "latex": r"\frac{\partial L}{\partial z_{2k}} = p_k - 1",
         "each": {"k": [1, 2, 3]}},
        {"id": "slip in sum", "latex": r"\frac{\partial L}{\partial b_{2k}} = "
                                       r"\frac{1}{N}\sum_n (p_{k,n} - 1)",
         "each": {"k": [1, 2, 3]}},
        {"id": "right", "latex": r"\frac{\partial L}{\partial b_{2k}} = "
                                 r"\frac{1}{N}\sum_n (p_{k,n} - y_{k,n})",
         "each": {"k": [1, 2, 3]}},
    ]))
    assert got == {"slip": ["mismatch"] * 3, "slip in sum": ["mismatch"] * 3,
                   "right": ["ok"] * 3}


def test_targets_are_independent_unless_the_loss_needs_the_simplex():
    ce, bce = derivgen.load(CE), derivgen.load(BCE)
    from derivgen.judge.mapping import Mapper
    import sympy as sp
    y1 = sp.IndexedBase("y_1")[1]
    groups = Mapper(ce, {}, {}).simplex([y1])
    assert [[str(a) for a in g] for g in groups] == [["y_1[1]", "y_2[1]", "y_3[1]"]]
    assert Mapper(bce, {}, {}).simplex([sp.IndexedBase("y")[1]]) == []


def test_derivatives_with_respect_to_outputs_are_the_written_loss_s():
    got = _verdicts(_spec(CE, [
        {"id": "dL/dp", "latex": r"\frac{\partial L_n}{\partial p_{k,n}} = "
                                 r"-\frac{y_{k,n}}{p_{k,n}}", "each": {"k": [1, 2]}},
        {"id": "zero", "latex": r"\frac{\partial L_n}{\partial p_{k,n}} = 0",
         "each": {"k": [1]}},
        {"id": "reduced", "latex": r"\frac{\partial L}{\partial p_{1,n}} = "
                                   r"-\frac{y_{1,n}}{N p_{1,n}}"},
    ]))
    assert got == {"dL/dp": ["ok", "ok"], "zero": ["mismatch"], "reduced": ["ok"]}
    got = _verdicts(_spec(BCE, [
        {"id": "dL/da", "latex": r"\frac{\partial L_n}{\partial a_{2,n}} = "
                                 r"\frac{a_{2,n} - y_n}{a_{2,n}(1 - a_{2,n})}"},
        {"id": "zero", "latex": r"\frac{\partial L_n}{\partial a_{2,n}} = 0"},
    ]))
    assert got == {"dL/da": ["ok"], "zero": ["mismatch"]}


def test_a_claim_of_a_derivative_by_the_output_under_bce():
    extra = "claims:\n  - {id: dL/da_2, of: dL/da_2, value: 0.6773}\n"
    model = derivgen.load(textwrap.dedent(BCE) + extra)
    from derivgen.judge.claims import check_claims
    [claim] = check_claims(model)
    # sample 1 (y = 1): z_11 = 0.25, z_12 = -0.15, a_2 = σ(0.5σ(0.25) − 0.5σ(−0.15) + 0.2);
    # ∂L/∂a_2 = (a − y)/(a(1 − a)) / N = −1/(2a)
    def s(v):
        return 1 / (1 + np.exp(-v))
    a = s(0.5 * s(0.25) - 0.5 * s(-0.15) + 0.2)
    assert claim.derived_value == pytest.approx(-1 / a / 2)
    assert claim.status == "mismatch" and "tolerance" in claim.message


# ---- 4. Leibniz d ------------------------------------------------------------------------
def test_leibniz_d_is_a_derivative_and_a_wrong_chain_with_d_is_caught():
    got = _verdicts(_spec(CE, [
        {"id": "right", "latex": r"\frac{dL}{dw_{211}} = \frac{1}{N} \sum_n "
                                 r"\frac{dL_n}{dz_{21,n}} \frac{dz_{21,n}}{dw_{211}}"},
        {"id": "wrong", "latex": r"\frac{dL}{dw_{211}} = \frac{1}{N} \sum_n "
                                 r"\frac{dL_n}{dz_{21,n}} \frac{dz_{22,n}}{dw_{211}}"},
    ]))
    assert got == {"right": ["ok"], "wrong": ["mismatch"]}


def test_d_is_a_variable_when_the_spec_binds_d():
    text = """
    name: cause_d
    model:
      inputs: [x]
      parameters: [d, c]
      equations: {f: d*c*x + c}
    loss: half_sse
    reduction: single
    """
    # d is a parameter here: dc/dx is the ratio (d c)/(d x) = c/x, so f = c x d + c holds;
    # read as a derivative (0) it would not
    got = _verdicts(_spec(text, [{"id": "ratio", "latex": r"f = \frac{dc}{dx} x^2 d + c"}]))
    assert got == {"ratio": ["ok"]}
    leibniz = text.replace("[d, c]", "[e_1, c]").replace("d*c*x", "e_1*c*x")
    got = _verdicts(_spec(leibniz, [{"id": "derivative", "latex": r"f = \frac{dc}{dx} x^2 + c"}]))
    assert got == {"derivative": ["mismatch"]}  # ∂c/∂x = 0 there


# ---- 5. the sample an index names --------------------------------------------------------
def test_a_sample_index_resolves_to_its_sample():
    got = _verdicts(_spec(BCE, [
        {"id": "inside the sum", "latex": r"\frac{\partial L}{\partial w_{21}} = \sum_n "
                                          r"\frac{\partial L}{\partial a_{2,n}} "
                                          r"a_{2,n}(1 - a_{2,n}) h_{1,n}"},
        {"id": "sample 1 for n", "latex": r"\frac{\partial L_n}{\partial z_{2,n}} = "
                                          r"a_2^{(1)} - y^{(1)}"},
        {"id": "sample n", "latex": r"\frac{\partial L_n}{\partial z_{2,n}} = "
                                    r"a_2^{(n)} - y^{(n)}"},
    ]))
    assert got == {"inside the sum": ["ok"], "sample 1 for n": ["mismatch"],
                   "sample n": ["ok"]}


# ---- 6. a one-unit output bound as a matrix ----------------------------------------------
def test_a_one_unit_output_is_one_column():
    extra = ("reference:\n  matrices: {layout: rows, X: inputs, Y: targets, "
             "P: {nodes: a_2}, W: {group: W_2}}\n")
    text = textwrap.dedent(BCE) + extra + "  formulas:\n" + "\n".join(
        "    - " + json.dumps(f) for f in [
            {"id": "db", "form": "matrix",
             "latex": r"\frac{\partial L}{\partial b_2} = \frac{1}{N} \mathbf{1}^T (P - Y)"},
            {"id": "db no N", "form": "matrix",
             "latex": r"\frac{\partial L}{\partial b_2} = \mathbf{1}^T (P - Y)"}]) + "\n"
    assert _verdicts(text) == {"db": ["ok"], "db no N": ["mismatch"]}


# ---- 7. notations that were refused: read, or refused saying how -------------------------
def test_refused_notations_are_read_and_judged():
    got = _verdicts(_spec(CE, [
        {"id": "tanh^2", "latex": r"\frac{\partial h_{1,n}}{\partial z_{11,n}} = "
                                  r"1 - \tanh^2(z_{11,n})"},
        {"id": "sum_n", "latex": r"\frac{\partial L}{\partial b_{21}} = "
                                 r"\frac{1}{N}\sum_n (p_{1,n} - y_{1,n})"},
        {"id": "bare sum", "latex": r"\frac{\partial L}{\partial b_{21}} = "
                                    r"\frac{1}{N}\sum (p_{1,n} - y_{1,n})"},
        {"id": "partial_w", "latex": r"\partial_{b_{21}} L = \frac{1}{N}\sum_n "
                                     r"(p_{1,n} - y_{1,n})"},
        {"id": "kronecker", "latex": r"\frac{\partial p_{k,n}}{\partial z_{2j,n}} = "
                                     r"p_{k,n}(\delta_{kj} - p_{j,n})",
         "each": {"k": [1, 2], "j": [2]}},
        {"id": "sample first", "latex": r"\frac{\partial L}{\partial b_{21}} = "
                                        r"\frac{1}{N}\sum_n (p_{n1} - y_{n1})"},
        {"id": "sigma^2", "latex": r"\frac{\partial h_{1,n}}{\partial z_{11,n}} = "
                                   r"1 - \sigma^2(z_{11,n})"},
    ]))
    assert got == {"tanh^2": ["ok"], "sum_n": ["ok"], "bare sum": ["ok"],
                   "partial_w": ["ok"], "kronecker": ["ok", "ok"], "sample first": ["ok"],
                   "sigma^2": ["mismatch"]}  # the hidden layer is tanh, not σ


def test_multi_letter_names_need_declaring():
    formulas = [{"id": "net", "latex": r"\frac{\partial net_{h1}}{\partial w_{111}} = x_1"}]
    model = derivgen.load(_spec(CE, formulas))
    [row] = judge_formula(read_formulas(model)[0], np.random.default_rng(0))
    assert row[1] == "error" and "'net' (in net_h1) is not a known name" in row[3]
    assert "where" in row[3]
    declared = _spec(CE, formulas, extra="")
    declared = declared.replace("reference:\n", "reference:\n  where: {net_h1: 'z_{11}'}\n")
    assert _verdicts(declared) == {"net": ["ok"]}


# ---- 8. conditions -----------------------------------------------------------------------
def test_when_conditions():
    got = _verdicts(_spec(BCE, [
        {"id": "y = 0", "latex": r"L_n = -\log(1 - a_{2,n})", "when": "y_n = 0"},
        {"id": "y = 1 wrong", "latex": r"L_n = -\log(1 - a_{2,n})", "when": "y_n = 1"},
        {"id": "z > 0", "latex": r"\frac{\partial L_n}{\partial z_{2,n}} = a_{2,n} - 1",
         "when": ["y_n = 1", "z_{2,n} > 0"]},
        {"id": "no condition", "latex": r"L_n = -\log(1 - a_{2,n})"},
    ]))
    assert got == {"y = 0": ["ok"], "y = 1 wrong": ["mismatch"], "z > 0": ["ok"],
                   "no condition": ["mismatch"]}
    got = _verdicts(_spec(BCE, [{"id": "node set", "latex": r"L_n = 1",
                                 "when": "z_{2,n} = 0"}]))
    assert got == {"node set": ["error"]}


# ---- 9. claims ---------------------------------------------------------------------------
def test_claim_mismatches_show_enough_digits_and_the_tolerance():
    from derivgen.judge.claims import check_claims
    model = derivgen.load(textwrap.dedent(BCE))
    exact = float(model.loss_fn()(*model.example_arrays()))
    near = round(exact, 5) + 3e-5  # off by 3 units in the 5th decimal
    # quoted, as YAML would read 0.64180 as the number 0.6418 and lose the last digit
    text = textwrap.dedent(BCE) + f"claims:\n  - {{id: L, of: L, value: '{near:.5f}'}}\n"
    [claim] = check_claims(derivgen.load(text))
    assert claim.status == "mismatch"
    engine = claim.message.split("engine ")[1].split(" ")[0]
    printed = claim.message.split("printed ")[1].split(":")[0]
    assert engine != printed and float(printed) == pytest.approx(near)
    assert "tolerance ±5e-06" in claim.message


def test_a_claim_after_one_update_step():
    from derivgen.judge.claims import check_claims
    model = derivgen.load(textwrap.dedent(BCE))
    params, x, y = model.example_arrays()
    grads = model.gradient_fn()(params, x, y)
    after = {k: v - 0.5 * float(grads[k]) for k, v in params.items()}
    loss = float(model.loss_fn()(after, x, y))
    text = textwrap.dedent(BCE) + (f"claims:\n  - {{id: L+, of: L, steps: 1, value: {loss:.6f}}}"
                                   f"\n  - {{id: L0, of: L, steps: 0, value: {loss:.6f}}}\n")
    claims = check_claims(derivgen.load(text))
    assert [c.status for c in claims] == ["ok", "mismatch"]
    assert "after 1 step at rate 0.5" in claims[0].message


def test_a_claim_that_cannot_be_evaluated_is_its_own_error():
    from derivgen.judge.claims import check_claims
    text = textwrap.dedent(BCE) + ("claims:\n  - {id: bad, of: 'q_7 + 1', value: 1.0}\n"
                                   "  - {id: good, of: b_2, value: 0.2}\n")
    bad, good = check_claims(derivgen.load(text))
    assert bad.status == "error" and "q_7" in bad.message and "<spec>:" in bad.message
    assert good.status == "ok"


def test_a_reader_bug_is_that_formula_s_error(monkeypatch):
    from derivgen.judge import formulas as module
    real = module.parse_reference

    def parse(text, **kwargs):
        if "boom" in text:
            raise AttributeError("a bug")
        return real(text, **kwargs)

    monkeypatch.setattr(module, "parse_reference", parse)
    got = _verdicts(_spec(CE, [{"id": "boom", "latex": r"L = \text{boom}"},
                               {"id": "fine", "latex": r"\frac{\partial L}{\partial b_{21}} = "
                                                       r"\frac{1}{N}\sum_n (p_{1,n} - y_{1,n})"}]))
    assert got == {"boom": ["error"], "fine": ["ok"]}


def test_a_formula_that_compares_nothing_is_not_ok():
    got = _verdicts(_spec(CE, [{"id": "no relation", "latex": r"p_1 - y_1"}]))
    assert got == {"no relation": ["error"]}
