"""Bad input: every malformed, hostile or missing spec is refused cleanly.

The requirement: ``derivgen check`` exits with 2 and writes one or two lines to
stderr that name the file and, where there is one, the line and column
(``derivgen: PATH:LINE:COL: message``), and say what is allowed.  Never a
traceback, never code run, never a hang.

Every case runs in-process through ``derivgen.cli.main``, under an alarm that
turns a hang into a failure; what needs a real process (signals, pipes,
start-up, pdflatex) is in ``test_fuzz_process.py``.

Cases that currently do NOT behave as required are marked
``xfail(strict=True, reason="BUG: ...")``; when one is fixed its test XPASSes,
fails, and the marker should be removed.
"""
from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np
import pytest
from support.helpers import ROOT

if str(ROOT) not in sys.path:  # the suite is meant to run with PYTHONPATH=.
    sys.path.insert(0, str(ROOT))

#: seconds a single CLI run may take before it counts as a hang
TIMEOUT = 20.0
#: placeholder in case texts, replaced by an absolute path that must never be created
SENTINEL = "@SENTINEL@"

# ---------------------------------------------------------------------------
# Valid specs that the bad cases are derived from
# ---------------------------------------------------------------------------

GOOD_NET = """\
name: good_net
network:
  inputs: 1
  layers:
    - {units: 2, activation: sigmoid}
    - {units: 1, activation: identity}
loss: half_sse
reduction: sum
"""

GOOD_MODEL = """\
name: good_model
model:
  inputs: [x]
  parameters: [a, b]
  equations:
    h: a + b*x
loss: mse
reduction: mean
"""


def sub(text: str, old: str, new: str) -> str:
    """``text.replace(old, new, 1)``, insisting that ``old`` is there."""
    assert old in text, f"{old!r} not in template"
    return text.replace(old, new, 1)


def at(text: str, needle: str, shift: int = 0, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth ``needle`` in ``text``, plus ``shift`` characters."""
    idx = -1
    for _ in range(nth):
        idx = text.index(needle, idx + 1)
    idx += shift
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col


def within(text: str, needle: str) -> tuple[int, tuple[int, int]]:
    """(line, (first column, last column)) of ``needle``: a column anywhere inside it."""
    line, col = at(text, needle)
    return line, (col, col + len(needle) - 1)


def model_eq(formula: str) -> str:
    """GOOD_MODEL with the equation of ``h`` replaced by ``formula`` (YAML text)."""
    return sub(GOOD_MODEL, "h: a + b*x", f"h: {formula}")


def net_layer1(flow: str) -> str:
    """GOOD_NET with the first layer's flow mapping body replaced."""
    return sub(GOOD_NET, "{units: 2, activation: sigmoid}", "{" + flow + "}")


def net_names(flow: str) -> str:
    """GOOD_NET with a ``names:`` flow mapping."""
    return sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  names: {" + flow + "}\n")


Pos = Union[None, tuple[int, int], tuple[int, tuple[int, int]], tuple[int, None]]


@dataclass
class Case:
    """One bad spec: its text, words stderr must contain, and where it must point."""

    id: str
    text: Union[str, bytes]
    expect: tuple[str, ...] = ()
    #: (line, col) exact; (line, (lo, hi)) a column in that range; (line, None) the line; None
    pos: Pos = None
    bug: Optional[str] = None
    #: extra assertion on stderr
    extra: Optional[Callable[[str], None]] = None


def case(id: str, text: Union[str, bytes], *expect: str, pos: Pos = None,
         bug: Optional[str] = None, **kw) -> Case:
    return Case(id, text, tuple(expect), pos, bug, **kw)


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

C: list[Case] = []

# --- YAML syntax -------------------------------------------------------------
T = "name: t\nnetwork:\n  inputs: 1: 2\n  layers: []\nloss: mse\nreduction: sum\n"
C.append(case("yaml_mapping_values", T, "YAML error", "mapping values",
              pos=at(T, "1: 2", shift=1)))  # the second ':' on line 3
T = sub(GOOD_NET, "{units: 2, activation: sigmoid}", "{units: 2, activation: sigmoid")
C.append(case("yaml_unclosed_flow_mapping", T, "YAML error",
              pos=at(T, "{units: 1")))  # where the parser finds the next '{'
T = "name: t\n\tnetwork: 1\n"
C.append(case("yaml_tab_indent", T, "YAML error", "\\t", pos=(2, 1)))
T = sub(GOOD_NET, "name: good_net", 'name: "good_net')


def _points_at_open_quote(err: str) -> None:
    assert re.search(r":1:7\b|line 1, column 7", err), \
        "the message should say where the unclosed quote starts (1:7)"


C.append(case("yaml_unclosed_quote", T, "YAML error", extra=_points_at_open_quote))
T = GOOD_NET + "---\n" + GOOD_NET
C.append(case("yaml_two_documents", T, "YAML error", pos=at(T, "---")))
T = GOOD_NET + "loss: mse\n"
C.append(case("duplicate_key_top", T, "duplicate key 'loss'", pos=at(T, "loss: mse")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  inputs: 2\n")
C.append(case("duplicate_key_nested", T, "duplicate key 'inputs'",
              pos=at(T, "inputs: 2")))
T = GOOD_MODEL.replace("    h: a + b*x\n", "    h: a + b*x\n    h: a\n")
C.append(case("duplicate_equation", T, "duplicate key 'h'", pos=at(T, "h: a\n")))
T = GOOD_NET + "[a, b]: 1\n"
C.append(case("mapping_key_is_list", T, "plain names", pos=at(T, "[a, b]: 1")))

# --- top level is not a spec -----------------------------------------------------
C.append(case("empty_file", "", "empty spec", "'network'", "'reduction'", pos=(1, 1)))
C.append(case("whitespace_only", "   \n\n      \n  ", "empty spec", "'network'", pos=(1, 1)))
C.append(case("comment_only", "# nothing here\n", "empty spec", pos=(1, 1)))
C.append(case("whitespace_with_tab", " \t \n\t\n", "empty spec", pos=(1, 1)))
C.append(case("bare_list", "- a\n- b\n", "must be a mapping", pos=(1, 1)))
C.append(case("bare_scalar", "hello\n", "must be a mapping", pos=(1, 1)))
C.append(case("neither_network_nor_model", "name: x\nloss: mse\nreduction: sum\n",
              "exactly one of 'network'", "'model'", pos=(1, 1)))
T = GOOD_NET + "model:\n  inputs: [x]\n  parameters: [a]\n  equations: {h: a*x}\n"
C.append(case("both_network_and_model", T, "exactly one of 'network'", pos=(1, 1)))

# --- unknown keys ------------------------------------------------------------
T = GOOD_NET + "bogus: 1\n"
C.append(case("unknown_top_key", T, "unknown key 'bogus'", "allowed:", "network", "reduction",
              pos=at(T, "bogus")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  color: red\n")
C.append(case("unknown_network_key", T, "unknown key 'color'", "allowed:", "layers",
              pos=at(T, "color")))
T = net_layer1("units: 2, activation: sigmoid, dropout: 0.5")
C.append(case("unknown_layer_key", T, "unknown key 'dropout'", "allowed:", "units",
              pos=at(T, "dropout")))
T = net_names("wieght: 'w_{l}'")
C.append(case("unknown_names_key", T, "unknown key 'wieght'", "allowed:", "weight",
              pos=at(T, "wieght")))
T = GOOD_NET + "example:\n  x: [1.0]\n  z: [2.0]\n"
C.append(case("unknown_example_key", T, "unknown key 'z'", "allowed:", "learning_rate",
              pos=at(T, "z: [2.0]")))
T = sub(GOOD_MODEL, "  equations:", "  optimizer: adam\n  equations:")
C.append(case("unknown_model_key", T, "unknown key 'optimizer'", "allowed:", "equations",
              pos=at(T, "optimizer")))
T = net_layer1('units: 2, activation: {custom: "x**3", k: 1}')
C.append(case("unknown_custom_activation_key", T, "unknown key 'k'", "allowed: custom",
              pos=at(T, "k: 1")))

# --- unknown or impossible values ----------------------------------------------
T = net_layer1("units: 2, activation: swish")
C.append(case("unknown_activation", T, "'swish'", "allowed:", "relu", "sigmoid", "custom",
              pos=at(T, "swish")))
T = sub(GOOD_NET, "loss: half_sse", "loss: hinge")
C.append(case("unknown_loss", T, "'hinge'", "allowed:", "half_sse", "cross_entropy",
              pos=at(T, "hinge")))
T = sub(GOOD_NET, "reduction: sum\n", "")
C.append(case("missing_reduction", T, "needs 'reduction'", "single, sum, mean", pos=(1, 1)))
T = sub(GOOD_NET, "reduction: sum", "reduction: max")
C.append(case("unknown_reduction", T, "'max'", "allowed: single, sum, mean",
              pos=at(T, "max")))
T = sub(GOOD_NET, "units: 2", "units: 0")
C.append(case("units_zero", T, "'units'", "between 1 and", pos=at(T, "units: 0", shift=7)))
T = sub(GOOD_NET, "inputs: 1", "inputs: -1")
C.append(case("inputs_negative", T, "'inputs'", "between 1 and", pos=at(T, "-1")))
T = sub(GOOD_NET, "units: 2", 'units: "three"')
C.append(case("units_text", T, "'units'", "whole number", pos=at(T, '"three"')))
T = sub(GOOD_NET, "units: 2", "units: 2.5")
C.append(case("units_float", T, "'units'", "whole number", pos=at(T, "2.5")))
T = sub(GOOD_NET, "units: 2", "units: true")
C.append(case("units_bool", T, "'units'", "whole number", pos=at(T, "true")))
T = sub(GOOD_NET, "units: 2", "units: 99999999999999999999999")
C.append(case("units_huge", T, "'units'", "between 1 and", pos=at(T, "999")))
T = sub(GOOD_NET, "  layers:\n    - {units: 2, activation: sigmoid}\n"
        "    - {units: 1, activation: identity}\n", "  layers: []\n")
C.append(case("layers_empty", T, "'layers'", "at least one layer", pos=at(T, "[]")))
T = sub(GOOD_NET, "    - {units: 2, activation: sigmoid}\n", "    - 5\n")
C.append(case("layer_not_mapping", T, "layer 1", "mapping", pos=at(T, "- 5", shift=2)))
T = net_layer1("units: 2, activation: softmax")
C.append(case("softmax_on_hidden_layer", T, "softmax", "output layer only",
              pos=at(T, "softmax")))
T = sub(GOOD_NET, "loss: half_sse", "loss: cross_entropy")
C.append(case("cross_entropy_without_softmax", T, "cross_entropy", "softmax",
              pos=at(T, "cross_entropy")))
T = sub(GOOD_NET, "loss: half_sse", "loss: bce")
C.append(case("bce_without_sigmoid", T, "bce", "sigmoid", pos=at(T, "bce")))
T = sub(GOOD_MODEL, "loss: mse", "loss: cross_entropy")
C.append(case("cross_entropy_on_model", T, "cross_entropy", "softmax",
              pos=at(T, "cross_entropy")))
T = net_layer1("units: 2, activation: relu, alpha: 0.1")
C.append(case("alpha_without_leaky_relu", T, "'alpha'", "leaky_relu", pos=at(T, "0.1")))
T = net_layer1("units: 2, activation: leaky_relu, alpha: steep")
C.append(case("alpha_not_a_number", T, "'alpha'", "number", pos=at(T, "steep")))
T = net_layer1("units: 2, activation: leaky_relu, alpha: .inf")
C.append(case("alpha_infinite", T, "'alpha'", pos=at(T, ".inf")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  form: tensor\n")
C.append(case("form_unknown", T, "'form'", "allowed: scalar, matrix", pos=at(T, "tensor")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  layout: rows\n")
C.append(case("layout_in_scalar_form", T, "'layout'", "form: matrix", pos=at(T, "rows")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  form: matrix\n  layout: diagonal\n")
C.append(case("layout_unknown", T, "'layout'", "allowed: rows, columns", pos=at(T, "diagonal")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  form: matrix\n  l2: -1\n")
C.append(case("l2_negative", T, "'l2'", "λ ≥ 0", pos=at(T, "-1")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  form: matrix\n  l2: {W_9: 0.1}\n")
C.append(case("l2_unknown_weight", T, "W_9", "weight matrix", pos=at(T, "W_9")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  l2: 0.1\n")
C.append(case("l2_in_scalar_form", T, "'l2'", "form: matrix", pos=at(T, "0.1")))
T = sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  form: matrix\n  names: {matrix_layout: out_in}\n")
C.append(case("matrix_layout_against_layout", T, "in_out", pos=at(T, "{matrix_layout")))
T = sub(GOOD_NET, "loss: half_sse", "loss: [mse]")
C.append(case("loss_not_text", T, "'loss'", "text", pos=at(T, "[mse]")))
T = GOOD_NET + "subgradient: 2\n"
C.append(case("subgradient_out_of_range", T, "'subgradient'", "allowed: 0, 1",
              pos=at(T, "subgradient: 2", shift=13)))

# --- YAML tags: nothing may be constructed, nothing may run ---------------------
TOUCH = f'["touch {SENTINEL}"]'
T = GOOD_NET + f"x: !!python/object/apply:os.system {TOUCH}\n"
C.append(case("tag_python_object_apply", T, "YAML tag", "not allowed", pos=at(T, "!!python")))
T = f"!!python/object/apply:os.system {TOUCH}\n"
C.append(case("tag_python_object_apply_top", T, "YAML tag", "not allowed", pos=(1, 1)))
T = GOOD_NET + "x: !!python/name:os.system\n"
C.append(case("tag_python_name", T, "YAML tag", "not allowed", pos=at(T, "!!python")))
T = GOOD_NET + f'x: !!python/object/new:subprocess.check_output [["touch", "{SENTINEL}"]]\n'
C.append(case("tag_python_object_new", T, "YAML tag", "not allowed", pos=at(T, "!!python")))
T = GOOD_NET + "x: !!python/module:os\n"
C.append(case("tag_python_module", T, "YAML tag", "not allowed", pos=at(T, "!!python")))
T = GOOD_NET + f"? !!python/object/apply:os.system {TOUCH}\n: 1\n"
C.append(case("tag_on_mapping_key", T, "YAML tag", "not allowed", pos=at(T, "!!python")))
T = ("%TAG !p! tag:yaml.org,2002:python/\n---\n" + GOOD_NET
     + f"x: !p!object/apply:os.system {TOUCH}\n")
C.append(case("tag_via_tag_directive", T, "YAML tag", "not allowed", pos=at(T, "!p!object")))
T = GOOD_NET + "x: !custom value\n"
C.append(case("tag_local", T, "YAML tag", "not allowed", pos=at(T, "!custom")))
T = GOOD_NET + "x: !!binary aGVsbG8=\n"
C.append(case("tag_binary", T, "YAML tag", "not allowed", pos=at(T, "!!binary")))
T = "network:\n  <<: {inputs: 1}\n  layers: [{units: 1, activation: identity}]\n" \
    "loss: mse\nreduction: sum\n"
C.append(case("merge_key", T, "not allowed", pos=at(T, "<<")))

# --- aliases ---------------------------------------------------------------------
BOMB = "".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)])
C.append(case("alias_bomb", BOMB, "anchors and aliases are not allowed", pos=at(BOMB, "&a0")))
T = GOOD_NET + "x: &v 1\ny: *v\n"
C.append(case("alias_simple", T, "anchors and aliases are not allowed", pos=at(T, "&v")))

# --- formulas (model equations and custom activations) -----------------------------
T = model_eq("a.__class__ + b*x")
C.append(case("formula_attribute", T, "'h'", "Attribute is not allowed", "relu",
              pos=at(T, "a.__class__")))
T = model_eq(f"__import__('os').system('touch {SENTINEL}')")
C.append(case("formula_dunder_import", T, "'h'", "only plain calls", pos=at(T, "__import__")))
T = model_eq("'a.__class__.__mro__[1].__subclasses__()'")
C.append(case("formula_dunder_chain", T, "'h'", "only plain calls", pos=at(T, "a.__class__")))
T = model_eq('"(lambda: a)() + b*x"')
C.append(case("formula_lambda", T, "'h'", "only plain calls", pos=at(T, "(lambda")))
T = model_eq("'a + b*x + [v for v in [x]][0]'")
C.append(case("formula_list_comprehension", T, "'h'", "not allowed", pos=at(T, "[v for")))
T = model_eq("relu(v for v in x) + a + b")
C.append(case("formula_generator", T, "'h'", "GeneratorExp is not allowed",
              pos=within(T, "(v for v")))
T = model_eq("relu(x=a) + b*x")
C.append(case("formula_keyword_argument", T, "'h'", "only plain calls", pos=at(T, "relu(x=a)")))
T = model_eq("a + b*q")
C.append(case("formula_unknown_name", T, "unknown name 'q'", "allowed: a, b, x",
              pos=at(T, "q\n")))
T = model_eq("a + b*foo(x)")
C.append(case("formula_unknown_function", T, "unknown function 'foo'", "allowed:", "relu",
              pos=at(T, "foo")))
T = model_eq("a + b*eval(x)")
C.append(case("formula_eval", T, "unknown function 'eval'", pos=at(T, "eval")))
T = model_eq("a + b*9**9**9**9")
C.append(case("formula_power_tower", T, "exponents are limited", pos=at(T, "9**9**9**9", shift=3)))
T = model_eq("a + b*x**(2**100)")
C.append(case("formula_huge_exponent", T, "exponents are limited", pos=within(T, "x**(2**100)")))
T = model_eq("2**a + b*x")
C.append(case("formula_number_to_formula", T, "use exp()", pos=at(T, "2**a")))
T = model_eq("(" * 4000 + "a" + ")" * 4000 + " + b*x")
C.append(case("formula_4000_nested_parens", T, "'h'", pos=within(T, "(" * 4000 + "a")))
T = model_eq("(" * 5000 + "a" + ")" * 5000 + " + b*x")
C.append(case("formula_5000_nested_parens", T, "'h'", "longer than", pos=at(T, "(((((")))
T = model_eq("a + b*" + "-" * 5000 + "x")
C.append(case("formula_5000_unary_minus", T, "'h'", "nested too deeply",
              pos=within(T, "a + b*---")))
T = model_eq("a + b*x" + " + x" * 5000)
C.append(case("formula_very_long", T, "'h'", "longer than 10000", pos=at(T, "a + b*x + x")))
T = model_eq("a + b*x*" + "9" * 5000)
C.append(case("formula_5000_digit_number", T, "'h'", pos=within(T, "a + b*x*99")))
T = model_eq("a + * b*x")
C.append(case("formula_syntax_error", T, "'h'", "not a formula", pos=at(T, "* b*x")))
T = model_eq("'a + * b*x'")
C.append(case("formula_syntax_error_quoted", T, "'h'", "not a formula", pos=at(T, "* b*x")))
T = net_layer1('units: 2, activation: {custom: "x**3 +"}')
C.append(case("custom_activation_syntax_error", T, "'custom'", "not a formula",
              pos=within(T, 'x**3 +"')))
T = net_layer1('units: 2, activation: {custom: "x.real"}')
C.append(case("custom_activation_attribute", T, "'custom'", "not allowed",
              pos=at(T, "x.real")))
T = net_layer1('units: 2, activation: {custom: "x**3 + y"}')
C.append(case("custom_activation_unknown_name", T, "unknown name 'y'", "allowed: x",
              pos=at(T, "y\"")))
T = model_eq("\"a + 'hi'\"")
C.append(case("formula_string_constant", T, "'h'", "not allowed", pos=at(T, "'hi'")))
T = model_eq("'a[0] + b*x'")
C.append(case("formula_subscript", T, "'h'", "Subscript is not allowed", pos=at(T, "a[0]")))
T = model_eq("relu(*x) + a + b")
C.append(case("formula_starred", T, "'h'", "not allowed", pos=at(T, "*x)")))
T = model_eq("a + 1j*b*x")
C.append(case("formula_complex_literal", T, "'h'", "not allowed", pos=at(T, "1j")))
T = model_eq("null")
C.append(case("formula_null", T, "equation 'h' must be a formula", pos=at(T, "h: null")))
T = model_eq("a + b*x^2 + * x")
C.append(case("formula_syntax_error_after_caret", T, "'h'", "not a formula",
              pos=at(T, "* x\n")))
T = model_eq("'   a + q'")
C.append(case("formula_leading_spaces", T, "unknown name 'q'", pos=at(T, "q'")))
T = sub(GOOD_MODEL, "h: a + b*x", "h: |-\n      a + q")
C.append(case("formula_block_scalar", T, "unknown name 'q'", pos=at(T, "q\n")))
T = model_eq("a + 1e999*x")
C.append(case("formula_infinite_literal", T, "'h'", pos=at(T, "1e999")))
T = model_eq("a + b*x/0")
C.append(case("formula_division_by_zero", T, "'h'", pos=within(T, "a + b*x/0")))
T = model_eq("a + b*x*1e308*1e308")
C.append(case("formula_constant_overflow", T, "'h'", pos=within(T, "a + b*x*1e308*1e308")))
T = model_eq("a + b*x*sqrt(-1)")
C.append(case("formula_imaginary_constant", T, "'h'", pos=within(T, "a + b*x*sqrt(-1)")))

# --- name templates ----------------------------------------------------------
T = net_names("weight: 'w_{q}'")
C.append(case("template_bad_placeholder", T, "'weight'", "{l}, {k}, {j} and {m}",
              pos=at(T, "'w_{q}'")))
T = net_names("weight: 'w_{0.__class__}'")
C.append(case("template_format_attack", T, "'weight'", "{l}, {k}, {j} and {m}",
              pos=at(T, "'w_{0")))
T = net_names("weight: 'w-{l}'")
C.append(case("template_not_a_name", T, "'weight'", "letters, digits and _",
              pos=at(T, "'w-{l}'")))
T = net_names("matrix_layout: diag")
C.append(case("template_bad_layout", T, "'matrix_layout'", "allowed: out_in, in_out",
              pos=at(T, "diag")))
T = net_names("loss: 'L_{l}{k}'")
C.append(case("template_loss_with_placeholders", T, "'loss'", pos=at(T, "'L_{l}{k}'")))
T = net_names("layer_base: -5")
C.append(case("template_negative_layer_base", T, "'layer_base'", pos=at(T, "-5")))

# --- duplicate names -----------------------------------------------------------
T = sub(GOOD_MODEL, "[a, b]", "[a, b, a]")
C.append(case("duplicate_parameter", T, "'parameters'", "distinct", pos=at(T, "[a, b, a]")))
T = sub(GOOD_MODEL, "h: a + b*x", "a: a + b*x")
C.append(case("equation_reuses_parameter", T, "'a'", "already defined",
              pos=at(T, "a: a + b*x")))
T = sub(GOOD_MODEL, "[a, b]", "[a, b, x]")
C.append(case("parameter_same_as_input", T, "'x'", pos=at(T, "[a, b, x]")[:1] + (None,)))
T = net_names("weight: 'x'")
C.append(case("template_collides_with_input", T, "x", pos=at(T, "'x'")[:1] + (None,)))
T = net_names("pre: 'z', post: 'z'")
C.append(case("template_pre_post_collide", T, "used twice", pos=at(T, "pre:")[:1] + (None,)))
T = sub(GOOD_MODEL, "h: a + b*x", "L: a + b*x")
C.append(case("equation_named_L", T, "'L'", pos=at(T, "L: a")[:1] + (None,)))
T = sub(GOOD_MODEL, "[a, b]", "[a, b, c]")
C.append(case("unused_parameter", T, "parameter 'c'", "no equation",
              pos=at(T, "[a, b, c]")[:1] + (None,)))
T = sub(GOOD_MODEL, "h: a + b*x", "2h: a + b*x")
C.append(case("equation_name_not_identifier", T, "'2h'", "not a name", pos=at(T, "2h:")))
T = sub(GOOD_MODEL, "  equations:", "  functions: {f: eval}\n  equations:")
C.append(case("function_alias_unknown", T, "function alias 'f'", "relu", pos=at(T, "{f: eval}")))

# --- worked example -------------------------------------------------------------
T = GOOD_NET + "example:\n  x: [1.0, 2.0, 3.0]\n"
C.append(case("example_x_wrong_width", T, "example", "x", pos=at(T, "[1.0, 2.0")[:1] + (None,)))
T = GOOD_NET + "example:\n  x: [[1.0], [1.0, 2.0]]\n"
C.append(case("example_ragged_rows", T, "'x'", "list of numbers", pos=at(T, "[[1.0]")))
T = GOOD_NET + "example:\n  x: [one]\n"
C.append(case("example_x_not_numbers", T, "'x'", "list of numbers", pos=at(T, "[one]")))
T = GOOD_NET + "example:\n  x: [1.0]\n  params: [1, 2]\n"
C.append(case("example_params_not_mapping", T, "'params'", "mapping", pos=at(T, "[1, 2]")))
T = GOOD_NET + "example:\n  x: [1.0]\n  learning_rate: fast\n"
C.append(case("example_learning_rate_text", T, "'learning_rate'", "number", pos=at(T, "fast")))
T = GOOD_NET + "example:\n  x: [1.0]\n  params: {w_11: null}\n"
C.append(case("example_param_null", T, "w_11", pos=at(T, "null")[:1] + (None,)))
T = GOOD_NET + "example:\n  x: [.nan]\n"
C.append(case("example_x_nan", T, "'x'", pos=at(T, "[.nan]")))

# --- bytes that are not a YAML text file -------------------------------------------
_rng = random.Random(20240611)
JUNK = bytes(_rng.randrange(256) for _ in range(4096)) + b"\x00\xff\xfe\x00"
C.append(case("binary_junk", JUNK, "not UTF-8"))
C.append(case("invalid_utf8", b"name: caf\xe9\nloss: mse\n", "not UTF-8"))
C.append(case("nul_in_utf8_text", b"name: t\x00\nloss: mse\n", pos=(1, 8)))
C.append(case("huge_file", b"# padding\n" * 110_000, "larger than"))

# --- budgets and hostile values (issue 12) ----------------------------------------
T = sub(GOOD_NET, "units: 2", "units: " + "9" * 4301)
C.append(case("yaml_4301_digit_integer", T, "digits", "at most 100", pos=at(T, "9999")))
T = "name: t\n" + "".join(f"k{i}: {i}\n" for i in range(60_000))
C.append(case("yaml_60000_keys", T, "more than 20000 YAML values", pos=(10_000, None)))
T = sub(GOOD_NET, "name: good_net", 'name: "good\\nnet"')
C.append(case("name_with_newline", T, "'name'", "U+000A", pos=(1, 12)))
T = sub(GOOD_NET, "name: good_net", 'name: ""')
C.append(case("name_empty", T, "'name'", "empty", pos=(1, 8)))
T = sub(GOOD_NET, "name: good_net", 'name: "good \U0001F642"')
C.append(case("name_emoji", T, "'name'", "not allowed in a name", pos=(1, 13)))
T = sub(GOOD_NET, "name: good_net", "name: good_\u2202net")
C.append(case("name_partial_sign", T, "'name'", "'\u2202'", pos=at(T, "\u2202")))
T = sub(GOOD_NET, "name: good_net", "name: " + "n" * 200)
C.append(case("name_too_long", T, "'name'", "longer than 120", pos=(1, 127)))
T = sub(GOOD_NET, "    - {units: 2, activation: sigmoid}\n",
        "    - {units: 1, activation: tanh}\n" * 64)
C.append(case("scalar_layers_65", T, "65 layers", "scalar form derives at most 64",
              "form: matrix", pos=at(T, "- {units: 1, activation: t")))
T = sub(sub(GOOD_NET, "  inputs: 1\n", "  inputs: 1\n  form: matrix\n"),
        "    - {units: 2, activation: sigmoid}\n", "    - {units: 1, activation: tanh}\n" * 256)
C.append(case("matrix_layers_257", T, "257 layers", "at most 256",
              pos=at(T, "- {units: 1, activation: t")))
T = sub(sub(GOOD_NET, "  inputs: 1\n", "  inputs: 4096\n  form: matrix\n"),
        "    - {units: 2, activation: sigmoid}\n", "    - {units: 4096, activation: relu}\n" * 30)
C.append(case("matrix_30_layers_of_4096", T, "parameters; at most 5000000",
              pos=at(T, "- {units: 4096")))
T = sub(GOOD_MODEL, "  equations:", "  domain: {q: [0, 1]}\n  equations:")
C.append(case("domain_unknown_name", T, "domain", "'q'", "names: a, b, x", pos=at(T, "q: [")))
T = sub(GOOD_MODEL, "  equations:", "  domain: {x: [1, 0]}\n  equations:")
C.append(case("domain_empty_interval", T, "domain of 'x'", "low < high", pos=at(T, "[1, 0]")))
T = sub(GOOD_MODEL, "  equations:", "  domain: {x: [1, 2]}\n  equations:") + \
    "example:\n  x: [5.0]\n"
C.append(case("domain_example_outside", T, "x = 5.0", "[1, 2]", pos=at(T, "x: [5.0]")))

REF = GOOD_MODEL + """\
reference:
  formulas:
    - id: da
      latex: '\\frac{\\partial L}{\\partial a} = \\frac{2}{N} \\sum_{n=1}^{N} (h_n - y_n)'
"""


def ref(old: str, new: str) -> str:
    return sub(REF, old, new)


T = REF + "      each: {i: 5}\n"
C.append(case("each_number", T, "each: 'i'", "non-empty list", pos=at(T, "5}")))
T = REF + "      each: {i: null}\n"
C.append(case("each_null", T, "each: 'i'", pos=at(T, "null")))
T = REF + "      each: {i: abc}\n"
C.append(case("each_text", T, "each: 'i'", "not 'abc'", pos=at(T, "abc")))
T = REF + "      each: {i: [" + ", ".join(map(str, range(50))) + "], j: [" + \
    ", ".join(map(str, range(50))) + "]}\n"
C.append(case("each_2500_combinations", T, "more than 2000", pos=at(T, "[0, 1", nth=2)))
T = REF + "    - {id: two, latex: 'a = a', continues: [1, 2]}\n"
C.append(case("continues_list", T, "'continues'", pos=at(T, "[1, 2]")))
T = ref("reference:\n", "reference:\n  functions: {a: 1}\n")
C.append(case("functions_number", T, "functions: 'a'", pos=at(T, "1}")))
T = ref("reference:\n", "reference:\n  functions: {s: swish}\n")
C.append(case("functions_unused_unknown_target", T, "functions: s", "'swish'", "sigmoid",
              pos=at(T, "swish")))
T = ref("reference:\n", "reference:\n  where: {g: 'a + \\foo'}\n")
C.append(case("where_unused_bad_latex", T, "where: g", "\\foo", pos=at(T, "\\foo")))
EXAMPLE = "example:\n  x: [1.0]\n  y: [2.0]\n  params: {a: 0.5, b: 1.0}\n"
T = GOOD_MODEL + EXAMPLE + "claims: {a: 1}\n"
C.append(case("claims_mapping", T, "'claims' must be a list", pos=at(T, "{a: 1}")))
T = GOOD_MODEL + EXAMPLE + "claims:\n  - {id: h, of: h, value: 1.5, tolerance: -0.1}\n"
C.append(case("claim_negative_tolerance", T, "'tolerance'", "≥ 0", pos=at(T, "-0.1")))
T = GOOD_MODEL + EXAMPLE + "claims:\n  - {id: h, of: h, value: 1e400}\n"
C.append(case("claim_value_1e400", T, "'value'", "finite", pos=at(T, "1e400")))

CASES = {c.id: c for c in C}
assert len(CASES) == len(C), "duplicate case ids"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def params(cases):
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)]
                         if c.bug else []) for c in cases]


def write_case(directory: Path, c: Case, sentinel: Path) -> Path:
    path = directory / f"{c.id}.yaml"
    if isinstance(c.text, bytes):
        path.write_bytes(c.text)
    else:
        path.write_text(c.text.replace(SENTINEL, str(sentinel)), encoding="utf-8", newline="")
    return path


@contextlib.contextmanager
def alarm(seconds: float):
    """Interrupt Python code that runs longer than ``seconds`` (POSIX, main thread)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _timeout(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    """``derivgen.cli.main(args)`` in-process: (exit code, stdout, stderr)."""
    from derivgen.cli import main
    capsys.readouterr()
    with alarm(TIMEOUT):
        try:
            rc = main(args)
        except SystemExit as exc:  # argparse usage errors
            rc = exc.code
    out, err = capsys.readouterr()
    return rc, out, err


def assert_refused(rc, out: str, err: str, path: str, expect=(), pos: Pos = None) -> None:
    """Exit 2, no traceback, 1-2 stderr lines naming ``path`` (and the position)."""
    assert "Traceback" not in err and "Traceback" not in out, err
    assert rc == 2, f"exit code {rc}, expected 2; stderr: {err!r}"
    lines = [line for line in err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, f"expected 1-2 lines on stderr, got {len(lines)}: {err!r}"
    assert lines[0].startswith(f"derivgen: {path}"), lines[0]
    assert "internal error" not in err, err
    for word in expect:
        assert word in err, f"{word!r} not in stderr: {err!r}"
    if pos is not None:
        line, col = pos
        if col is None:
            assert f"{path}:{line}:" in err, f"expected {path}:{line}: in {err!r}"
        elif isinstance(col, tuple):
            m = re.search(re.escape(path) + r":(\d+):(\d+): ", err)
            assert m, f"no {path}:LINE:COL: in {err!r}"
            got = (int(m.group(1)), int(m.group(2)))
            assert got[0] == line and col[0] <= got[1] <= col[1], \
                f"position {got}, expected line {line}, column in {col}: {err!r}"
        else:
            assert f"{path}:{line}:{col}: " in err, f"expected {path}:{line}:{col}: in {err!r}"
    assert f"{path}: ok" not in out, out


# ---------------------------------------------------------------------------
# Jobs: a command run in a folder of its own, with the files it reads.  They run
# in-process through derivgen.cli.main (a real interpreter per job was slow and
# timed out under load); the few behaviours that need a real process (signals,
# pipes, start-up) are in test_fuzz_process.py.
# ---------------------------------------------------------------------------

@dataclass
class Run:
    rc: Optional[int]
    out: str
    err: str
    timed_out: bool = False


@dataclass
class Job:
    argv: list[str]
    files: dict[str, Union[str, bytes]] = field(default_factory=dict)
    fifo: Optional[str] = None


def _jobs() -> dict[str, Job]:
    """Jobs by name; paths in argv are relative to the job's directory."""
    deep_list = "[" * 10_000 + "]" * 10_000 + "\n"
    deep_map = "a: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"
    deep_block = "".join("  " * i + "- \n" for i in range(700))
    jobs = {}
    if hasattr(os, "mkfifo"):
        jobs["fifo"] = Job(["check", "s.yaml"], fifo="s.yaml")
    jobs.update({
        "power_bomb": Job(["check", "s.yaml"],
                          {"s.yaml": model_eq("a + b*x*((((9**64)**64)**64)**64)**64")}),
        "huge_inputs": Job(["check", "s.yaml"],
                           {"s.yaml": sub(GOOD_NET, "inputs: 1", "inputs: 10000000")}),
        "yaml_syntax": Job(["check", "s.yaml"], {"s.yaml": CASES["yaml_mapping_values"].text}),
        "tag_apply": Job(["check", "s.yaml"], {"s.yaml": CASES["tag_python_object_apply"].text}),
        "tag_apply_top": Job(["check", "s.yaml"],
                             {"s.yaml": CASES["tag_python_object_apply_top"].text}),
        "tag_name": Job(["check", "s.yaml"], {"s.yaml": CASES["tag_python_name"].text}),
        "formula_import": Job(["check", "s.yaml"],
                              {"s.yaml": CASES["formula_dunder_import"].text}),
        "alias_bomb": Job(["check", "s.yaml"], {"s.yaml": BOMB}),
        "deep_list": Job(["check", "s.yaml"], {"s.yaml": deep_list}),
        "deep_map": Job(["check", "s.yaml"], {"s.yaml": deep_map}),
        "deep_block": Job(["check", "s.yaml"], {"s.yaml": deep_block}),
        "huge_file": Job(["check", "s.yaml"], {"s.yaml": CASES["huge_file"].text}),
        "binary_junk": Job(["check", "s.yaml"], {"s.yaml": JUNK}),
        "power_tower": Job(["check", "s.yaml"], {"s.yaml": CASES["formula_power_tower"].text}),
        "nested_parens": Job(["check", "s.yaml"],
                             {"s.yaml": model_eq("(" * 5000 + "a" + ")" * 5000 + " + b*x")}),
        "missing_file": Job(["check", "missing.yaml"]),
        "empty_dir": Job(["check", "empty"], {"empty/.keep": ""}),
        "mixed": Job(["check", "--points", "1", "bad.yaml", "good.yaml"],
                     {"bad.yaml": CASES["unknown_activation"].text, "good.yaml": GOOD_NET}),
        "mixed_json": Job(["check", "--json", "--points", "1", "good.yaml", "bad.yaml"],
                          {"bad.yaml": CASES["unknown_activation"].text, "good.yaml": GOOD_NET}),
        "no_args": Job([]),
        "unknown_subcommand": Job(["frobnicate"]),
        "check_without_files": Job(["check"]),
    })
    return jobs


def run_in(cwd: Path, argv: list[str]) -> Run:
    """``derivgen.cli.main(argv)`` with ``cwd`` as the current folder; stdout and stderr
    captured (stdout with a byte buffer, as derive writes bytes)."""
    from derivgen.cli import main
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    old = os.getcwd()
    timed_out = False
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), alarm(TIMEOUT):
            try:
                rc = main(argv)
            except SystemExit as exc:  # argparse usage errors
                rc = exc.code
    except TimeoutError:
        rc, timed_out = None, True
    finally:
        os.chdir(old)
    out.flush()
    return Run(rc, out.buffer.getvalue().decode("utf-8", "replace"), err.getvalue(), timed_out)


def _run(job: Job, cwd: Path, sentinel: Path) -> Run:
    cwd.mkdir(parents=True)
    for name, content in job.files.items():
        p = cwd / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content.replace(SENTINEL, str(sentinel)), encoding="utf-8", newline="")
    if job.fifo:
        os.mkfifo(cwd / job.fifo)
    return run_in(cwd, job.argv)


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    """``cli[name]`` runs that job (once) in a folder of its own."""
    base = tmp_path_factory.mktemp("cli")
    sentinel = base / "PWNED"
    jobs, done = _jobs(), {}

    class Results:
        def __getitem__(self, name: str) -> Run:
            if name not in done:
                done[name] = _run(jobs[name], base / name, sentinel)
            return done[name]

        sentinel_path = sentinel

    yield Results()


def refused(run: Run, path: str, *expect: str, pos: Pos = None) -> None:
    assert not run.timed_out, f"no answer after {TIMEOUT} s"
    assert_refused(run.rc, run.out, run.err, path, expect, pos)


def test_cli_yaml_syntax_error(cli) -> None:
    refused(cli["yaml_syntax"], "s.yaml", "YAML error", pos=CASES["yaml_mapping_values"].pos)


@pytest.mark.parametrize("name, pos", [
    ("tag_apply", CASES["tag_python_object_apply"].pos),
    ("tag_apply_top", (1, 1)),
    ("tag_name", CASES["tag_python_name"].pos),
])
def test_cli_yaml_tags_run_nothing(cli, name: str, pos) -> None:
    run = cli[name]
    refused(run, "s.yaml", "YAML tag", "not allowed", pos=pos)
    assert not cli.sentinel_path.exists(), "a YAML tag ran code"


def test_cli_formula_runs_nothing(cli) -> None:
    refused(cli["formula_import"], "s.yaml", "only plain calls",
            pos=CASES["formula_dunder_import"].pos)
    assert not cli.sentinel_path.exists(), "a formula ran code"


def test_cli_alias_bomb_is_rejected(cli) -> None:
    run = cli["alias_bomb"]  # 9**9 strings if expanded: refused at the first anchor
    refused(run, "s.yaml", "anchors and aliases", pos=CASES["alias_bomb"].pos)


@pytest.mark.parametrize("name, pos", [("deep_list", (1, 41)), ("deep_map", (1, 157)),
                                       ("deep_block", (41, 81))])
def test_cli_deep_nesting(cli, name: str, pos) -> None:
    # the 41st level is refused where it starts: the 41st "[", the key inside the 39th
    # "{a: " (keys are a level too), the 41st "- "
    refused(cli[name], "s.yaml", "nested too deeply", pos=pos)


def test_cli_huge_file(cli) -> None:
    refused(cli["huge_file"], "s.yaml", "larger than")


def test_cli_binary_junk(cli) -> None:
    refused(cli["binary_junk"], "s.yaml", "not UTF-8")


def test_cli_power_tower(cli) -> None:
    refused(cli["power_tower"], "s.yaml", "exponents are limited",
            pos=CASES["formula_power_tower"].pos)


def test_cli_5000_nested_parentheses(cli) -> None:
    refused(cli["nested_parens"], "s.yaml", "'h'")


def test_cli_missing_file(cli) -> None:
    refused(cli["missing_file"], "missing.yaml", "no such file")


def test_cli_directory_without_specs(cli) -> None:
    refused(cli["empty_dir"], "empty", "no .yaml specs")


def test_cli_good_and_bad(cli) -> None:
    run = cli["mixed"]
    refused(run, "bad.yaml", "'swish'", "allowed:", pos=CASES["unknown_activation"].pos)
    assert "good.yaml: ok" in run.out, run.out


def test_cli_good_and_bad_json(cli) -> None:
    run = cli["mixed_json"]
    assert not run.timed_out and run.rc == 2 and "Traceback" not in run.err, run.err
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("derivgen: bad.yaml:"), run.err
    items = json.loads(run.out)["items"]
    assert {i["spec"] for i in items if i["status"] == "error"} == {"bad.yaml"}
    assert any(i["status"] == "ok" for i in items), items


@pytest.mark.parametrize("name", ["no_args", "unknown_subcommand", "check_without_files"])
def test_cli_usage_error(cli, name: str) -> None:
    run = cli[name]
    assert not run.timed_out and run.rc == 2, (run.rc, run.err)
    assert "Traceback" not in run.err and "usage:" in run.err, run.err


# ---------------------------------------------------------------------------
# In-process: every case through derivgen.cli.main
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("c", params(C))
def test_bad_spec_is_refused(c: Case, tmp_path: Path, capsys) -> None:
    sentinel = tmp_path / "PWNED"
    path = write_case(tmp_path, c, sentinel)
    rc, out, err = run_main(["check", "--points", "1", str(path)], capsys)
    assert not sentinel.exists(), "the spec ran code"
    assert_refused(rc, out, err, str(path), c.expect, c.pos)
    assert out == "", out
    if c.extra:
        c.extra(err)


def test_missing_file(tmp_path: Path, capsys) -> None:
    path = str(tmp_path / "no_such_spec.yaml")
    rc, out, err = run_main(["check", path], capsys)
    assert_refused(rc, out, err, path, ("no such file",))


def test_missing_file_without_suffix(tmp_path: Path, capsys) -> None:
    path = str(tmp_path / "no_such_spec")
    rc, out, err = run_main(["check", path], capsys)
    assert_refused(rc, out, err, path, ("no such file",))


def test_directory_without_specs(tmp_path: Path, capsys) -> None:
    (tmp_path / "README.txt").write_text("not a spec\n")
    rc, out, err = run_main(["check", str(tmp_path)], capsys)
    assert_refused(rc, out, err, str(tmp_path), ("no .yaml specs",))


def test_every_bad_spec_in_one_run(tmp_path: Path, capsys) -> None:
    """All cases that work today, in one call: one line each, in order, exit 2."""
    ok = [c for c in C if not c.bug]
    paths = [str(write_case(tmp_path, c, tmp_path / "PWNED")) for c in ok]
    rc, out, err = run_main(["check", "--points", "1", *paths], capsys)
    assert rc == 2 and "Traceback" not in err
    assert not (tmp_path / "PWNED").exists()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(ok) <= len(lines) <= 2 * len(ok), err
    for path in paths:
        assert sum(line.startswith(f"derivgen: {path}") for line in lines) == 1, (path, err)


def test_good_and_bad_in_process(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_MODEL)
    bad = write_case(tmp_path, CASES["unknown_loss"], tmp_path / "PWNED")
    rc, out, err = run_main(["check", "--points", "1", str(bad), str(good)], capsys)
    assert_refused(rc, out, err, str(bad), ("'hinge'",), CASES["unknown_loss"].pos)
    assert f"{good}: ok" in out, out
    assert str(good) not in err


def test_directory_with_good_and_bad(tmp_path: Path, capsys) -> None:
    (tmp_path / "a_good.yaml").write_text(GOOD_NET)
    bad = write_case(tmp_path, CASES["units_zero"], tmp_path / "PWNED")
    rc, out, err = run_main(["check", "--points", "1", str(tmp_path)], capsys)
    assert_refused(rc, out, err, str(bad), ("'units'",), CASES["units_zero"].pos)
    assert f"{tmp_path / 'a_good.yaml'}: ok" in out, out


def test_json_output_reports_the_bad_spec(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_MODEL)
    bad = write_case(tmp_path, CASES["unknown_top_key"], tmp_path / "PWNED")
    rc, out, err = run_main(["check", "--json", "--points", "1", str(good), str(bad)], capsys)
    assert rc == 2 and "Traceback" not in err
    items = json.loads(out)["items"]
    errors = [i for i in items if i["status"] == "error"]
    assert [e["spec"] for e in errors] == [str(bad)]
    assert "unknown key 'bogus'" in errors[0]["message"]
    assert any(i["kind"] == "gradient" and i["status"] == "ok" for i in items)


USAGE = [
    pytest.param([], ("required",), id="no_arguments"),
    pytest.param(["frobnicate", "x.yaml"], ("invalid choice",), id="unknown_subcommand"),
    pytest.param(["check"], ("required",), id="check_without_files"),
    pytest.param(["check", "--bogus", "x.yaml"], ("unrecognized",), id="unknown_option"),
    pytest.param(["check", "--points", "abc", "x.yaml"], ("--points",), id="points_not_int"),
    pytest.param(["check", "--points", "-1", "GOOD"], ("--points",), id="points_negative"),
    pytest.param(["check", "--seed", "-1", "GOOD"], ("--seed",), id="seed_negative"),
]


@pytest.mark.parametrize("argv, expect", USAGE)
def test_usage_error(argv: list[str], expect, tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_MODEL)
    argv = [str(good) if a == "GOOD" else a for a in argv]
    rc, out, err = run_main(argv, capsys)
    assert rc == 2, f"exit {rc}; stderr {err!r}"
    assert "Traceback" not in err and "internal error" not in err, err
    assert "usage:" in err and "derivgen: " in err, err
    for word in expect:
        assert word in err, err


def test_cli_power_bomb(cli) -> None:
    refused(cli["power_bomb"], "s.yaml", "'h'", pos=(6, None))


def test_cli_huge_inputs(cli) -> None:
    refused(cli["huge_inputs"], "s.yaml", "'inputs'", pos=(3, None))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_cli_fifo(cli) -> None:
    refused(cli["fifo"], "s.yaml")


# ---------------------------------------------------------------------------
# Hostile or extreme but valid input: what is accepted works (issue 12)
# ---------------------------------------------------------------------------

def listing(folder: Path) -> set[str]:
    """Every path under ``folder``, relative to it."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, expected", [
    ("../../escaped", "escaped.pdf"), ("/tmp/absolute", "tmp_absolute.pdf"),
    (".hidden", "hidden.pdf"), ("a b/c\\\\d", "a_b_c_d.pdf"), ("...", "derivation.pdf"),
    ("-rf", "rf.pdf"), ("Привет", "Привет.pdf")])
def test_default_pdf_name_stays_in_the_current_folder(name: str, expected: str) -> None:
    from derivgen.files import default_output
    out = default_output(name, ".pdf")
    assert str(out) == expected and out.parent == Path(".")


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="needs pdflatex")
def test_pdf_of_a_hostile_name_is_written_here_only(tmp_path: Path) -> None:
    work, outside = tmp_path / "a" / "b", tmp_path
    work.mkdir(parents=True)
    write(work, "s.yaml", sub(GOOD_NET, "name: good_net", "name: ../../escaped"))
    before = listing(outside)
    run = run_in(work, ["derive", "s.yaml", "--format", "pdf"])
    assert run.rc == 0, run.err
    assert listing(outside) - before == {"a/b/escaped.pdf"}, listing(outside) - before
    assert not list(Path(tempfile.gettempdir()).glob(f"derivgen-{os.getpid()}-*"))


def test_output_is_atomic_on_a_full_disk(tmp_path: Path, monkeypatch) -> None:
    """ENOSPC while writing: the old file stays whole, no temporary file is left, and the
    message names the file (it said "cannot write None")."""
    spec = write(tmp_path, "s.yaml", GOOD_NET)
    target = write(tmp_path, "existing.md", "old content\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    run = run_in(tmp_path, ["derive", str(spec), "-o", "existing.md"])
    assert run.rc == 2 and "Traceback" not in run.err
    assert "cannot write existing.md: No space left on device" in run.err, run.err
    assert target.read_text() == "old content\n"
    assert listing(tmp_path) == {"s.yaml", "existing.md"}


@pytest.mark.parametrize("command", ["codegen", "audit"])
def test_codegen_and_annotate_are_atomic_on_a_full_disk(command: str, tmp_path: Path,
                                                        monkeypatch) -> None:
    """The other writers of a user-named file go through the same atomic write."""
    spec = write(tmp_path, "s.yaml", GOOD_NET)
    doc = write(tmp_path, "notes.md", "---\n" + GOOD_NET.replace("name: good_net\n", "")
                + "---\n\n$$ \\hat{y} = z_{2} $$\n")
    target = write(tmp_path, "existing.md", "old content\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", full)
    argv = {"codegen": ["codegen", str(spec), "-o", "existing.md"],
            "audit": ["audit", str(doc), "--annotate", "existing.md"]}[command]
    run = run_in(tmp_path, argv)
    assert run.rc == 2 and "Traceback" not in run.err, run.err
    assert "cannot write existing.md: No space left on device" in run.err, run.err
    assert target.read_text() == "old content\n"
    assert listing(tmp_path) == {"s.yaml", "notes.md", "existing.md"}


def test_output_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    from derivgen.files import write_atomic
    target = write(tmp_path, "out.md", "old\n")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n" and (target.stat().st_mode & 0o777) == 0o640
    assert listing(tmp_path) == {"out.md"}


def test_full_listing_is_bounded(tmp_path: Path, capsys) -> None:
    """1-139-139-1 is within the scalar budget; its full listing took minutes and 18 MB,
    so --full is refused above its own budget while the compact default stays fast."""
    from derivgen.limits import MAX_FULL_LISTING
    spec = write(tmp_path, "s.yaml", GOOD_NET.replace("units: 2,", "units: 139,").replace(
        "    - {units: 1, activation: identity}",
        "    - {units: 139, activation: relu}\n    - {units: 1, activation: identity}"))
    rc, out, err = run_main(["derive", str(spec), "--full"], capsys)
    assert rc == 2 and "Traceback" not in err and out == "", err
    assert f"at most {MAX_FULL_LISTING} parameters" in err and "19878" in err, err
    rc, out, err = run_main(["derive", str(spec)], capsys)
    assert rc == 0 and "the other units alike" in out, err


def test_version(capsys) -> None:
    from derivgen import __version__
    rc, out, err = run_main(["--version"], capsys)
    assert rc == 0 and out.strip() == f"derivgen {__version__}", (out, err)


def test_5000_digit_points_are_not_echoed(tmp_path: Path, capsys) -> None:
    spec = write(tmp_path, "s.yaml", GOOD_NET)
    rc, out, err = run_main(["check", "--points", "9" * 5000, str(spec)], capsys)
    assert rc == 2 and "Traceback" not in err and "--points" in err
    assert "9" * 200 not in err and "5000 characters" in err, err


@pytest.mark.parametrize("formula", ["sin(10**20)*x", "sigmoid(99999999999999999999)*x",
                                     "x*123456789012345678901234567890/10**25", "x + 2**63*0"])
def test_big_integer_constants_work(formula: str, tmp_path: Path, capsys) -> None:
    spec = write(tmp_path, "s.yaml", net_layer1(f'units: 2, activation: {{custom: "{formula}"}}'))
    rc, out, err = run_main(["check", "--points", "1", str(spec)], capsys)
    assert rc == 0 and "Traceback" not in err and "internal error" not in err, (out, err)


def test_json_never_prints_nan(tmp_path: Path, capsys) -> None:
    """A gradient that overflows is "non-finite" (exit 1), and --json is strict JSON."""
    deep = "exp(" * 40 + "x" + ")" * 40
    spec = write(tmp_path, "s.yaml", net_layer1(f'units: 2, activation: {{custom: "{deep}"}}'))
    rc, out, err = run_main(["check", "--json", "--points", "1", str(spec)], capsys)

    def refuse(constant: str) -> None:
        raise AssertionError(f"bare {constant} in --json output")
    items = json.loads(out, parse_constant=refuse)["items"]
    assert rc == 1 and "Traceback" not in err and "RuntimeWarning" not in err, err
    assert {i["status"] for i in items} == {"non-finite"}, items
    assert all("not a finite number" in i["message"] for i in items)


@pytest.mark.parametrize("formula, x, truth", [
    ("log(1 + exp(x))", 1000.0, 1000.0),          # softplus
    ("1/(1 + exp(-x))", -1000.0, 0.0),            # sigmoid
    ("exp(x)/(1 + exp(x))", -1000.0, 0.0),
    ("exp(x)*exp(-x)*x", 1000.0, 1000.0),         # exp(+big)·exp(−big)
    ("log(sigmoid(x))", -1000.0, -1000.0),
])
def test_custom_formulas_are_evaluated_stably(formula: str, x: float, truth: float) -> None:
    """Values and gradients stay finite where the truth is (the fuzz suite does this with
    random formulas and mpmath)."""
    from derivgen import load
    model = load(sub(GOOD_NET, "    - {units: 2, activation: sigmoid}\n    - {units: 1, "
                     "activation: identity}\n", "    - {units: 1, activation: {custom: "
                     f'"{formula}"}}}}\n'))
    params = {"w": 1.0, "b": 0.0}
    values = model.values(params, [[x]], [[0.0]])
    assert np.isclose(values["yhat"][0], truth, rtol=1e-12, atol=1e-300), values
    grads = model.gradient_fn()(params, [[x]], [[0.0]])
    assert all(np.isfinite(v) for v in grads.values()), grads


LOG_MODEL = """\
name: log_model
model:
  inputs: [x]
  parameters: [a, b]
  DOMAIN
  equations:
    h: a*log(x) + x**b
loss: half_sse
reduction: sum
reference:
  formulas:
    - id: da
      latex: '\\frac{\\partial L}{\\partial a} = \\sum_{n=1}^{N} (h_n - y_n) \\log(x_n)'
"""


def test_domain_lets_check_and_the_judge_draw_valid_points(tmp_path: Path, capsys) -> None:
    bare = write(tmp_path, "bare.yaml", LOG_MODEL.replace("  DOMAIN\n", ""))
    rc, out, err = run_main(["check", "--json", "--points", "2", str(bare)], capsys)
    assert rc == 1 and any(i["status"] == "non-finite" for i in json.loads(out)["items"])
    good = write(tmp_path, "good.yaml", LOG_MODEL.replace("DOMAIN", "domain: {x: [0.5, 4], "
                                                           "b: [0.5, 2]}"))
    rc, out, err = run_main(["check", "--json", "--points", "2", str(good)], capsys)
    items = json.loads(out)["items"]
    assert rc == 0 and {i["status"] for i in items} == {"ok"}, items
    assert any(i["kind"] == "reference" for i in items)


def test_markdown_prints_a_name_as_text(tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", sub(GOOD_NET, "name: good_net",
                          "name: '# heading <script>x</script> *b* [l](u)'"))
    run = run_in(tmp_path, ["derive", "s.yaml"])
    assert run.rc == 0, run.err
    lines = run.out.split("\n")
    assert lines[0] == ("# Gradients by backpropagation: \\# heading &lt;script&gt;x&lt;/script&gt; "
                        "\\*b\\* \\[l\\](u)"), lines[0]
    assert "`# heading <script>x</script> *b* [l](u)`" in lines[2]  # a code span: literal
    assert sum("<script>" in line for line in lines) == 1


@pytest.mark.parametrize("sizes, weights", [
    ([3, 4, 2], {"w_111", "w_143", "w_211", "w_224"}),
    ([12, 3, 2], {"w_1_1_1", "w_1_3_12", "w_2_1_1", "w_2_2_3"}),
    ([1, 12, 3], {"w_1_1", "w_1_12", "w_2_1_1", "w_2_3_12"})])
def test_default_names_keep_one_style_per_network(sizes, weights) -> None:
    from derivgen import mlp
    names = set(mlp(sizes, form="scalar").parameters)
    assert weights <= names, sorted(names)
    styles = {("_" in n[2:]) for n in names if n.startswith("w_")}
    assert len(styles) == 1, sorted(names)


def test_leaky_relu_matrix_document_states_its_slope() -> None:
    from derivgen import mlp
    from derivgen.render.document import render
    text = render(mlp([2, 3, 1], hidden="leaky_relu", alpha=0.2, form="matrix"), "markdown")
    assert r"\alpha = 0.2" in text and "None" not in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_values_file_that_is_not_a_file(kind: str, tmp_path: Path, capsys) -> None:
    spec = write(tmp_path, "s.yaml", GOOD_NET)
    values = {"fifo": tmp_path / "v.yaml", "device": Path("/dev/zero"), "directory": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(values)
    rc, out, err = run_main(["derive", str(spec), "--values", str(values)], capsys)
    assert rc == 2 and "Traceback" not in err and ("values file" in err or "directory" in err), err


def test_notation_symbols_that_cannot_compile_are_refused(tmp_path: Path) -> None:
    T = GOOD_NET + "notation:\n  symbols: {x: '\\bm{x}', yhat: 'y_1'}\n"
    write(tmp_path, "s.yaml", T)
    run = run_in(tmp_path, ["derive", "s.yaml"])
    assert_refused(run.rc, run.out, run.err, "s.yaml", ("\\bm", "\\boldsymbol"),
                   at(T, "\\bm"))


def _tiny_notation():
    from derivgen import load
    from derivgen.render.notation import Notation
    from derivgen.render.profiles import PROFILES
    model = load(sub(GOOD_NET, "{units: 2, activation: sigmoid}", "{units: 1, activation: "
                     '{custom: "leaky_relu(x, 0.2) + leaky_relu(x, 0.3)"}}'))
    return Notation(model, PROFILES["default"]), next(iter(model.graph.nodes))


@pytest.mark.parametrize("wrap", ["exp", "sigmoid", "relu", "leaky", "log", "abs"])
def test_printing_is_linear_in_the_depth(wrap: str) -> None:
    """exp(exp(…)) 200 deep: each level is printed once (it was three times: 3^200)."""
    import sympy as sp

    from derivgen.ops.functions import LeakyRelu, Relu, Sigmoid
    notation, z = _tiny_notation()  # two leaky slopes: max(z, αz) is written out
    f = {"exp": sp.exp, "sigmoid": Sigmoid, "relu": Relu, "log": sp.log, "abs": sp.Abs,
         "leaky": lambda u: LeakyRelu(u, sp.Rational(1, 5))}[wrap]
    expr = z
    for _ in range(200):
        expr = f(expr)
    printer = notation.printer()
    calls, inner = [0], printer._print

    def counted(e, *args, **kw):
        calls[0] += 1
        return inner(e, *args, **kw)
    printer._print = counted
    text = printer.doprint(expr)
    assert calls[0] <= 2 * 201 + 1, calls[0]          # the argument, and α for leaky ReLU
    assert len(text) <= 50 * 201, len(text)           # and so is the text


def test_expanded_size_is_bounded_not_counted(monkeypatch) -> None:
    """derive of a 1-8-8-8-1 ReLU net counted operations of fully expanded gradients
    (22-31 s); now only expressions of at most 10·40 + 10 nodes are ever counted, and
    every parameter's expanded formula is measured."""
    import sympy as sp

    from derivgen import limits, mlp
    from derivgen.render import sections
    from derivgen.render.document import render
    counted: list[int] = []
    measured: list[bool] = []
    real_count, real_measure = sp.count_ops, sections.ops_at_most

    def count_ops(expr, *args, **kw):
        counted.append(sum(1 for _ in sp.preorder_traversal(expr)))
        return real_count(expr, *args, **kw)

    def measure(expr, limit):
        measured.append(real_measure(expr, limit))
        return measured[-1]
    monkeypatch.setattr(sp, "count_ops", count_ops)
    monkeypatch.setattr(sections, "ops_at_most", measure)
    for sizes, params in (([1, 8, 8, 8, 1], 169), ([1, 1, 1], 4)):
        measured.clear()
        render(mlp(sizes, hidden="relu", reduction="sum"), "markdown")
        assert len(measured) == params
    assert measured == [True] * 4 and counted  # the small net's formulas are shown
    assert max(counted) <= 10 * limits.EXPANDED_MAX_OPS + 10, max(counted)


def test_within_size_stops_early() -> None:
    """A DAG whose tree has 2^101 nodes is measured in O(limit) steps."""
    from derivgen.limits import within_size
    visits = [0]

    class Node:
        def __init__(self, child=None):
            self.child = child

        @property
        def args(self):
            visits[0] += 1
            return () if self.child is None else (self.child, self.child)
    node = Node()
    for _ in range(100):
        node = Node(node)
    assert not within_size(node, 1000) and visits[0] <= 1001
    assert within_size(Node(Node()), 3)


def test_deep_matrix_printing_gets_room() -> None:
    """A matrix-form network nests every gradient one product per layer deep, beyond
    Python's default recursion limit at about 90 layers (RecursionError, exit 70); the
    printers run with room for the deepest allowed network (256 layers).  Shown cheaply:
    with the limit lowered to 150 frames above here, 30 layers fail without the room."""
    import inspect

    from derivgen import mlp
    from derivgen.render.document import _render_matrix, render
    model = mlp([2] + [2] * 30 + [1], hidden="tanh", form="matrix")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 150)
    try:
        with pytest.raises(RecursionError):
            _render_matrix(model, "markdown", None)
        text = render(model, "markdown")
    finally:
        sys.setrecursionlimit(old)
    assert text.count(r"\mathbf{W}_{30}") > 1


#: reference LaTeX over the budget: that formula's verdict is an error naming file:line:col
#: (one bad item of a document never ends the run), reached at once
LATEX_BOMBS = [("9^{9^{9}}", "exponents are limited"), ("10^{-100000000}", "exponents are limited"),
               ("10^{1000}", "exponents are limited"), ("2^{2^{2^{2^{2}}}}", "exponents are limited"),
               ("7" * 150, "more than 100 digits")]


@pytest.mark.parametrize("bomb, words", LATEX_BOMBS, ids=[b[:12] for b, _ in LATEX_BOMBS])
def test_latex_over_the_budget_is_that_formulas_error(bomb: str, words: str, tmp_path: Path,
                                                       capsys) -> None:
    T = ref("(h_n - y_n)'", "(h_n - y_n) " + bomb + "'")
    spec = write(tmp_path, "s.yaml", T)
    rc, out, err = run_main(["check", "--json", "--points", "1", str(spec)], capsys)
    assert rc == 1 and "Traceback" not in err and "internal error" not in err, (rc, err)
    [row] = [i for i in json.loads(out)["items"] if i["kind"] == "reference"]
    line, col = at(T, bomb[:4])
    assert row["status"] == "error" and words in row["message"], row
    assert re.search(rf":{line}:(\d+): ", row["message"]), row["message"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_simplify_time_limit_survives_a_swallowed_alarm() -> None:
    """The judge stops simplify with SIGALRM; an alarm that lands in a gc callback is
    swallowed by Python (a full-suite run hung so), so the alarm rings again."""
    import gc

    from derivgen.judge import numeric
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs setitimer")
    swallowed = []

    def callback(phase, info):  # stands for hypothesis's gc callback
        if phase == "start" and not swallowed:
            try:
                time.sleep(0.2)  # the first alarm lands here ...
            except BaseException as exc:  # ... and is lost, as Python loses it
                swallowed.append(exc)
    gc.callbacks.append(callback)
    try:
        with pytest.raises(numeric._TimeUp):
            with numeric._time_limit(0.1):
                gc.collect()
                start = time.process_time()
                while time.process_time() - start < 5.0:  # simplify that would not end
                    sum(range(1000))
    finally:
        gc.callbacks.remove(callback)
    assert swallowed and isinstance(swallowed[0], numeric._TimeUp)


def test_breaking_a_deep_display_reads_it_a_bounded_number_of_times(monkeypatch) -> None:
    """A 160-layer chain in matrix form took 105 s to derive: the line breaker estimated
    the width of every nesting level's whole text.  Now the LaTeX the width estimate
    reads stays within a small multiple of the document's length."""
    from derivgen import mlp
    from derivgen.render import widths
    from derivgen.render.document import render

    class Counting:
        read = 0

        def findall(self, text: str) -> list[str]:
            Counting.read += len(text)
            return real.findall(text)
    real = widths._TOKEN
    monkeypatch.setattr(widths, "_TOKEN", Counting())
    getattr(widths.estimate, "cache_clear", lambda: None)()  # read afresh, not from before
    text = render(mlp([1] * 41, hidden="tanh", reduction="sum", form="matrix"), "markdown")
    getattr(widths.estimate, "cache_clear", lambda: None)()  # read afresh, not from before
    assert Counting.read <= 3 * len(text), (Counting.read, len(text))


def test_a_prefix_wider_than_the_budget_decides() -> None:
    from derivgen.render.widths import estimate, wider_than
    long = r"\left(\mathbf{W}_{2}^{T} \odot " * 200 + r"\right)" * 200
    assert wider_than(long, 30.0) and estimate(long) > 30.0
    assert not wider_than("x + y", 30.0) and wider_than("x + y", 1.0)


class _ClosedPipe(io.TextIOBase):
    """A stdout whose reader went away: every write meets EPIPE."""

    class _Buffer:
        def write(self, data: bytes) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

    buffer = _Buffer()

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise ValueError("no descriptor")


@pytest.mark.parametrize("command", ["derive", "graph", "codegen", "audit"])
def test_every_command_ends_quietly_on_a_closed_pipe(command: str, tmp_path: Path) -> None:
    """graph and codegen said "cannot write None: Broken pipe" and exited 2; every command
    writes stdout through one function now, and a closed pipe is the quiet 141."""
    from derivgen.cli import main
    from derivgen.cli.guard import EXIT_BROKEN_PIPE
    spec = write(tmp_path, "s.yaml", GOOD_NET)
    doc = write(tmp_path, "notes.md", "---\n" + GOOD_NET.replace("name: good_net\n", "")
                + "---\n\n$$ \\hat{y} = z_{2} $$\n")
    argv = {"audit": ["audit", str(doc)]}.get(command, [command, str(spec)])
    err = io.StringIO()
    with contextlib.redirect_stdout(_ClosedPipe()), contextlib.redirect_stderr(err):
        rc = main(argv)
    assert rc == EXIT_BROKEN_PIPE and err.getvalue() == "", (rc, err.getvalue())
