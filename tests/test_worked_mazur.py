"""Mazur's 2-2-2 network ("A Step by Step Backpropagation Example") with his names: the
{c} placeholder numbers the weights through the network, w_1…w_8 in his order."""
from __future__ import annotations

import pytest
import sympy as sp

import derivgen
from support.helpers import ROOT, bundled, flat, run_cli

MAZUR = ROOT / "specs" / "mazur_2_2_2_sigmoid.yaml"
#: his wiring: weight → (from, to); w1..w4 input to hidden, w5..w8 hidden to output
HIS_WEIGHTS = {"w_1": ("i_1", "net_11"), "w_2": ("i_2", "net_11"),
               "w_3": ("i_1", "net_12"), "w_4": ("i_2", "net_12"),
               "w_5": ("out_h1", "net_21"), "w_6": ("out_h2", "net_21"),
               "w_7": ("out_h1", "net_22"), "w_8": ("out_h2", "net_22")}


def wiring(model) -> dict[str, tuple[str, str]]:
    """weight → (what it multiplies, the node it feeds), read off the forward equations."""
    out = {}
    for s, node in model.graph.nodes.items():
        if node.role != "pre":
            continue
        for term in sp.Add.make_args(node.expr):
            factors = [f.name for f in term.free_symbols]
            weight = [f for f in factors if f.startswith("w_")]
            if weight:
                [other] = [f for f in factors if f != weight[0]]
                out[weight[0]] = (other, s.name)
    return out


def test_c_regenerates_mazurs_weight_names():
    model = bundled(MAZUR)
    assert model.parameters == ["w_1", "w_2", "w_3", "w_4", "b_1",
                                "w_5", "w_6", "w_7", "w_8", "b_2"]
    assert wiring(model) == HIS_WEIGHTS


def test_c_counts_in_the_order_the_matrices_are_read():
    # in_out stores W as [inputs x units] and reads it row by row: inputs first
    text = MAZUR.read_text().replace('    weight: "w_{c}"', '    weight: "w_{c}"\n'
                                     '    matrix_layout: in_out')
    model = derivgen.load(text)
    assert wiring(model)["w_2"] == ("i_1", "net_12")
    assert wiring(model)["w_3"] == ("i_2", "net_11")
    assert model.parameters[:4] == ["w_1", "w_2", "w_3", "w_4"]


def test_c_belongs_to_the_weight_name(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MAZUR.read_text().replace('bias: "b_{l}"', 'bias: "b_{c}"'))
    code, _, err = run_cli(capsys, "derive", path)
    assert code == 2 and f"{path}:" in err and "{c} counts the weights" in err


def test_mazur_w1_update_at_nine_digits(capsys):
    code, out, err = run_cli(capsys, "derive", MAZUR, "--example", "--digits", "9")
    assert code == 0, err
    text = flat(out)
    assert r"w_{1}\leftarrow0.15-0.5\cdot0.000438567734\approx0.149780716$" in text
    assert r"\text{net}_{h1}=w_{1}i_{1}+w_{2}i_{2}+b_{1}=0.15\cdot0.05+0.2\cdot0.1+0.35=0.3775" \
        in text
    assert r"E_{total}=" in text and r"\approx0.298371109" in text
    assert r"w_{5}\leftarrow0.4-0.5\cdot0.0821670406\approx0.358916480$" in text


@pytest.mark.parametrize("digits, shown", [(3, "0.149781"), (6, "0.149781")])
def test_fewer_digits_still_show_the_change(capsys, digits, shown):
    out = run_cli(capsys, "derive", MAZUR, "--example", "--digits", str(digits))[1]
    line = next(li for li in out.splitlines() if li.startswith(r"- $w_{1} \leftarrow"))
    assert line.endswith(shown + "$"), line
