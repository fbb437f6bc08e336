"""Name templates reproduce the documents' parameter names."""
from __future__ import annotations

import pytest

import derivgen
from derivgen.spec.naming import check_template, format_name


@pytest.mark.parametrize("sizes, expected", [
    ([1, 1, 1], ["w_1", "b_1", "w_2", "b_2"]),                                  # seed 001
    ([1, 2, 1], ["w_11", "w_12", "b_11", "b_12", "w_21", "w_22", "b_2"]),       # seed 001
    ([2, 3, 2], ["w_111", "w_112", "w_121", "w_122", "w_131", "w_132", "b_11", "b_12", "b_13",
                 "w_211", "w_212", "w_213", "w_221", "w_222", "w_223", "b_21", "b_22"]),
])
def test_default_templates_give_seed001_names(sizes, expected):
    assert derivgen.mlp(sizes).parameters == expected


def test_seed001_intermediate_names():
    model = derivgen.load("specs/seed001_sigmoid_1_2_1.yaml")
    assert [s.name for s in model.graph.nodes] == ["z_11", "z_12", "h_1", "h_2", "z_2", "yhat",
                                                   "r", "L"]


def test_seed002_names_and_matrix():
    model = derivgen.load("specs/seed002_relu_3_2_2_shared_bias.yaml")
    assert model.parameters == ["w_01", "w_02", "w_03", "w_04", "w_05", "w_06", "b_0",
                                "w_11", "w_12", "w_13", "w_14", "b_1"]
    assert model.graph.groups["w_0"] == [["w_01", "w_02"], ["w_03", "w_04"], ["w_05", "w_06"]]


def test_two_digit_indices_are_separated():
    assert format_name("w_{l}{k}{j}", l=(1, 2), k=(12, 32), j=(3, 8)) == "w_1_12_3"
    assert format_name("w_{l}{k}{j}", l=(1, 2), k=(2, 3), j=(1, 1)) == "w_12"


@pytest.mark.parametrize("template, ok", [("w_{l}{k}", True), ("W", True), ("w_{q}", False),
                                          ("1w_{l}", False), ("w-{l}", False)])
def test_template_check(template, ok):
    assert (check_template(template) is None) == ok
