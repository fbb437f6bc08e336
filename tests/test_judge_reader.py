"""The reader's notations of real notes (issue 11 item 5, issue 13 item 4).

Each notation is read to one exact SymPy tree, or refused with a message that says
what to do; nothing is silently reinterpreted.
"""
from __future__ import annotations

import pytest
import sympy as sp
from sympy import Function, IndexedBase, KroneckerDelta, Sum, Symbol as S, Tuple

from derivgen.errors import ReferenceParseError
from derivgen.reader.latex import parse_expression, parse_reference
from derivgen.reader.tree import ALL, AT_SAMPLE, BMATRIX, FIRST, ONES, UPDATED, VECTOR, \
    components

D = Function("D")
n, k, j = (S(c, integer=True) for c in "nkj")
N = S("N", integer=True, positive=True)


def _same(a: sp.Basic, b: sp.Basic) -> bool:
    """Equal up to the assumptions of symbols (the parser marks indices as integers)."""
    names = {s: S(s.name) for s in (a.free_symbols | b.free_symbols) if isinstance(s, sp.Symbol)}
    return a.xreplace(names) == b.xreplace(names) or sp.srepr(a) == sp.srepr(b)


# ---- Leibniz d --------------------------------------------------------------------------
@pytest.mark.parametrize("src, of, wrt", [
    (r"\frac{dL}{da_2}", "L", "a_2"),
    (r"\frac{d L}{d a_2}", "L", "a_2"),
    (r"\frac{d\hat{y}}{dz}", "yhat", "z"),
    (r"\frac{\mathrm{d} L}{\mathrm{d} w_1}", "L", "w_1"),
    (r"\frac{dE_{total}}{dw_5}", "E_total", "w_5"),
    (r"\frac{dL}{d\theta}", "L", "theta"),
])
def test_leibniz_d_is_a_derivative(src: str, of: str, wrt: str) -> None:
    got = parse_expression(src, names=frozenset({"E_total"}))
    assert got == D(S(of), S(wrt))
    ref = parse_reference(src + " = 1", names=frozenset({"E_total"}))
    assert (ref.of, ref.wrt) == (of, wrt)


def test_leibniz_operator_applies_to_the_factors_after_it() -> None:
    z = S("z")
    assert parse_expression(r"\frac{d}{dz} \tanh(z)") == D(sp.tanh(z), z)
    assert parse_expression(r"2 \frac{d}{dz} z^2 + 1") == 2 * D(z ** 2, z) + 1
    ref = parse_reference(r"\frac{d}{dw} L = 1")
    assert (ref.wrt, ref.of) == ("w", "L")


def test_leibniz_d_is_a_ratio_only_when_d_is_a_variable() -> None:
    got = parse_expression(r"\frac{dL}{da}", leibniz=False)
    assert got == S("L") / S("a")


@pytest.mark.parametrize("src, column, words", [
    (r"\frac{d^2 L}{dw^2}", 14, "second"),
    (r"\frac{d^2 L}{d w}", 7, "second"),
    (r"\frac{L}{dw}", 10, "without one above"),
    (r"\frac{dL}{dw dv}", 11, "one name"),
    (r"\frac{d}{dz}", 1, "followed by what it differentiates"),
])
def test_leibniz_refusals(src: str, column: int, words: str) -> None:
    with pytest.raises(ReferenceParseError) as info:
        parse_expression(src)
    assert info.value.column == column and words in info.value.message, info.value


def test_a_declared_d_name_is_not_a_differential() -> None:
    got = parse_expression(r"\frac{dW_2}{2}", names=frozenset({"dW_2"}))
    assert got == S("dW_2") / 2


# ---- names of several letters -----------------------------------------------------------
def test_declared_names_are_one_symbol() -> None:
    names = frozenset({"net_h1", "out_h1", "E_total", "target"})
    assert parse_expression(r"net_{h1} + out_{h1}", names=names) == S("net_h1") + S("out_h1")
    assert parse_expression(r"\text{target} - target_{o1}", names=names) == \
        S("target") - S("target_o1")  # a declared stem covers its subscripted names
    assert parse_expression(r"2 x net_{h1}", names=names) == 2 * S("x") * S("net_h1")


def test_undeclared_runs_are_refused_saying_how_to_declare() -> None:
    with pytest.raises(ReferenceParseError) as info:
        parse_expression(r"w_5 \cdot net_{h1}")
    message = info.value.message
    assert info.value.column == 11
    assert "'net' (in net_h1)" in message and "where" in message and "names=" in message
    assert "(n e t)" in message


def test_two_letters_stay_a_product() -> None:
    # TeX's xw_{11} (seed 002) is x times w_11
    assert parse_expression(r"xw_{11}") == S("x") * S("w_11")


# ---- relations and update heads ---------------------------------------------------------
def test_approx_is_a_relation_marking_the_rounded_side() -> None:
    ref = parse_reference(r"\sigma(0.19) = \frac{1}{1 + e^{-0.19}} \approx 0.5474")
    assert ref.relations == ("=", "approx")
    assert ref.rounded == (False, False, True)
    assert ref.places == (2, 2, 4)
    assert ref.expr == sp.Rational("0.5474")


@pytest.mark.parametrize("src", [
    r"w_5^{+} = w_5 - \eta \frac{\partial E}{\partial w_5}",
    r"w_5^+ = w_5 - \eta \frac{\partial E}{\partial w_5}",
    r"w_5^{new} := w_5 - \eta \frac{\partial E}{\partial w_5}",
    r"w_5^{(new)} \leftarrow w_5 - \eta \frac{\partial E}{\partial w_5}",
    r"w_5^{\text{new}} = w_5 - \eta \frac{\partial E}{\partial w_5}",
])
def test_update_heads(src: str) -> None:
    ref = parse_reference(src)
    assert ref.update and ref.sides[0] == UPDATED(S("w_5"))


def test_plain_assignment_is_an_update_and_equality_is_not() -> None:
    assert parse_reference(r"w \leftarrow w - \eta g").update
    assert not parse_reference(r"w = w - \eta g").update


# ---- vectors ----------------------------------------------------------------------------
def test_vectors_of_components() -> None:
    a, b, c = S("a"), S("b"), S("c")
    vec = parse_expression(r"[a, b, c]")
    assert vec == VECTOR(Tuple(a, b, c)) and components(vec) == (a, b, c)
    col = parse_expression(r"\begin{bmatrix} a \\ b \\ c \end{bmatrix}")
    row = parse_expression(r"\begin{bmatrix} a & b & c \end{bmatrix}")
    assert components(col) == components(row) == (a, b, c)
    assert components(parse_expression(r"[a, b]^T")) == (a, b)
    square = parse_expression(r"\begin{bmatrix} a & b \\ c & a \end{bmatrix}")
    assert square.func == BMATRIX and components(square) is None


# ---- the notations issue 11 lists -------------------------------------------------------
def test_function_powers() -> None:
    z = S("z")
    assert parse_expression(r"1 - \tanh^2(z)") == 1 - sp.tanh(z) ** 2
    assert parse_expression(r"\tanh^2 z") == sp.tanh(z) ** 2
    assert parse_expression(r"\sigma^2(z)", functions=frozenset({"sigma"})) == \
        Function("sigma")(z) ** 2
    assert parse_expression(r"x^2(a + b)") == S("x") ** 2 * (S("a") + S("b"))
    with pytest.raises(ReferenceParseError, match="inverse"):
        parse_expression(r"\sigma^{-1}(z)", functions=frozenset({"sigma"}))


def test_sums_without_limits() -> None:
    x = IndexedBase("x")
    assert _same(parse_expression(r"\sum_n x_n"), Sum(x[n], (n, 1, N)))
    assert _same(parse_expression(r"\sum_{n} x_n"), Sum(x[n], (n, 1, N)))
    assert _same(parse_expression(r"\sum x_n"), Sum(x[n], (n, 1, N)))
    got = parse_expression(r"\sum_k y_k")
    assert got.limits == ((k, FIRST, ALL),)
    got = parse_expression(r"\sum_{k=1} y_k")
    assert got.limits == ((k, 1, ALL),)
    with pytest.raises(ReferenceParseError, match="without an index"):
        parse_expression(r"\sum \frac{1}{2}(t - o)^2")


def test_partial_with_a_subscript() -> None:
    assert parse_expression(r"\partial_w L") == D(S("L"), S("w"))
    assert parse_expression(r"\partial_{w_1} L") == D(S("L"), S("w_1"))
    assert parse_expression(r"\partial_\theta J") == D(S("J"), S("theta"))


def test_kronecker_delta() -> None:
    got = parse_expression(r"p_k(\delta_{kj} - p_j)")
    assert got.has(KroneckerDelta(k, j))
    assert parse_expression(r"\delta_{k,j}") == KroneckerDelta(k, j)
    # an error signal delta keeps its name: declared, or not two index letters
    assert parse_expression(r"\delta_{kj}", names=frozenset({"delta_kj"})) == S("delta_kj")
    assert parse_expression(r"\delta_{o1}") == S("delta_o1")
    assert parse_expression(r"\delta_k") == S("delta_k")


def test_sample_subscripts_and_superscripts() -> None:
    x1 = IndexedBase("x_1")
    assert parse_expression(r"x_{n1}") == x1[n]
    assert parse_expression(r"x_{n,1}") == x1[n]
    assert parse_expression(r"x_{1n}") == x1[n]
    assert parse_expression(r"x_{ij}", sample_index="i") == \
        IndexedBase("x_j")[S("i", integer=True)]
    assert parse_expression(r"\hat{y}^{(n)}") == IndexedBase("yhat")[n]
    assert parse_expression(r"x^{(2)}") == AT_SAMPLE(S("x"), 2)
    with pytest.raises(ReferenceParseError, match="layer label"):
        parse_expression(r"W^{(l)}")
    with pytest.raises(ReferenceParseError, match="layer label"):  # a matrix has no sample
        parse_expression(r"\mathbf{W}^{(1)} X", matrices=frozenset({"W", "X"}))
    with pytest.raises(ReferenceParseError, match="unexpected"):  # a^2_1: refused, not a²
        parse_expression(r"a^2_1")


def test_ones_in_matrix_notation() -> None:
    got = parse_expression(r"\mathbf{1}^T (P - Y)", matrices=frozenset({"P", "Y"}))
    assert got.has(ONES)
    assert parse_expression(r"\mathbf{1} + x") == 1 + S("x")  # a number outside matrices
