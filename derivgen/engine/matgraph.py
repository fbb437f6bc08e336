"""Matrix form: a dense network as a few matrix equations over the whole batch.

Rows layout (seed 003): X is [N×D], W_l is [in×out], S_l = X W_l + 1_N b_lᵀ.
Columns layout (seed 001's 2-3-2): X is [D×N], W_l is [out×in],
S_l = W_l X + b_l 1_Nᵀ.  The sizes are symbols (N, D, H, C), so building and
deriving the graph costs the same at any width; the concrete sizes are kept
for shapes and for code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from sympy import MatAdd, MatMul, MatrixSymbol, OneMatrix, Transpose
from sympy.matrices.expressions.matexpr import MatrixExpr

from derivgen.errors import SpecError
from derivgen.ops.matexpr import BatchLoss, Softmax, Total, apply
from derivgen.spec.naming import IDENTIFIER, format_name
from derivgen.engine.graph import Node
from derivgen.engine.layers import apply_activation, plan
from derivgen.ops.losses import loss as loss_op, output_mismatch
from derivgen.spec.records import Network, Spec

LAYOUTS = ("rows", "columns")


def dim(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


@dataclass
class MatLayer:
    """What a layer consists of, for rendering: its parameters and nodes."""

    weight: MatrixSymbol
    bias: sp.Basic | None
    pre: MatrixSymbol
    post: MatrixSymbol
    activation: str
    fan_in: int
    #: the slope of a leaky ReLU layer (None for other activations)
    alpha: sp.Expr | None = None


@dataclass
class MatGraph:
    """A dense network over the batch, as matrix equations ending in the loss."""

    layout: str
    batch: sp.Symbol
    sizes: dict[sp.Symbol, int]
    x: MatrixSymbol
    y: MatrixSymbol
    params: list[sp.Basic] = field(default_factory=list)
    nodes: dict[sp.Basic, Node] = field(default_factory=dict)
    layers: list[MatLayer] = field(default_factory=list)
    loss: sp.Symbol | None = None
    reduction: str = "mean"
    at0: sp.Integer = sp.Integer(0)
    penalty: dict[str, sp.Expr] = field(default_factory=dict)

    @property
    def inputs(self) -> tuple[MatrixSymbol, ...]:
        """The input matrix X, as a one-element tuple like a scalar graph's inputs."""
        return (self.x,)

    @property
    def targets(self) -> tuple[MatrixSymbol, ...]:
        return (self.y,)

    @property
    def axis(self) -> int:
        """The axis that holds the units of a layer (classes at the output)."""
        return 1 if self.layout == "rows" else 0

    def add(self, symbol: sp.Basic, expr: sp.Basic, role: str, layer: int | None) -> sp.Basic:
        taken = set(self.nodes) | set(self.params) | {self.x, self.y}
        if not IDENTIFIER.match(str(symbol)) or any(str(symbol) == str(t) for t in taken):
            raise SpecError(f"the name {symbol} is used twice or unusable; change a name template")
        self.nodes[symbol] = Node(symbol, expr, role, layer)
        return symbol

    def shape(self, m: sp.Basic) -> tuple[int, int] | tuple[()]:
        """Concrete shape of a matrix symbol or expression (``()`` for a scalar)."""
        if not getattr(m, "is_Matrix", False):
            return ()
        return tuple(-1 if s == self.batch else int(s) if isinstance(s, int)
                     else int(s.xreplace(self.sizes)) for s in m.shape)


def _dims(sizes: list[int]) -> list[sp.Symbol]:
    hidden = len(sizes) - 2
    names = ["D"] + (["H"] if hidden == 1 else [f"H_{i + 1}" for i in range(hidden)]) + ["C"]
    return [dim(n) for n in names]


def build_matrix_network(spec: Spec) -> MatGraph:
    """The matrix graph of a ``network:`` spec in its layout, with its L2 penalty."""
    net = spec.network
    assert isinstance(net, Network)
    layout = net.layout
    names = net.names
    sizes = [net.inputs] + [layer.units for layer in net.layers]
    dims = _dims(sizes)
    batch = dim("N")
    rows = layout == "rows"
    x = MatrixSymbol(format_name(names.input), *((batch, dims[0]) if rows else (dims[0], batch)))
    y = MatrixSymbol(format_name(names.target),
                     *((batch, dims[-1]) if rows else (dims[-1], batch)))
    g = MatGraph(layout, batch, dict(zip(dims, sizes)), x, y, reduction=spec.reduction,
                 at0=sp.Integer(spec.subgradient))
    previous: MatrixExpr = x
    for lp in plan(net):
        li, fan_in, units = lp.index, dims[lp.index], dims[lp.index + 1]
        w = MatrixSymbol(format_name(names.weight_matrix, l=lp.group_label),
                         *((fan_in, units) if rows else (units, fan_in)))
        g.params.append(w)
        linear = MatMul(previous, w) if rows else MatMul(w, previous)
        field_shape = (batch, units) if rows else (units, batch)
        bias: sp.Basic | None = None
        if lp.layer.bias == "neuron":
            bias = MatrixSymbol(format_name(names.bias_vector, l=lp.group_label), units, 1)
            spread = (MatMul(OneMatrix(batch, 1), Transpose(bias)) if rows
                      else MatMul(bias, OneMatrix(1, batch)))
            linear = MatAdd(linear, spread)
        elif lp.layer.bias == "shared":
            # named as in scalar form, where a shared bias is one scalar parameter
            bias = sp.Symbol(format_name(names.bias, l=lp.label), real=True)
            linear = MatAdd(linear, MatMul(bias, OneMatrix(*field_shape)))
        if bias is not None:
            g.params.append(bias)
        pre = g.add(MatrixSymbol(format_name(names.pre, l=lp.group_label), *field_shape),
                    linear, "pre", li)
        post = MatrixSymbol(format_name(names.output if lp.last else names.post,
                                        l=lp.group_label), *field_shape)
        act = lp.layer.activation
        if act.name == "softmax":
            value = Softmax(pre, g.axis)
        elif act.name == "identity":
            value = pre
        else:
            value = apply(lambda u, a=act: apply_activation(a, u), pre)
        g.add(post, value, "output" if lp.last else "post", li)
        g.layers.append(MatLayer(w, bias, pre, post, act.name, lp.fan_in, act.alpha))
        previous = post
    _attach_loss(g, spec, names.loss, net.l2)
    return g


def _attach_loss(g: MatGraph, spec: Spec, loss_name: str,
                 l2: tuple[tuple[str, float], ...]) -> None:
    last = g.layers[-1]
    complaint = output_mismatch(spec.loss, last.activation)
    if complaint:
        raise SpecError(complaint)
    z = last.pre if loss_op(spec.loss).output is not None else last.post
    scale = 1 / g.batch if g.reduction == "mean" else sp.Integer(1)
    terms = [scale * BatchLoss(spec.loss, z, g.y, g.axis)]
    weights = {str(layer.weight): layer.weight for layer in g.layers}
    penalty: dict[str, float] = {}
    for name, lam in l2:
        penalty.update(dict.fromkeys(weights, lam) if name == "*" else {name: lam})
    for name, lam in penalty.items():
        if name not in weights:
            raise SpecError(f"l2: {name!r} is not a weight matrix; weights: "
                            + ", ".join(weights))
        g.penalty[name] = sp.Float(lam)
        terms.append(g.penalty[name] * Total(sp.HadamardPower(weights[name], 2)))
    g.loss = sp.Symbol(loss_name, real=True)
    g.nodes[g.loss] = Node(g.loss, sp.Add(*terms), "loss", None)
