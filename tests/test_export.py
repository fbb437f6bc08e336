"""`derivgen codegen`: each exported module, imported in a fresh process without derivgen,
gives derivgen's loss and gradients; the JAX one also under jax.jit and jax.vmap."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import derivgen
import derivgen.cli as cli
from support.helpers import ROOT

SPECS = ["seed000_relu_1_3_1", "seed003_softmax_ce_2layer", "seed004_cubic_mse",
         "seed004_tanh_leaky_mae", "seed002_relu_3_2_2_shared_bias", "compound_arguments"]
PACKAGE = {"numpy": "numpy", "numba": "numba", "jax": "jax", "torch": "torch"}

#: run in the fresh process: import every module, print loss and gradients as JSON
CHILD = r'''
import importlib.util, json, sys
import numpy as np
backend, folder, data = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if backend == "jax":
    import jax
    jax.config.update("jax_enable_x64", True)
out = {}
for name, case in data.items():
    spec = importlib.util.spec_from_file_location(name, f"{folder}/{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    p, x, y = case["params"], np.array(case["x"]), np.array(case["y"])
    g = mod.gradient(p, x, y)
    row = {"loss": float(mod.loss(p, x, y)), "grad": {k: float(v) for k, v in g.items()}}
    if backend == "jax":
        jitted = jax.jit(mod.gradient)(p, x, y)
        row["jit"] = {k: float(v) for k, v in jitted.items()}
        per = jax.vmap(mod.gradient, in_axes=(None, 0, 0))(p, x[:, None, :], y[:, None, :])
        reduce = (lambda v: v.mean()) if case["mean"] else (lambda v: v.sum())
        row["vmap"] = {k: float(reduce(v)) for k, v in per.items()}  # per-sample gradients
        stack = {k: jax.numpy.stack([v, 2 * v]) for k, v in p.items()}
        row["vmap_params"] = float(jax.vmap(mod.loss, in_axes=(0, None, None))(stack, x, y)[0])
    out[name] = row
out["derivgen imported"] = "derivgen" in sys.modules
print(json.dumps(out))
'''


def spec_path(name: str) -> Path:
    """A bundled spec, or a test-only one (tests/corpus/codegen)."""
    path = ROOT / "specs" / f"{name}.yaml"
    return path if path.exists() else ROOT / "tests" / "corpus" / "codegen" / f"{name}.yaml"


def case(name: str) -> tuple[derivgen.Model, dict, np.ndarray, np.ndarray]:
    model = derivgen.load(spec_path(name))
    rng = np.random.default_rng(7)
    n = 1 if model.graph.reduction == "single" else 6
    x = rng.normal(size=(n, model.input_size))
    y = (np.eye(model.output_size)[rng.integers(0, model.output_size, size=n)]
         if model.spec.loss == "cross_entropy" else rng.normal(size=(n, model.output_size)))
    return model, model.initial_params(seed=2), x, y


@pytest.mark.parametrize("backend", list(PACKAGE))
def test_exported_module_matches_derivgen_in_a_fresh_process(backend, tmp_path):
    if importlib.util.find_spec(PACKAGE[backend]) is None:
        pytest.skip(f"{PACKAGE[backend]} is not installed")
    data, expected = {}, {}
    for name in [*SPECS[:2], SPECS[-1]] if backend == "numba" else SPECS:  # numba compiles each: seconds
        target = tmp_path / f"{name}.py"
        assert cli.main(["codegen", str(spec_path(name)), "--backend", backend,
                         "-o", str(target)]) == 0
        text = target.read_text(encoding="utf-8")
        assert "derivgen" not in "".join(l for l in text.splitlines() if "import" in l)
        assert "def loss(params, x, y)" in text and "def gradient(params, x, y)" in text
        model, params, x, y = case(name)
        data[name] = {"params": params, "x": x.tolist(), "y": y.tolist(),
                      "mean": model.graph.reduction == "mean"}
        expected[name] = (model.loss_fn()(params, x, y), model.gradient_fn()(params, x, y))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")  # an exported module's own cache
    done = subprocess.run([sys.executable, "-c", CHILD, backend, str(tmp_path),
                           json.dumps(data)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got.pop("derivgen imported") is False
    for name, (loss, grads) in expected.items():
        row = got[name]
        assert row["loss"] == pytest.approx(loss, rel=1e-10, abs=1e-12)
        for view in [k for k in ("grad", "jit", "vmap") if k in row]:
            assert row[view].keys() == grads.keys()
            for k, v in grads.items():
                assert row[view][k] == pytest.approx(float(v), rel=1e-9, abs=1e-11), (name, k)
        if "vmap_params" in row:
            assert row["vmap_params"] == pytest.approx(loss, rel=1e-10)


def test_exported_formulas_are_comments_and_bad_input_is_refused(tmp_path, capsys):
    spec = ROOT / "specs" / "seed000_relu_1_3_1.yaml"
    assert cli.main(["codegen", str(spec)]) == 0
    text = capsys.readouterr().out
    assert "# ∂L/∂" in text and "> 0]" in text  # ReLU' written as [z > 0]
    assert cli.main(["codegen", str(tmp_path / "missing.yaml")]) == 2
    with pytest.raises(SystemExit) as stop:
        cli.main(["codegen", str(spec), "--backend", "cuda"])
    assert stop.value.code == 2
    assert list(tmp_path.iterdir()) == []
    assert cli.main(["codegen", str(spec), "-o", str(tmp_path / "no" / "dir.py")]) == 2
    assert not Path(tmp_path / "no").exists()
