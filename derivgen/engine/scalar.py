"""The scalar form's graph builders: one node per unit, named by the spec's templates.

:func:`build_network` turns a stack of dense layers into per-unit equations
(z, h, ŷ), :func:`build_freeform` a ``model:`` spec's named equations; both
end with the residuals r = ŷ − y and the per-sample loss from the loss
registry (:mod:`derivgen.ops.losses`).
"""
from __future__ import annotations

import sympy as sp

from derivgen.engine.graph import Graph, check_distinct, sym
from derivgen.engine.layers import apply_activation, plan
from derivgen.errors import SpecError
from derivgen.ops.functions import LogSumExp
from derivgen.ops.losses import loss as loss_op, output_mismatch
from derivgen.spec.naming import format_name, format_name as _format_name, separated
from derivgen.spec.records import FreeForm, Network, Spec


def attach_loss(graph: Graph, loss: str, residual: str, loss_name: str,
                activation: str | None) -> None:
    """Add residual nodes r_k = ŷ_k − y_k and the per-sample loss node to ``graph``.

    ``residual`` is a name template in {k}; ``activation`` is the output
    activation of a dense network (None for free-form models).
    """
    complaint = output_mismatch(loss, activation)
    if complaint:
        raise SpecError(complaint)
    count = len(graph.outputs)
    residuals = []
    for k, (f, y) in enumerate(zip(graph.outputs, graph.targets)):
        name = format_name(residual, k=(k + 1, count))
        residuals.append(graph.add(name, f - y, "residual", unit=k))
    op = loss_op(loss)
    z = graph.logits if op.output is not None else graph.outputs
    graph.loss = graph.add(loss_name, op.sample(z, graph.targets, residuals), "loss")


def build_network(spec: Spec) -> Graph:
    """Graph of a ``network:`` spec in scalar form."""
    net = spec.network
    assert isinstance(net, Network)
    names, ub = net.names, net.names.unit_base
    sizes = [net.inputs] + [layer.units for layer in net.layers]
    # one separator style per template and network (spec.naming.separated): no w_1_1_1
    # next to w_211 because one layer's indices reach two digits
    largest = {"l": len(net.layers) - 1 + names.layer_base, "k": max(sizes[1:]) - 1 + ub,
               "j": max(sizes[:-1]) - 1 + ub,
               "m": max(a * b for a, b in zip(sizes, sizes[1:])) - 1 + ub}

    def format_name(template: str, **indices: tuple[int, int]) -> str:
        return _format_name(template, separated(template, largest), **indices)

    graph = Graph(reduction=spec.reduction, at0=sp.Integer(spec.subgradient))
    graph.inputs = tuple(sym(format_name(names.input, j=(j + ub, net.inputs)))
                         for j in range(net.inputs))
    outputs = net.layers[-1].units
    graph.targets = tuple(sym(format_name(names.target, k=(k + ub, outputs)))
                          for k in range(outputs))
    params: list[sp.Symbol] = []
    previous: list[sp.Expr] = list(graph.inputs)
    depth = len(net.layers)
    counted = 0  # weights of the layers before: {c} counts through the whole network
    total = sum(lp.fan_in * lp.units for lp in plan(net))
    for lp in plan(net):
        J, K, li = lp.fan_in, lp.units, lp.index
        # {c} in document order: each matrix row by row as its layout stores it
        order = (lambda j, k: k * J + j) if names.matrix_layout == "out_in" else \
            (lambda j, k: j * K + k)
        counts = "{c}" in names.weight  # (only then may its range widen the name)
        weights = [[sym(format_name(names.weight, l=lp.label, k=(k + ub, K), j=(j + ub, J),
                                    m=(j * K + k + ub, J * K),
                                    **({"c": (counted + order(j, k) + ub, total)}
                                       if counts else {})))
                    for j in range(J)] for k in range(K)]
        counted += J * K
        if lp.layer.bias == "neuron":
            biases = [sym(format_name(names.bias, l=lp.label, k=(k + ub, K))) for k in range(K)]
        elif lp.layer.bias == "shared":
            biases = [sym(format_name(names.bias, l=lp.label))] * K
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
        _record_groups(graph, names, lp.group_label, weights, biases, lp.layer.bias)
        pre = [graph.add(format_name(names.pre, l=lp.label, k=(k + ub, K)),
                         sp.Add(*(weights[k][j] * previous[j] for j in range(J))) + biases[k],
                         "pre", li, k) for k in range(K)]
        template = names.output if lp.last else names.post
        label = lp.label if lp.last else (li + names.layer_base, depth - 1)
        post_names = [format_name(template, l=label, k=(k + ub, K)) for k in range(K)]
        role = "output" if lp.last else "post"
        if lp.layer.activation.name == "softmax":
            lse = LogSumExp(*pre)
            post = [graph.add(post_names[k], sp.exp(pre[k] - lse), role, li, k)
                    for k in range(K)]
        else:
            post = [graph.add(post_names[k], apply_activation(lp.layer.activation, pre[k]),
                              role, li, k) for k in range(K)]
        if lp.last:
            graph.outputs, graph.logits = tuple(post), tuple(pre)
        previous = post
    graph.params = tuple(params)
    check_distinct(graph.inputs, graph.targets, graph.params)
    attach_loss(graph, spec.loss, names.residual, names.loss, net.layers[-1].activation.name)
    return graph


def _record_groups(graph: Graph, names, label: tuple[int, int], weights, biases,
                   bias_mode: str) -> None:
    """Remember W_l and b_l so that examples and callers can pass arrays."""
    matrix = [[w.name for w in row] for row in weights]
    if names.matrix_layout == "in_out":
        matrix = [list(col) for col in zip(*matrix)]
    graph.groups[format_name(names.weight_matrix, l=label)] = matrix
    if bias_mode == "neuron":
        graph.groups.setdefault(format_name(names.bias_vector, l=label), [b.name for b in biases])


def build_freeform(spec: Spec) -> Graph:
    """Graph of a ``model:`` spec; equations become nodes in the order written."""
    model = spec.network
    assert isinstance(model, FreeForm)
    graph = Graph(inputs=tuple(sym(n) for n in model.inputs),
                  targets=tuple(sym(n) for n in model.targets),
                  params=tuple(sym(n) for n in model.parameters),
                  reduction=spec.reduction, at0=sp.Integer(spec.subgradient))
    for name, expr in model.equations:
        role = "output" if name in model.outputs else "equation"
        graph.add(name, expr, role)
    graph.outputs = tuple(sym(n) for n in model.outputs)
    graph.fan_in.update({p: 1 for p in graph.params})
    attach_loss(graph, spec.loss, residual="r_{k}", loss_name="L", activation=None)
    return graph


def build_scalar_graph(spec: Spec) -> Graph:
    """The scalar graph of any spec: dense layers or named equations."""
    return build_network(spec) if isinstance(spec.network, Network) else build_freeform(spec)
