"""Dense networks in scalar form: one node per unit, named by the spec's templates."""
from __future__ import annotations

import sympy as sp

from derivgen.ops.functions import LeakyRelu, LogSumExp, Relu, Sigmoid, Softplus
from derivgen.engine.graph import Graph, check_distinct, sym
from derivgen.engine.losses import attach_loss
from derivgen.spec.naming import format_name as _format_name, separated
from derivgen.spec.records import ACT_VAR, Activation, Network, Spec

#: elementwise activations, one line each (softmax is handled per layer)
ACTIVATION_FUNCTIONS = {
    "identity": lambda z, a: z,
    "relu":     lambda z, a: Relu(z),
    "leaky_relu": lambda z, a: LeakyRelu(z, a.alpha),
    "sigmoid":  lambda z, a: Sigmoid(z),
    "tanh":     lambda z, a: sp.tanh(z),
    "softplus": lambda z, a: Softplus(z),
    "custom":   lambda z, a: a.formula.xreplace({ACT_VAR: z}),
}


def apply_activation(act: Activation, z: sp.Expr) -> sp.Expr:
    """σ(z) for an elementwise activation."""
    return ACTIVATION_FUNCTIONS[act.name](z, act)


def build_network(spec: Spec) -> Graph:
    """Graph of a ``network:`` spec in scalar form."""
    net = spec.network
    assert isinstance(net, Network)
    names, depth = net.names, len(net.layers)
    sizes = [net.inputs] + [layer.units for layer in net.layers]
    lb, ub = names.layer_base, names.unit_base
    # one separator style per template and network (spec.naming.separated)
    largest = {"l": depth - 1 + lb, "k": max(sizes[1:]) - 1 + ub, "j": max(sizes[:-1]) - 1 + ub,
               "m": max(a * b for a, b in zip(sizes, sizes[1:])) - 1 + ub}

    def format_name(template: str, **indices: tuple[int, int]) -> str:
        return _format_name(template, separated(template, largest), **indices)

    graph = Graph(reduction=spec.reduction, at0=sp.Integer(spec.subgradient))
    graph.inputs = tuple(sym(format_name(names.input, j=(j + ub, sizes[0])))
                         for j in range(sizes[0]))
    graph.targets = tuple(sym(format_name(names.target, k=(k + ub, sizes[-1])))
                          for k in range(sizes[-1]))
    params: list[sp.Symbol] = []
    previous: list[sp.Expr] = list(graph.inputs)
    for li, layer in enumerate(net.layers):
        J, K, last = sizes[li], sizes[li + 1], li == depth - 1
        lval = (li + lb, depth)
        weights = [[sym(format_name(names.weight, l=lval, k=(k + ub, K), j=(j + ub, J),
                                    m=(j * K + k + ub, J * K)))
                    for j in range(J)] for k in range(K)]
        if layer.bias == "neuron":
            biases = [sym(format_name(names.bias, l=lval, k=(k + ub, K))) for k in range(K)]
        elif layer.bias == "shared":
            biases = [sym(format_name(names.bias, l=lval))] * K
        else:
            biases = [sp.Integer(0)] * K
        # Parameters are listed in the order the document's matrix is read, row by row.
        layout = weights if names.matrix_layout == "out_in" else list(zip(*weights))
        for row in layout:
            params.extend(row)
            graph.fan_in.update({w: J for w in row})
        for b in dict.fromkeys(b for b in biases if isinstance(b, sp.Symbol)):
            params.append(b)
            graph.fan_in[b] = 0
        _record_groups(graph, names, li, weights, biases, layer.bias)
        pre = [graph.add(format_name(names.pre, l=lval, k=(k + ub, K)),
                         sp.Add(*(weights[k][j] * previous[j] for j in range(J))) + biases[k],
                         "pre", li, k) for k in range(K)]
        post_template = names.output if last else names.post
        hidden = (li + lb, depth - 1)
        post_names = [format_name(post_template, l=lval if last else hidden, k=(k + ub, K))
                      for k in range(K)]
        if layer.activation.name == "softmax":
            lse = LogSumExp(*pre)
            post = [graph.add(post_names[k], sp.exp(pre[k] - lse), "output", li, k)
                    for k in range(K)]
        else:
            post = [graph.add(post_names[k], apply_activation(layer.activation, pre[k]),
                              "output" if last else "post", li, k) for k in range(K)]
        if last:
            graph.outputs, graph.logits = tuple(post), tuple(pre)
        previous = post
    graph.params = tuple(params)
    check_distinct(graph.inputs, graph.targets, graph.params)
    attach_loss(graph, spec.loss, names.residual, names.loss, net.layers[-1].activation.name)
    return graph


def _record_groups(graph: Graph, names, li: int, weights, biases, bias_mode: str) -> None:
    """Remember W_l and b_l so that examples and callers can pass arrays."""
    lval = (li + names.layer_base, 2)  # group names always carry the layer index
    matrix = [[w.name for w in row] for row in weights]
    if names.matrix_layout == "in_out":
        matrix = [list(col) for col in zip(*matrix)]
    graph.groups[_format_name(names.weight_matrix, l=lval)] = matrix
    if bias_mode == "neuron":
        graph.groups.setdefault(_format_name(names.bias_vector, l=lval), [b.name for b in biases])
