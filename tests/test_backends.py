"""The gradient backends agree: lean NumPy (per unit and matrix inside), numba, auto.

Correctness only; speed is measured in bench/.  The per-unit NumPy code is the
reference the other paths are compared with, and it is itself checked against
autograd in test_autograd_oracle.py; here it is also checked against central
differences of the loss.  Kernels compile into a folder of the test session
(conftest.py), on tiny networks, so that compiling stays a few seconds a model.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp

import derivgen
from derivgen.engine.rules import local_diff, local_partials
from derivgen.errors import UnsupportedError
from derivgen.model import backends
from support.backends import batch, needs_numba, per_unit_gradient
from support.helpers import ROOT


SPECS = ["seed000_relu_1_3_1", "seed001_sigmoid_2_3_2", "seed002_relu_3_2_2_shared_bias",
         "seed003_softmax_ce_2layer", "seed004_cubic_mse", "seed004_tanh_leaky_mae"]
MLPS = [  # every activation and loss, both ReLU'(0) conventions, every reduction
    dict(sizes=[2, 3, 1], hidden="softplus", output="sigmoid", loss="bce", reduction="sum"),
    dict(sizes=[3, 4, 2], hidden="leaky_relu", output="identity", loss="mse", subgradient=1),
    dict(sizes=[1, 2, 2, 1], hidden="tanh", output="identity", loss="sse", reduction="mean"),
    dict(sizes=[2, 2, 3], hidden="relu", output="softmax", loss="cross_entropy", bias="shared"),
    dict(sizes=[2, 3, 2], hidden="sigmoid", output="identity", loss="mae", bias="none"),
]


def models():
    out = [(name, derivgen.load(ROOT / "specs" / f"{name}.yaml")) for name in SPECS]
    out += [(f"mlp{i}", derivgen.mlp(**kw)) for i, kw in enumerate(MLPS)]
    # activations of whole expressions (printed templates must bracket them)
    out.append(("compound_arguments",
                derivgen.load(ROOT / "tests" / "corpus" / "codegen" / "compound_arguments.yaml")))
    return out


MODELS = models()


def close(a: dict, b: dict, rtol: float = 1e-10) -> None:
    assert a.keys() == b.keys()
    scale = max(max(float(np.max(np.abs(v))) for v in b.values()), 1e-300)
    for k in b:
        assert np.allclose(a[k], b[k], rtol=rtol, atol=rtol * scale), k


# ---------------------------------------------------------------- linear derivation
@pytest.mark.parametrize("name,model", MODELS[:6], ids=[n for n, _ in MODELS[:6]])
def test_one_pass_partials_equal_one_diff_per_input(name, model):
    g = model.graph
    wanted = frozenset((*g.nodes, *g.params, *g.inputs))
    for node in g.nodes.values():
        partials = local_partials(node.expr, wanted, g.at0)
        for child in node.expr.free_symbols & wanted:
            expected = local_diff(node.expr, child, g.at0)
            assert sp.expand(partials.get(child, 0) - expected) == 0, (node.symbol, child)


def test_one_pass_partials_of_a_wide_unit_and_of_powers():
    ws, hs = sp.symbols("w0:40", real=True), sp.symbols("h0:40", real=True)
    z = sp.Add(*(w * h for w, h in zip(ws, hs)))
    got = local_partials(z, frozenset(ws + hs))
    assert all(got[w] == h and got[h] == w for w, h in zip(ws, hs))
    a, b = sp.symbols("a b", real=True)
    got = local_partials(a ** b * sp.exp(a * a), frozenset({a, b}))
    for v in (a, b):
        assert sp.simplify(got[v] - sp.diff(a ** b * sp.exp(a * a), v)) == 0


def test_matrix_form_derives_two_hundred_layers():
    model = derivgen.mlp([2] + [3] * 199 + [1], hidden="relu", form="matrix")
    assert len(model.parameters) == 400
    params = model.initial_params(seed=0)
    x, y = batch(model, 3)
    assert np.isfinite(model.loss_fn()(params, x, y))


# ---------------------------------------------------------------- the NumPy backend
@pytest.mark.parametrize("name,model", MODELS, ids=[n for n, _ in MODELS])
def test_numpy_backend_equals_the_per_unit_code(name, model):
    params = model.initial_params(seed=3)
    n = 1 if model.graph.reduction == "single" else 7
    x, y = batch(model, n)
    close(model.gradient_fn()(params, x, y), per_unit_gradient(model, params, x, y))
    theta = model._flat_params(params)
    assert model.loss_fn()(params, x, y) == pytest.approx(
        float(model._function("loss")(theta, x, y)), rel=1e-12, abs=1e-14)


def test_dense_networks_run_matrix_code_inside_and_free_form_ones_per_unit():
    dense = dict(MODELS)["seed003_softmax_ce_2layer"]
    assert dense._dense is not None
    assert dict(MODELS)["seed004_cubic_mse"]._dense is None


@pytest.mark.parametrize("name,model", MODELS[:4], ids=[n for n, _ in MODELS[:4]])
def test_numpy_backend_against_central_differences(name, model):
    params = model.initial_params(seed=4)
    x, y = batch(model, 1 if model.graph.reduction == "single" else 5, seed=2)
    grads, loss = model.gradient_fn()(params, x, y), model.loss_fn()
    for k, value in params.items():
        h = 1e-6
        up, down = dict(params), dict(params)
        up[k], down[k] = value + h, value - h
        numeric = (loss(up, x, y) - loss(down, x, y)) / (2 * h)
        assert grads[k] == pytest.approx(numeric, rel=1e-5, abs=1e-7), k


def test_numpy_backend_takes_lists_groups_and_checks_shapes():
    model = derivgen.mlp([2, 3, 1], hidden="relu")
    params = model.initial_params(seed=0)
    x, y = batch(model, 4)
    ref = model.gradient_fn()(params, x, y)
    close(model.gradient_fn()(params, x.tolist(), y[:, 0].tolist()), ref)
    groups = {k: np.array([[params[n] for n in row] if isinstance(row, list) else params[row]
                           for row in layout]) for k, layout in model.graph.groups.items()}
    close(model.gradient_fn()(groups, x, y), ref)
    with pytest.raises(ValueError, match="expected x of shape"):
        model.gradient_fn()(params, x[:, :1], y)
    with pytest.raises(ValueError, match="missing parameters"):
        model.gradient_fn()({k: v for k, v in list(params.items())[1:]}, x, y)
    with pytest.raises(ValueError, match="backend must be one of"):
        model.gradient_fn("gpu")


def test_matrix_backend_passes_arrays_through_and_checks_them():
    model = derivgen.mlp([3, 4, 2], hidden="relu", output="softmax", loss="cross_entropy",
                         form="matrix")
    params = model.initial_params(seed=0)
    x, y = batch(model, 6)
    # the same gradient from the scalar twin, through the flat layout numba uses
    theta = model._flat_params(params)
    names = [p.name for p in model._flat_names()]
    scalar = model.scalar.gradient_fn()(dict(zip(names, theta)), x, y)
    ref = model._unflatten(np.array([scalar[n] for n in names]))
    got = model.gradient_fn()(params, x, y)
    assert got["b_1"].shape == (4,) and got["W_1"].shape == (3, 4)
    close(got, ref)
    assert got["W_1"] is not params["W_1"] and model._params(params) is params  # no copies
    with pytest.raises(ValueError, match="b_1 has shape"):
        model.gradient_fn()({**params, "b_1": params["b_1"][:, None]}, x, y)


# ---------------------------------------------------------------- numba and auto
#: every activation, loss, kink convention and bias kind once: each model compiles a kernel
NUMBA_MODELS = [(n, m) for n, m in MODELS if n in (
    "seed000_relu_1_3_1", "seed002_relu_3_2_2_shared_bias", "seed003_softmax_ce_2layer",
    "seed004_tanh_leaky_mae", "mlp0", "mlp1", "mlp2", "compound_arguments")]


@needs_numba
@pytest.mark.parametrize("name,model", NUMBA_MODELS, ids=[n for n, _ in NUMBA_MODELS])
def test_numba_backend_equals_numpy(name, model):
    params = model.initial_params(seed=5)
    n = 1 if model.graph.reduction == "single" else 9
    x, y = batch(model, n, seed=1)
    close(model.gradient_fn("numba")(params, x, y), model.gradient_fn()(params, x, y))
    assert model.loss_fn("numba")(params, x, y) == pytest.approx(
        model.loss_fn()(params, x, y), rel=1e-12, abs=1e-14)


@needs_numba
@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_numba_backend_of_matrix_models(layout):
    model = derivgen.mlp([2, 3, 2], hidden="sigmoid", form="matrix", layout=layout)
    params = model.initial_params(seed=1)
    x, y = batch(model, 5)
    close(model.gradient_fn("numba")(params, x, y), model.gradient_fn()(params, x, y))
    penalised = derivgen.mlp([2, 3, 2], form="matrix", l2=0.1)
    with pytest.raises(UnsupportedError, match="L2 penalty"):
        penalised.gradient_fn("numba")
    assert penalised.gradient_fn("auto") is not None  # auto falls back to NumPy


@needs_numba
def test_auto_runs_numba_on_small_batches_and_numpy_on_large_ones(monkeypatch):
    model = dict(MODELS)["seed000_relu_1_3_1"]
    params = model.initial_params(seed=0)
    calls = []
    numba_fn = backends.select(model, "numba").gradient
    numpy_fn = backends.select(model, "numpy").gradient
    model.__dict__["_backend_cache"]["numba"] = backends.Backend(
        "numba", lambda *a: calls.append("numba") or numba_fn(*a), numba_fn)
    model.__dict__["_backend_cache"]["numpy"] = backends.Backend(
        "numpy", lambda *a: calls.append("numpy") or numpy_fn(*a), numpy_fn)
    model.__dict__["_backend_cache"].pop("auto", None)
    auto = model.gradient_fn("auto")
    small = batch(model, 4)
    large = batch(model, backends.AUTO_MAX_WORK // len(model.parameters) + 1)
    auto(params, *small)
    auto(params, *large)
    assert calls == ["numba", "numpy"]
    model.__dict__.pop("_backend_cache")


def test_without_numba_auto_is_numpy_and_says_so_once(monkeypatch):
    monkeypatch.setattr(backends, "numba_installed", lambda: False)
    monkeypatch.setattr(backends, "_noted", [])
    model = derivgen.mlp([1, 2, 1])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        first = model.gradient_fn("auto")
        model.loss_fn("auto")
        derivgen.mlp([1, 3, 1]).gradient_fn("auto")
    assert [str(w.message) for w in seen] == [backends.MISSING]
    params = model.initial_params(seed=0)
    x, y = batch(model, 3)
    close(first(params, x, y), model.gradient_fn()(params, x, y))
    with pytest.raises(UnsupportedError, match=r"derivgen\[fast\]"):
        derivgen.mlp([1, 4, 1]).gradient_fn("numba")


def test_a_kernel_that_cannot_be_written_is_compiled_in_memory(monkeypatch, tmp_path):
    """The cache folder refuses the write (full disk, read-only): the kernel module is
    made in this process instead, and nothing is left in the folder."""
    from derivgen.codegen import cache
    from derivgen.files import OutputError

    def refuse(path, text):
        raise OutputError(f"cannot write {path}: No space left on device")
    monkeypatch.setattr(cache, "write_atomic", refuse)
    monkeypatch.setenv("DERIVGEN_CACHE_DIR", str(tmp_path))
    source = "VALUE = 41 + 1\n"
    module = cache.kernel_module(source, "test", {"case": str(tmp_path)})
    assert module.VALUE == 42
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
