"""`derivgen train` and `derivgen.train`: the README's commands, a hand-written loop, the files.

The README's training commands are read from README.md and run as written (only
--out is moved into a temporary directory); their printed parameters are compared
with a NumPy loop written here by hand from seed 004's formulas.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import struct
from pathlib import Path

import numpy as np
import pytest
import yaml
from support.helpers import ROOT

import derivgen
import derivgen.cli as cli
from derivgen.errors import UnsupportedError
from derivgen.learn.data import read_csv

DATA = ROOT / "examples" / "house_prices.csv"
PRINTED = re.compile(r"^(\S+): (.*) loss=(\S+) learning_rate=(\S+)$")


def readme_commands() -> list[list[str]]:
    """Every `derivgen train …` line of the README's code blocks, split as a shell does."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [shlex.split(line)[1:] for line in text.splitlines()
            if line.startswith("derivgen train ")]


def run_cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def printed(stdout: str) -> dict[str, dict[str, float]]:
    """spec name -> {parameter: value, loss, learning_rate} from the seed-004 style lines."""
    found = {}
    for line in stdout.splitlines():
        m = PRINTED.match(line)
        assert m, line
        values = dict(pair.split("=") for pair in m.group(2).split())
        found[m.group(1)] = {k: float(v) for k, v in values.items()} | {
            "loss": float(m.group(3)), "learning_rate": float(m.group(4))}
    return found


@pytest.fixture(scope="module")
def readme_runs(tmp_path_factory):
    """The README's commands, run from the repository root with --out under a temporary dir."""
    tmp = tmp_path_factory.mktemp("runs")
    runs = []
    for args in readme_commands():
        i = args.index("--out")
        args = args[:i + 1] + [str(tmp / args[i + 1])] + args[i + 2:]
        code, out, err = run_cli(args, ROOT)
        runs.append((args, code, out, err, Path(args[i + 1])))
    return runs


def hand_loop(kind: str, x: np.ndarray, y: np.ndarray, steps: int, lr: float,
              optimizer: str, seed: int = 0) -> tuple[np.ndarray, float]:
    """Seed 004's loop by hand: J = mean((h − y)²), dJ/dθ = 2 mean((h − y) ∂h/∂θ)."""
    theta = np.random.default_rng(seed).normal(0.0, 1.0, size=2)  # N(0, 1) for free parameters
    velocity = np.zeros(2)
    x, y = x.ravel(), y.ravel()

    def model(t):
        if kind == "linear":
            return t[0] + t[1] * x, np.stack([np.ones_like(x), x])
        if kind == "sigmoid":
            h = 1 / (1 + np.exp(-(t[0] + t[1] * x)))
            return h, np.stack([h * (1 - h), h * (1 - h) * x])
        return t[0] + t[1] * x ** 3, np.stack([np.ones_like(x), x ** 3])  # cubic: b + W x³

    for _ in range(steps):
        h, dh = model(theta)
        grad = 2 * np.mean((h - y) * dh, axis=1)
        if optimizer == "momentum":
            velocity = 0.9 * velocity + grad
            grad = velocity
        theta = theta - lr * grad
    h, _ = model(theta)
    return theta, float(np.mean((h - y) ** 2))


def test_the_readme_trains_the_three_seed004_models(readme_runs):
    specs = set()
    for args, code, out, err, outdir in readme_runs:
        assert code == 0, err
        assert "%|" not in err  # stderr is not a terminal: no progress bar
        specs.update(printed(out))
        assert (outdir / "loss.png").is_file() and (outdir / "fit.png").is_file()
    assert specs == {"seed004_linear_mse", "seed004_sigmoid_mse", "seed004_cubic_mse"}
    compare = [r for r in readme_runs if len(printed(r[2])) == 3]
    assert compare, "the README shows one command that overlays the three fits"


@pytest.mark.parametrize("kind", ["linear", "sigmoid", "cubic"])
def test_printed_parameters_equal_a_hand_written_numpy_loop(readme_runs, kind):
    table = read_csv(DATA)
    for args, code, out, err, _ in readme_runs:
        result = printed(out).get(f"seed004_{kind}_mse")
        if result is None:
            continue
        option = _options(args)
        theta, loss = hand_loop(kind, table.columns([option["--x"]]), table.columns([option["--y"]]),
                                int(option["--steps"]), float(option["--lr"]),
                                option.get("--optimizer", "gd"), int(option.get("--seed", 0)))
        names = ["b", "W"] if kind == "cubic" else ["theta_0", "theta_1"]
        got = np.array([result[n] for n in names])
        assert np.max(np.abs(got - theta)) <= 1e-10, (got, theta)
        assert abs(result["loss"] - loss) <= 1e-10


def _options(args: list[str]) -> dict[str, str]:
    out, i = {}, 0
    while i < len(args):
        if args[i].startswith("--"):
            out[args[i]] = args[i + 1]
            i += 2
        else:
            i += 1
    return out


def test_the_readme_shows_what_the_commands_print(readme_runs):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = printed("\n".join(line for line in text.splitlines()
                              if PRINTED.match(line) and line.startswith("seed004_")))
    assert set(shown) == {"seed004_linear_mse", "seed004_sigmoid_mse", "seed004_cubic_mse"}
    for args, code, out, err, _ in readme_runs:
        for name, values in printed(out).items():
            for key, value in values.items():
                assert shown[name][key] == pytest.approx(value, rel=1e-9, abs=1e-12), (name, key)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_pictures_are_pngs_of_a_sensible_size(readme_runs):
    for *_, outdir in readme_runs:
        for name in ("loss.png", "fit.png"):
            width, height = png_size(outdir / name)
            assert 300 <= width <= 2000 and 200 <= height <= 2000
            assert (outdir / name).stat().st_size > 5000  # axes, curves and labels, not blank
    committed = ROOT / "examples" / "seed004_fits.png"
    assert png_size(committed)[0] >= 300
    assert "examples/seed004_fits.png" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_params_yaml_is_accepted_by_derive_values(readme_runs, tmp_path):
    for args, code, out, err, outdir in readme_runs:
        if len(printed(out)) != 1:
            continue
        name, values = next(iter(printed(out).items()))
        params = yaml.safe_load((outdir / "params.yaml").read_text())["params"]
        assert params == {k: v for k, v in values.items() if k not in ("loss", "learning_rate")}
        target = tmp_path / f"{name}.md"
        code, _, err = run_cli(["derive", args[1], "--values", str(outdir / "params.yaml"),
                                "--lang", "en", "-o", str(target)], ROOT)
        assert code == 0, err
        assert "After one update" in target.read_text(encoding="utf-8")


def test_history_has_one_row_per_step_and_the_final_state(readme_runs):
    for args, code, out, err, outdir in readme_runs:
        if len(printed(out)) != 1:
            continue
        lines = (outdir / "history.csv").read_text().splitlines()
        steps = int(_options(args)["--steps"])
        assert len(lines) == steps + 2  # header, states after 0 … steps steps
        header = lines[0].split(",")
        assert header[:2] == ["step", "loss"] and len(header) == 4
        last = dict(zip(header, map(float, lines[-1].split(","))))
        final = next(iter(printed(out).values()))
        assert last["loss"] == final["loss"]
        assert all(last[k] == final[k] for k in header[2:])


def test_several_specs_write_one_file_each_and_shared_pictures(readme_runs):
    args, code, out, err, outdir = next(r for r in readme_runs if len(printed(r[2])) == 3)
    names = sorted(p.name for p in outdir.iterdir())
    assert names == sorted(["loss.png", "fit.png"] + [
        f"{kind}_seed004_{m}_mse.{ext}" for m in ("linear", "sigmoid", "cubic")
        for kind, ext in (("params", "yaml"), ("history", "csv"))])


# ---- the API ----
def house_data():
    table = read_csv(DATA)
    return table.columns(["area"]), table.columns(["price"])


def test_sgd_batches_follow_the_documented_order():
    model = derivgen.load(ROOT / "specs" / "seed004_linear_mse.yaml")
    x, y = house_data()
    result = derivgen.train(model, x, y, steps=40, learning_rate=0.05, batch_size=7,
                            optimizer="sgd", seed=3)
    theta = np.array([model.initial_params(3)[n] for n in ("theta_0", "theta_1")])
    rng, order, losses = np.random.default_rng(3), [], []
    while len(order) < 40:  # a new permutation per epoch, consecutive batches of 7, the rest
        perm = rng.permutation(len(x))
        order += [perm[i:i + 7] for i in range(0, len(x), 7)]
    for rows in order[:40]:
        xb, yb = x[rows, 0], y[rows, 0]
        r = theta[0] + theta[1] * xb - yb
        losses.append(np.mean(r ** 2))
        theta = theta - 0.05 * 2 * np.array([r.mean(), (r * xb).mean()])
    assert np.allclose([result.params["theta_0"], result.params["theta_1"]], theta,
                       rtol=0, atol=1e-12)
    assert np.allclose(result.losses, losses, rtol=1e-12, atol=0)
    assert len(result.losses) == 40


def test_callback_sees_every_step_and_the_updated_parameters():
    model = derivgen.load(ROOT / "specs" / "seed004_cubic_mse.yaml")
    x, y = house_data()
    seen = []
    result = derivgen.train(model, x, y, 5, 0.01, callback=lambda k, loss, p: seen.append(
        (k, loss, dict(p))))
    assert [k for k, _, _ in seen] == [1, 2, 3, 4, 5]
    assert [loss for _, loss, _ in seen] == list(result.losses)
    assert seen[-1][2] == result.params


def test_backend_and_optimizer_are_checked():
    model = derivgen.load(ROOT / "specs" / "seed004_cubic_mse.yaml")
    x, y = house_data()
    with pytest.raises(UnsupportedError, match="backend 'tpu' is not available"):
        derivgen.train(model, x, y, 1, 0.1, backend="tpu")
    with pytest.raises(ValueError, match="optimizer must be one of gd, sgd, momentum"):
        derivgen.train(model, x, y, 1, 0.1, optimizer="adam")
    with pytest.raises(ValueError, match="learning_rate"):
        derivgen.train(model, x, y, 1, float("nan"))
    numpy = derivgen.train(model, x, y, 20, 0.01, backend="numpy")
    auto = derivgen.train(model, x, y, 20, 0.01)  # compiled where numba is installed
    assert numpy.params.keys() == auto.params.keys()
    for name, value in numpy.params.items():
        assert auto.params[name] == pytest.approx(value, rel=1e-9, abs=1e-12)


def test_a_single_sample_spec_trains_one_row_at_a_time():
    model = derivgen.load(ROOT / "specs" / "seed001_sigmoid_1_2_1.yaml")
    x, y = np.linspace(-1, 1, 5).reshape(-1, 1), np.linspace(0.2, 0.8, 5).reshape(-1, 1)
    with pytest.raises(ValueError, match="reduction is 'single'"):
        derivgen.train(model, x, y, 3, 0.1)
    result = derivgen.train(model, x, y, 50, 0.5, optimizer="sgd")
    loss, start = model.loss_fn(), model.initial_params(0)
    before = np.mean([loss(start, x[i:i + 1], y[i:i + 1]) for i in range(5)])
    after = np.mean([loss(result.params, x[i:i + 1], y[i:i + 1]) for i in range(5)])
    assert result.batch_size == 1 and result.final_loss == after < before


def test_train_result_shows_its_loss_curve():
    model = derivgen.load(ROOT / "specs" / "seed004_cubic_mse.yaml")
    x, y = house_data()
    result = derivgen.train(model, x, y, 1000, 0.01)
    page = result._repr_html_()
    points = re.search(r'<polyline[^>]*points="([^"]+)"', page).group(1).split()
    assert 300 <= len(points) <= 400  # thinned to at most 400 points
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] == pytest.approx(5.0) == min(ys)  # starts at the top (the largest loss)
    assert max(ys) == pytest.approx(160.0)  # and reaches the bottom: the log scale spans the plot
    assert "<td>b</td>" in page and repr(result.params["W"]) in page
