"""`derivgen train` on bad and unusual input: CSV and init files, columns, missing extras, a tty."""
from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import numpy as np
import pytest
import yaml
from support.helpers import ROOT

import derivgen.cli as cli
from derivgen.errors import SpecError
from derivgen.learn.data import read_csv
from derivgen.learn.outputs import unique_stem

CSV = ROOT / "tests" / "corpus" / "csv"
TRAIN = ROOT / "tests" / "corpus" / "train"
LINEAR = str(ROOT / "specs" / "seed004_linear_mse.yaml")
HOUSES = str(ROOT / "examples" / "house_prices.csv")
EXPECTED = yaml.safe_load((CSV / "expected.yaml").read_text(encoding="utf-8"))


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_csv_files_are_read_or_refused_with_a_position(name):
    want = EXPECTED[name]
    if "says" not in want:
        table = read_csv(CSV / name)
        assert list(table.names) == want["names"]
        assert table.values.tolist() == want["rows"] and list(table.lines) == want["lines"]
        return
    with pytest.raises(SpecError) as info:
        read_csv(CSV / name)
    assert (info.value.line, info.value.column) == (want["line"], want["column"])
    assert want["says"] in info.value.message


def test_a_bad_csv_is_exit_2_with_file_line_col(capsys, tmp_path):
    code, out, err = run(capsys, "train", LINEAR, "--data", CSV / "not_a_number.csv",
                         "--out", tmp_path / "out")
    assert code == 2 and out == ""
    assert f"{CSV / 'not_a_number.csv'}:3:3: column 'y'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written on bad input


def test_columns_are_matched_to_the_spec_names_or_chosen(capsys):
    code, out, err = run(capsys, "train", LINEAR, "--data", CSV / "good_bom_quotes.csv",
                         "--steps", "3")
    assert code == 0, err
    assert out.startswith("seed004_linear_mse: theta_0=")
    code, out, err = run(capsys, "train", LINEAR, "--data", HOUSES, "--steps", "3")
    assert code == 2 and "no column 'x' for the inputs; the columns are area, price" in err
    assert "--x" in err and ":4:1:" in err  # the header row, after three comment lines
    code, out, err = run(capsys, "train", LINEAR, "--data", HOUSES, "--x", "area,price",
                         "--y", "price")
    assert code == 2 and "reads 1 input and 1 target columns; --x and --y chose 2 and 1" in err


def test_matrix_and_scalar_form_train_alike_from_one_init_file(capsys, tmp_path):
    spec = ROOT / "specs" / "seed001_sigmoid_2_3_2.yaml"
    rng = np.random.default_rng(1)
    init = {"W_1": rng.normal(size=(3, 2)).tolist(), "b_1": rng.normal(size=3).tolist(),
            "W_2": rng.normal(size=(2, 3)).tolist(), "b_2": rng.normal(size=2).tolist()}
    (tmp_path / "init.yaml").write_text(yaml.safe_dump({"params": init}))
    results = {}
    for form in ("scalar", "matrix"):
        code, out, err = run(capsys, "train", spec, "--data", TRAIN / "two_in_two_out.csv",
                             "--init", tmp_path / "init.yaml", "--form", form, "--steps", "200",
                             "--lr", "0.5", "--optimizer", "sgd", "--out", tmp_path / form)
        assert code == 0, err
        results[form] = yaml.safe_load((tmp_path / form / "params.yaml").read_text())["params"]
    scalar, matrix = results["scalar"], results["matrix"]
    assert np.allclose(matrix["W_1"], [[scalar[f"w_1{k}{j}"] for j in (1, 2)] for k in (1, 2, 3)],
                       rtol=0, atol=1e-10)
    assert np.allclose(matrix["b_2"], [scalar["b_21"], scalar["b_22"]], rtol=0, atol=1e-10)
    assert not (tmp_path / "matrix" / "fit.png").exists()  # two inputs: no fit picture


@pytest.mark.parametrize("name, position, says", [
    ("init_unknown_key.yaml", ":2:1:", "unknown key 'steps'"),
    ("init_missing.yaml", ":2:3:", "missing parameters: theta_1"),
    ("init_not_a_number.yaml", ":3:12:", "parameter 'theta_1' must be a finite number"),
])
def test_init_files_are_checked(capsys, name, position, says):
    code, out, err = run(capsys, "train", LINEAR, "--data", CSV / "good_bom_quotes.csv",
                         "--init", TRAIN / name)
    assert code == 2 and f"{TRAIN / name}{position}" in err and says in err


def test_init_file_is_the_starting_point(capsys):
    code, out, err = run(capsys, "train", LINEAR, "--data", CSV / "good_bom_quotes.csv",
                         "--init", TRAIN / "init_linear.yaml", "--steps", "0")
    assert code == 0, err
    assert out.startswith("seed004_linear_mse: theta_0=0.5 theta_1=-0.25 loss=")


def test_without_matplotlib_the_files_are_written_and_plots_explained(capsys, tmp_path,
                                                                       monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    code, out, err = run(capsys, "train", LINEAR, "--data", CSV / "good_bom_quotes.csv",
                         "--steps", "5", "--out", tmp_path)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv", "params.yaml"]
    assert "pip install 'derivgen[plot]'" in err


def test_divergence_is_exit_1_and_stops(capsys, tmp_path):
    code, out, err = run(capsys, "train", ROOT / "specs" / "seed004_cubic_mse.yaml", "--data",
                         HOUSES, "--x", "area", "--y", "price", "--lr", "5", "--steps", "500",
                         "--out", tmp_path)
    assert code == 1 and "not finite at step" in err and "smaller --lr" in err
    rows = (tmp_path / "history.csv").read_text().splitlines()
    assert 2 < len(rows) < 500  # stopped early


def test_out_must_be_a_directory(capsys, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me")
    code, out, err = run(capsys, "train", LINEAR, "--data", CSV / "good_bom_quotes.csv",
                         "--out", target)
    assert code == 2 and "is not a directory" in err
    assert target.read_text() == "keep me" and sorted(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("args, says", [
    (["--steps", "-1"], "-1 is not between"), (["--lr", "nan"], "is not between"),
    (["--lr", "0"], "is not between"), (["--batch-size", "0"], "0 is not between"),
    (["--optimizer", "adam"], "invalid choice"), (["--seed", "x"], "'x' is not a whole number"),
])
def test_bad_options_are_exit_2(capsys, args, says):
    with pytest.raises(SystemExit) as info:
        cli.main(["train", LINEAR, "--data", HOUSES, *args])
    assert info.value.code == 2 and says in capsys.readouterr().err


def test_file_names_from_spec_files_stay_inside_out():
    taken: set[str] = set()
    assert unique_stem("../../etc/passwd", taken) == "etc_passwd"
    assert unique_stem("../../etc/passwd", taken) == "etc_passwd_2"
    assert unique_stem("\n", taken) == "spec" and "/" not in unique_stem("a/b c", taken)
    # the same policy as every other name derivgen writes: letters of any script stay,
    # and no name starts like an option or a hidden file
    assert unique_stem("сеть_1-2-1", taken) == "сеть_1-2-1"
    assert unique_stem("-rf", taken) == "rf" and unique_stem(".bashrc", taken) == "bashrc"


def test_a_progress_bar_with_the_loss_in_a_terminal():
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "derivgen", "train", LINEAR, "--data",
                           str(CSV / "good_bom_quotes.csv"), "--steps", "400"],
                          stdout=subprocess.PIPE, stderr=slave, env=env, timeout=120)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    bar = seen.decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "400/400" in bar and "loss=" in bar and "step/s" in bar
    assert proc.stdout.decode().startswith("seed004_linear_mse: theta_0=")
