"""Readings the audit gained in its second round, each on a small document of its own:
chain-rule Jacobian products, statements about another activation and their conditions,
generic parameters, functions overloaded by arity, LeakyReLU's slope argument, ℓ_i,
\\tilde names, and derivatives by a name the numerator does not use (refused)."""
from __future__ import annotations

from pathlib import Path

from support.helpers import ROOT

from derivgen.judge.audit.run import audit


def _verdicts(tmp_path: Path, body: str, spec: str | None = None, front: str = "") -> list:
    doc = tmp_path / "notes.md"
    doc.write_text((f"---\n{front}---\n" if front else "") + body, encoding="utf-8")
    report = audit(str(doc), str(ROOT / "specs" / spec) if spec else None)
    return [(i.line, i.verdict, i.message) for i in report.items]


def test_jacobian_chains(tmp_path) -> None:
    body = ("$$\\frac{\\partial L}{\\partial \\mathbf{o1}} = \\frac{\\partial L}{\\partial "
            "\\mathbf{s2}} \\times \\frac{\\partial \\mathbf{s2}}{\\partial \\mathbf{o1}}$$\n\n"
            "$$\\frac{\\partial L}{\\partial \\mathbf{w2}} = \\frac{\\partial \\mathbf{s2}}"
            "{\\partial \\mathbf{w2}} \\times \\frac{\\partial L}{\\partial \\mathbf{s2}}$$\n\n"
            "$$\\frac{\\partial L}{\\partial \\mathbf{x}} = \\frac{\\partial L}{\\partial "
            "\\mathbf{s2}} \\times \\frac{\\partial \\mathbf{s2}}{\\partial \\mathbf{o1}}$$\n\n"
            "$$\\frac{\\partial L}{\\partial \\mathbf{o1}} = "
            "\\frac{\\partial \\mathbf{s2}}{\\partial \\mathbf{o1}}$$\n")  # no gradient
    got = _verdicts(tmp_path, body, "seed003_softmax_ce_2layer.yaml")
    assert [v for _, v, _ in got] == ["ok", "ok", "wrong", "not judgeable"], got


def test_statement_about_relu_under_its_condition(tmp_path) -> None:
    body = ("For ReLU: $\\sigma(z) = \\max(0, z)$.\n\n"
            "For ReLU: $\\sigma'(z) = 1$ for $z > 0$.\n\n"
            "For ReLU: $\\sigma'(z) = 1$ always.\n\n"
            "For ReLU: $\\sigma'(z) = 0$ for $z > 0$.\n")
    got = _verdicts(tmp_path, body, "seed001_sigmoid_1_1_1.yaml")
    assert [v for _, v, _ in got] == ["ok", "ok", "wrong", "wrong"], got
    assert "where z > 0" in got[1][2] and "relu" in got[1][2]


def test_generic_parameter(tmp_path) -> None:
    front = "generic: [theta]\n"
    body = ("$$\\theta \\leftarrow \\theta - \\eta \\frac{\\partial L}{\\partial \\theta}$$\n\n"
            "$$\\theta \\leftarrow \\theta + \\eta \\frac{\\partial L}{\\partial \\theta}$$\n")
    spec = ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml"
    doc = tmp_path / "g.md"
    doc.write_text(body, encoding="utf-8")
    side = tmp_path / "side.yaml"
    side.write_text(f"parts:\n  - {{lines: [1, 9], spec: {spec}}}\n{front}", encoding="utf-8")
    items = audit(str(doc), str(side)).items
    assert [i.verdict for i in items] == ["ok", "wrong"]
    assert "for every parameter" in items[0].message and "theta = " in items[1].message


def test_overloads_leaky_slope_and_tilde(tmp_path) -> None:
    front = ("model:\n  inputs: [x]\n  parameters: [W_1, b_1, W_2, b_2]\n"
             "  equations: {m: W_1*x + b_1, k: W_2*tanh(m) + b_2, f: 'leaky_relu(k, 0.2)'}\n"
             "loss: mse\nreduction: mean\nreference:\n  where: {a: '0.2', s: '0.3'}\n"
             "  functions:\n    LeakyReLU: leaky_relu\n    M: f\n"
             "    Linear: ['Linear(W, b, x) = W x + b',\n"
             "             'Linear(V, c, U, d, x) = U \\tanh(V x + c) + d']\n")
    body = ("$$M(x) = LeakyReLU(Linear(W_1, b_1, W_2, b_2, x), a)$$\n\n"
            "$$M(x) = LeakyReLU(Linear(W_1, b_1, W_2, b_2, x), s)$$\n\n"
            "$$\\tilde{L} = 2 L$$\n")
    got = _verdicts(tmp_path, body, front=front)
    assert [v for _, v, _ in got[:2]] == ["ok", "wrong"], got
    assert got[2][1] != "wrong"  # \tilde{L} is not L: never 2L = L


def test_sample_loss_ell(tmp_path) -> None:
    body = ("$$\\frac{\\partial \\ell_n}{\\partial \\hat{y}_n} = \\hat{y}_n - y_n$$\n\n"
            "$$\\frac{\\partial \\ell_n}{\\partial \\hat{y}_n} = y_n - \\hat{y}_n$$\n")
    front = ("network: {inputs: 1, layers: [{units: 1, activation: sigmoid}]}\n"
             "loss: half_sse\nreduction: mean\n")
    got = _verdicts(tmp_path, body, front=front)
    assert [v for _, v, _ in got] == ["ok", "wrong"], got


def test_derivative_by_a_name_the_numerator_does_not_use_is_refused(tmp_path) -> None:
    front = ("model:\n  inputs: [x]\n  parameters: [w, c]\n  equations: {f: w*x + c}\n"
             "loss: mse\nreduction: mean\nreference: {sample_index: i}\n")
    # W_i is W of sample i in the numerator, the name W_i in the denominator: 0 = 0
    body = "$$\\frac{\\partial (W_i x + b_i)}{\\partial W_i} = \\frac{\\partial (W_i x)}{\\partial W_i}$$\n"
    got = _verdicts(tmp_path, body, front=front)
    assert got[0][1] != "ok", got


def test_partials_of_sample_inputs_and_bound_parameters_never_raise() -> None:
    """∂L/∂x_{j,n} (an input with the sample index, j free) and ∂L/∂v with v bound to a
    parameter: a value or an UnsupportedError (the item's verdict), never a KeyError."""
    import pytest

    from derivgen import load
    from derivgen.errors import UnsupportedError
    from derivgen.judge.mapping import Mapper
    from derivgen.reader.latex import parse_reference
    model = load(str(ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml"))
    bound = Mapper(model, {"v": "w_{111}"}, {}, "n", False)
    assert bound.map(parse_reference(r"\frac{\partial z_{11}}{\partial v}",
                                     sample_index="n").expr) == model.graph.inputs[0]
    plain = Mapper(model, {}, {}, "n", False)
    value = plain.map(parse_reference(r"\frac{\partial z_{11}}{\partial x_{1,n}}",
                                      sample_index="n").expr)
    assert str(value) == "w_111"
    with pytest.raises(UnsupportedError):
        plain.map(parse_reference(r"\frac{\partial L}{\partial x_{j,n}}", sample_index="n").expr)


def test_partial_by_a_where_name_of_one_sample() -> None:
    """∂ℓ_i/∂p_i with p bound to ŷ under ``where``: ŷ of sample i, resolved by the judge
    itself (the audit no longer rewrites ∂ names through ``where``)."""
    from derivgen import load
    from derivgen.judge.mapping import Mapper
    from derivgen.reader.latex import parse_reference
    model = load(str(ROOT / "specs" / "seed001_sigmoid_1_1_1.yaml"))
    mapper = Mapper(model, {"p": r"\hat{y}"}, {}, "i", False)
    via_p = mapper.map(parse_reference(r"\frac{\partial L_i}{\partial p_i}",
                                       sample_index="i").expr)
    direct = mapper.map(parse_reference(r"\frac{\partial L_i}{\partial \hat{y}_i}",
                                        sample_index="i").expr)
    assert via_p == direct and via_p != 0


def test_an_update_head_on_something_not_a_parameter(tmp_path) -> None:
    """x^{+} (x is data) is that item's verdict, with the same message as the judge's
    update rules; w_1^{+} of a parameter is judged as one gradient step."""
    body = ("$$x^{+} = x - \\eta \\frac{\\partial L}{\\partial x}$$\n\n"
            "$$w_1^{+} = w_1 - \\eta \\frac{\\partial L}{\\partial w_1}$$\n\n"
            "$$w_1^{+} = w_1 + \\eta \\frac{\\partial L}{\\partial w_1}$$\n")
    got = _verdicts(tmp_path, body, "seed001_sigmoid_1_1_1.yaml")
    assert [v for _, v, _ in got] == ["not judgeable", "ok", "wrong"], got
    assert got[0][2] == "the update rule assigns x, which is not a parameter"
