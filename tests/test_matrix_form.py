"""Matrix form: each rule against the scalar calculus, whole networks against autograd,
the scalar form and hand-written NumPy, stability, kinks and width-independence."""
from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
import sympy as sp
import yaml
from autograd import grad
from hypothesis import HealthCheck, given, settings
from sympy import HadamardPower, HadamardProduct, MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose

import derivgen
from derivgen.ops.functions import LeakyRelu, LogSumExp, Relu, Sigmoid
from derivgen.ops.matexpr import BatchLoss, Softmax, Total, apply
from derivgen.engine.matrules import vjp
from derivgen.ops.losses import LOSSES, explicit_loss
from derivgen.engine.rules import local_diff
from test_autograd_oracle import HIDDEN, SQUARED, _layer_yaml, logsumexp, networks, sigmoid

RNG = np.random.default_rng(7)


# ---------------------------------------------------------------------------
# Each rule, expanded at concrete sizes, against the scalar derivative
# ---------------------------------------------------------------------------
def _scalarised(m):
    """Entries of a concrete matrix expression, with A[i, j] renamed to symbols A_i_j."""
    explicit = m.as_explicit() if m.is_Matrix else sp.Matrix([[m]])
    return explicit


def _numeric(expr, values):
    expr = expr.xreplace(values)
    expr = expr.replace(lambda e: isinstance(e, LogSumExp),
                        lambda e: sp.log(sp.Add(*(sp.exp(a) for a in e.args))))
    return float(sp.N(expr))


def _entries(*mats):
    """A value for every entry of the given matrix symbols, and symbols standing for them."""
    values, symbols = {}, {}
    for m in mats:
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                symbols[m[i, j]] = sp.Symbol(f"{m.name}_{i}_{j}", real=True)
                values[symbols[m[i, j]]] = sp.Float(RNG.normal() + (0.3 if RNG.random() < .5 else -0.3))
    return values, symbols


A = MatrixSymbol("A", 2, 3)
B = MatrixSymbol("B", 3, 2)
C = MatrixSymbol("C", 2, 3)
Y = MatrixSymbol("Y", 2, 3)
RULE_CASES = {
    "matmul":        (MatMul(A, B), [A, B]),
    "matmul_scaled": (MatMul(sp.Rational(3, 2), A, B), [A, B]),
    "transpose":     (MatMul(Transpose(B), Transpose(A)), [A, B]),
    "matadd":        (MatAdd(A, C, MatMul(-1, C)), [A, C]),
    "hadamard":      (HadamardProduct(A, C), [A, C]),
    "hadamard_power": (HadamardPower(A, 3), [A]),
    "relu":          (apply(Relu, A), [A]),
    "leaky_relu":    (apply(lambda u: LeakyRelu(u, sp.Rational(1, 10)), A), [A]),
    "sigmoid":       (apply(Sigmoid, A), [A]),
    "tanh":          (apply(sp.tanh, A), [A]),
    "softmax_rows":  (Softmax(A, 1), [A]),
    "softmax_cols":  (Softmax(A, 0), [A]),
    "bias_rows":     (MatAdd(A, MatMul(OneMatrix(2, 1), Transpose(MatrixSymbol("b", 3, 1)))),
                      [A, MatrixSymbol("b", 3, 1)]),
    "bias_cols":     (MatAdd(A, MatMul(MatrixSymbol("c", 2, 1), OneMatrix(1, 3))),
                      [A, MatrixSymbol("c", 2, 1)]),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_rule_matches_scalar_derivative_entry_by_entry(case):
    """φ = Σ G ⊙ f(…): the rule's ∂φ/∂A equals local_diff of the expanded φ, per entry."""
    expr, args = RULE_CASES[case]
    G = MatrixSymbol("G", *expr.shape)
    values, symbols = _entries(G, *args)
    phi = sp.Add(*(G[i, j] * expr.as_explicit()[i, j]
                   for i in range(expr.shape[0]) for j in range(expr.shape[1]))).xreplace(symbols)
    got = {}
    def walk(e, g):
        if e in args:
            got[e] = got[e] + g if e in got else g
            return
        if isinstance(e, (MatrixSymbol, OneMatrix)) or not e.free_symbols & set(args):
            return
        for sub, g_sub in vjp(e, g, sp.Integer(0)):
            walk(sub, g_sub)
    walk(expr, G)
    assert set(got) == set(args)
    for m in args:
        rule = got[m].as_explicit().xreplace(symbols)
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                expected = local_diff(phi, symbols[m[i, j]])
                a, b = _numeric(rule[i, j], values), _numeric(expected, values)
                assert abs(a - b) <= 1e-12 * (1 + abs(b)), (case, m, i, j, a, b)


@pytest.mark.parametrize("kind", sorted(LOSSES))
@pytest.mark.parametrize("axis", [0, 1])
def test_loss_rule_matches_scalar_derivative(kind, axis):
    Z = MatrixSymbol("Z", 2, 3)
    values, symbols = _entries(Z, Y)
    loss = BatchLoss(kind, Z, Y, axis)
    phi = explicit_loss(loss).xreplace(symbols)
    (arg, g), = vjp(loss, sp.Integer(1), sp.Integer(0))
    rule = g.as_explicit().xreplace(symbols)
    for i in range(2):
        for j in range(3):
            a, b = _numeric(rule[i, j], values), _numeric(local_diff(phi, symbols[Z[i, j]]),
                                                          values)
            assert abs(a - b) <= 1e-12 * (1 + abs(b)), (kind, axis, i, j, a, b)


def test_total_and_l2_rule():
    (arg, g), = vjp(Total(HadamardPower(A, 2)), sp.Integer(3), sp.Integer(0))
    (base, g2), = vjp(arg, g, sp.Integer(0))
    values, symbols = _entries(A)
    for i in range(2):
        for j in range(3):
            assert _numeric(g2.as_explicit()[i, j].xreplace(symbols), values) == pytest.approx(
                6 * float(values[symbols[A[i, j]]]), rel=1e-14)


# ---------------------------------------------------------------------------
# Whole networks: matrix form = scalar form = autograd
# ---------------------------------------------------------------------------
def _matrix_spec(net, layout):
    inputs, hidden, acts, outputs, out_act, loss, biases, reduction, seed = net
    layers = [_layer_yaml(u, a, b) for u, a, b in zip(hidden, acts, biases)]
    layers.append(_layer_yaml(outputs, out_act, biases[-1]))
    return yaml.safe_dump({"name": "random", "network": {
        "inputs": inputs, "layers": layers, "form": "matrix", "layout": layout},
        "loss": loss, "reduction": reduction})


def _oracle(model, net, x, y):
    """The loss of array parameters, in autograd.numpy (rows: X W + b)."""
    inputs, hidden, acts, outputs, out_act, loss, biases, reduction, seed = net
    columns = model.graph.layout == "columns"

    def loss_of(params):
        h = x
        for l, act in enumerate(list(acts) + [None]):
            W = params[f"W_{l + 1}"]
            z = anp.dot(h, W.T if columns else W)
            if biases[l] != "none":
                z = z + params[f"b_{l + 1}"]
            if act is not None:
                h = HIDDEN[act](z)
        if loss == "cross_entropy":
            per = -anp.sum(y * (z - logsumexp(z, axis=1, keepdims=True)), axis=1)
        elif loss == "bce":
            per = -anp.sum(y * -anp.logaddexp(0.0, -z) + (1 - y) * -anp.logaddexp(0.0, z), 1)
        else:
            f = {"identity": z, "sigmoid": sigmoid(z), "tanh": anp.tanh(z),
                 "relu": anp.maximum(z, 0.0)}[out_act]
            per = SQUARED[loss](f, y)
        return anp.mean(per) if reduction == "mean" else anp.sum(per)
    return loss_of


def _data(model, loss, rng, n=5):
    x = rng.normal(size=(n, model.input_size))
    c = model.output_size
    y = (np.eye(c)[rng.integers(0, c, size=n)] if loss == "cross_entropy"
         else rng.uniform(size=(n, c)) if loss == "bce" else rng.normal(size=(n, c)))
    return x, y


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_random_matrix_network_matches_autograd_and_scalar_form(net):
    layout = "columns" if net[-1] % 2 else "rows"
    model = derivgen.load(_matrix_spec(net, layout))
    rng = np.random.default_rng(net[-1])
    x, y = _data(model, net[5], rng)
    params = model.random_params(rng, scaled=False)
    got = model.gradient_fn()(params, x, y)
    expected = grad(_oracle(model, net, x, y))(params)
    assert model.loss_fn()(params, x, y) == pytest.approx(
        float(_oracle(model, net, x, y)(params)), rel=1e-10, abs=1e-12)
    scalar = model.scalar.gradient_fn()(params, x, y)
    groups = model.scalar.graph.groups
    for name, value in got.items():
        assert value.shape == np.shape(params[name])
        np.testing.assert_allclose(value, expected[name], rtol=1e-9, atol=1e-12)
        members = np.array(groups.get(name, name), dtype=object)
        twin = np.vectorize(lambda m: scalar[m], otypes=[float])(members)
        np.testing.assert_allclose(value, twin.reshape(value.shape), rtol=1e-9, atol=1e-12)


SEED_NETS = {  # (inputs, hidden, acts, outputs, out_act, loss, biases, reduction, seed)
    "seed003_softmax_ce_2layer": (2, [3], ["relu"], 3, "softmax", "cross_entropy",
                                  ["neuron", "neuron"], "sum", 3),
    "seed002_relu_3_2_2_shared_bias": (3, [2], ["relu"], 2, "relu", "half_sse",
                                       ["shared", "shared"], "single", 2),
}


@pytest.mark.parametrize("name", sorted(SEED_NETS))
def test_seed_specs_in_matrix_form_match_autograd(name):
    net = SEED_NETS[name]
    model = derivgen.load(f"specs/{name}.yaml", form="matrix")
    rng = np.random.default_rng(net[-1])
    for _ in range(5):
        x, y = _data(model, net[5], rng, n=1 if net[7] == "single" else 6)
        params = model.random_params(rng)
        names = {str(layer.weight): f"W_{i + 1}" for i, layer in enumerate(model.graph.layers)}
        names.update({str(layer.bias): f"b_{i + 1}" for i, layer in enumerate(model.graph.layers)})
        oracle = _oracle(model, net, x, y)
        expected = grad(lambda p: oracle({names[k]: v for k, v in p.items()}))(params)
        got = model.gradient_fn()(params, x, y)
        for k in model.parameters:
            np.testing.assert_allclose(got[k], expected[k], rtol=1e-9, atol=1e-12)
    assert derivgen.check_gradients(model).ok


def _hand_backprop(p, x, y):
    """Textbook backprop of a ReLU/softmax/cross-entropy MLP, loss averaged over N."""
    n = x.shape[0]
    s1 = x @ p["W_1"] + p["b_1"]
    o1 = np.maximum(s1, 0.0)
    s2 = o1 @ p["W_2"] + p["b_2"]
    e = np.exp(s2 - s2.max(axis=1, keepdims=True))
    d2 = (e / e.sum(axis=1, keepdims=True) - y) / n
    d1 = (d2 @ p["W_2"].T) * (s1 > 0)
    return {"W_1": x.T @ d1, "b_1": d1.sum(axis=0), "W_2": o1.T @ d2, "b_2": d2.sum(axis=0),
            "x": d1 @ p["W_1"].T}


def test_784_128_10_equals_hand_written_backprop():
    model = derivgen.mlp([784, 128, 10], hidden="relu", output="softmax",
                         loss="cross_entropy", form="matrix")
    assert model.parameter_shapes == {"W_1": (784, 128), "b_1": (128,), "W_2": (128, 10),
                                      "b_2": (10,)}
    rng = np.random.default_rng(0)
    params = model.initial_params(1)
    x = rng.normal(size=(64, 784))
    y = np.eye(10)[rng.integers(0, 10, size=64)]
    got = model.gradient_fn()(params, x, y)
    hand = _hand_backprop(params, x, y)
    for name in model.parameters:
        np.testing.assert_allclose(got[name], hand[name], rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.input_gradient_fn()(params, x, y), hand["x"], atol=1e-10)


def test_code_is_matrix_code_and_the_same_at_every_width():
    small = derivgen.mlp([3, 4, 2], hidden="relu", output="softmax", loss="cross_entropy",
                         form="matrix")
    big = derivgen.mlp([784, 256, 10], hidden="relu", output="softmax", loss="cross_entropy",
                       form="matrix")
    assert small.source("gradient") == big.source("gradient")
    code = small.source("gradient")
    sums = code.count("numpy.dot(ones_n, ")  # the bias gradients: GEMVs with ones
    assert sums == 2 and ".sum(axis=0)" not in code
    assert code.count("numpy.dot(") - sums == 5  # forward 2, backward 3 GEMMs
    assert "[:, " not in big.source("gradient")  # no per-entry code


@pytest.mark.parametrize("layout", ["rows", "columns"])
@pytest.mark.parametrize("head", [("softmax", "cross_entropy"), ("sigmoid", "bce"),
                                  ("sigmoid", "half_sse"), ("tanh", "mse")])
def test_inputs_of_1000_give_finite_gradients(layout, head):
    model = derivgen.mlp([3, 5, 4], hidden="sigmoid", output=head[0], loss=head[1],
                         form="matrix", layout=layout)
    params = model.initial_params(0)
    params["W_1"] = params["W_1"] * 50
    x = np.array([[1000.0, -1000.0, 1000.0], [-1000.0, 1000.0, -1000.0]])
    y = np.eye(4)[[0, 3]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is fine
        grads = model.gradient_fn()(params, x, y)
        dx = model.input_gradient_fn()(params, x, y)
        loss = model.loss_fn()(params, x, y)
    assert np.isfinite(loss) and np.isfinite(dx).all()
    assert all(np.isfinite(g).all() for g in grads.values())


@pytest.mark.parametrize("at0", [0, 1])
def test_relu_derivative_at_zero_is_the_chosen_subgradient(at0):
    model = derivgen.mlp([1, 1, 1], hidden="relu", output="identity", loss="half_sse",
                         form="matrix", reduction="sum", subgradient=at0)
    params = {"W_1": np.array([[1.0]]), "b_1": np.array([0.0]),
              "W_2": np.array([[2.0]]), "b_2": np.array([0.0])}
    grads = model.gradient_fn()(params, np.array([[0.0]]), np.array([[1.0]]))
    # z_1 = 0 exactly: ∂L/∂b_1 = (ŷ − y)·W_2·ReLU'(0) = −2·at0
    assert grads["b_1"][0] == -2.0 * at0


def test_l2_penalty_adds_two_lambda_w():
    plain = derivgen.mlp([2, 3, 2], hidden="tanh", loss="half_sse", form="matrix")
    both = derivgen.mlp([2, 3, 2], hidden="tanh", loss="half_sse", form="matrix", l2=0.25)
    named = derivgen.mlp([2, 3, 2], hidden="tanh", loss="half_sse", form="matrix",
                         l2={"W_2": 0.25})
    rng = np.random.default_rng(3)
    params = plain.initial_params(2)
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    g0, g1, g2 = (m.gradient_fn()(params, x, y) for m in (plain, both, named))
    np.testing.assert_allclose(g1["W_1"] - g0["W_1"], 0.5 * params["W_1"], atol=1e-12)
    np.testing.assert_allclose(g1["W_2"] - g0["W_2"], 0.5 * params["W_2"], atol=1e-12)
    np.testing.assert_allclose(g2["W_1"], g0["W_1"], atol=1e-15)
    np.testing.assert_allclose(g1["b_1"], g0["b_1"], atol=1e-15)
    assert both.loss_fn()(params, x, y) - plain.loss_fn()(params, x, y) == pytest.approx(
        0.25 * (np.sum(params["W_1"] ** 2) + np.sum(params["W_2"] ** 2)), rel=1e-12)
    assert derivgen.check_gradients(both).ok


def test_cross_entropy_adjoint_is_p_minus_y():
    model = derivgen.mlp([2, 3, 3], hidden="relu", output="softmax", loss="cross_entropy",
                         form="matrix", reduction="sum")
    g = model.graph
    logits = g.layers[-1].pre
    assert model.derivation.adjoints[logits] == MatAdd(g.layers[-1].post, MatMul(-1, g.y))


def test_ones_vectors_are_shared_read_only_and_bounded():
    from derivgen.ops import runtime
    first = runtime.ones(7)
    assert first is runtime.ones(7) and first.shape == (7,) and np.all(first == 1.0)
    with pytest.raises(ValueError):
        first[0] = 2.0  # shared between calls: a write would corrupt every later sum
    for k in range(1000, 1200):
        runtime.ones(k)
    assert len(runtime._ONES) <= 64
