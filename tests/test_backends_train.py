"""The compiled training loop gives the plain loop's results; kernels are cached on disk.

No timing here (bench/ measures speed): the compiled loop is compared with the
NumPy loop step by step, and the cache with what a second process compiles.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import derivgen
from support.helpers import ROOT

pytestmark = pytest.mark.skipif(importlib.util.find_spec("numba") is None,
                                reason="numba is not installed (the fast extra)")


def data(model, n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, model.input_size))
    return x, np.tanh(x @ rng.normal(size=(model.input_size, model.output_size)))


@pytest.mark.parametrize("optimizer,batch_size", [("gd", None), ("sgd", None), ("sgd", 7),
                                                  ("momentum", None), ("momentum", 16)])
@pytest.mark.parametrize("form", ["scalar", "matrix"])
def test_compiled_loop_equals_the_plain_loop(optimizer, batch_size, form):
    model = derivgen.mlp([2, 3, 1], hidden="tanh", form=form)
    x, y = data(model)
    args = (model, x, y, 60, 0.05, batch_size, optimizer, 3)
    plain = derivgen.train(*args, backend="numpy")
    fused = derivgen.train(*args, backend="numba")
    assert np.allclose(fused.losses, plain.losses, rtol=1e-10, atol=0)
    assert fused.final_loss == pytest.approx(plain.final_loss, rel=1e-10)
    for name, value in plain.params.items():
        assert np.allclose(fused.params[name], value, rtol=1e-9, atol=1e-12), name
        assert type(fused.params[name]) is type(value)


def test_callback_fires_between_chunks_with_the_state_there():
    model = derivgen.load(ROOT / "specs" / "seed004_linear_mse.yaml")
    x, y = data(model)
    seen = []
    result = derivgen.train(model, x, y, 250, 0.01, backend="numba",
                            callback=lambda k, loss, p: seen.append((k, loss, dict(p))))
    steps = [k for k, _, _ in seen]
    assert steps == list(range(3, 250, 3)) + [250]  # ceil(250 / 100) steps per chunk
    assert all(loss == result.losses[k - 1] for k, loss, _ in seen)
    assert seen[-1][2] == result.params
    plain = derivgen.train(model, x, y, 3, 0.01, backend="numpy")
    assert seen[0][2] == pytest.approx(plain.params, rel=1e-12)


def test_a_diverging_run_stops_where_the_plain_loop_stops():
    model = derivgen.load(ROOT / "specs" / "seed004_cubic_mse.yaml")
    x, y = data(model)
    plain = derivgen.train(model, 10 * x, y, 200, 5.0, backend="numpy")
    fused = derivgen.train(model, 10 * x, y, 200, 5.0, backend="numba")
    assert plain.diverged_at is not None and fused.diverged_at == plain.diverged_at
    assert len(fused.losses) == len(plain.losses) == plain.diverged_at + 1


CHILD = r'''
import json, sys
import numpy as np
import derivgen
from derivgen.model.backends import kernel
model = derivgen.mlp([1, 2, 1], hidden="relu", name="cache_probe")
params = model.initial_params(seed=0)
grads = model.gradient_fn("numba")(params, np.ones((3, 1)), np.zeros((3, 1)))
stats = kernel(model).module.value_and_grad.stats
print(json.dumps({"hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values()),
                  "grad": [float(v) for v in grads.values()]}))
'''


def test_a_second_process_compiles_nothing_and_only_the_cache_folder_is_written(tmp_path):
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "XDG_"))}
    env.update(HOME=str(home), DERIVGEN_CACHE_DIR=str(cache),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert runs[0]["misses"] == 1 and runs[1] == {**runs[0], "hits": 1, "misses": 0}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "home"]
    assert list(home.iterdir()) == []
    kernels = list((cache / "kernels").glob("k_*.py"))
    assert len(kernels) == 1 and "def batch_pass" in kernels[0].read_text()
    # the user's cache folder is the default: $XDG_CACHE_HOME/derivgen
    from derivgen.codegen.cache import cache_dir
    env.pop("DERIVGEN_CACHE_DIR")
    os_env = dict(os.environ)
    try:
        os.environ.pop("DERIVGEN_CACHE_DIR", None)
        os.environ["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
        assert cache_dir() == tmp_path / "xdg" / "derivgen"
    finally:
        os.environ.clear()
        os.environ.update(os_env)
