"""The architecture, the layer view and the notes of a derivation document.

Functions of a :class:`~derivgen.render.sections.DocumentBuilder`: what the network is (layers,
units, activations, parameter shapes), its whole-layer equations (W_1·x + b_1;
Input ⊗ w_0 + bias_0 in seed 002), and the notes at the end (activation
derivatives, the value at kinks, the loss without ½).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import sympy as sp

from derivgen.ops.activations import ACTIVATIONS, BY_FUNCTION, elementwise
from derivgen.ops.losses import loss as loss_op
from derivgen.ops.functions import LeakyRelu, Step
from derivgen.render.latex import FUNCTION_NAMES, head_latex, name_latex, split_name
from derivgen.spec.naming import format_name
from derivgen.engine.rules import local_diff
from derivgen.render.display import Display, Z
from derivgen.spec.records import Activation, Network

if TYPE_CHECKING:
    from derivgen.render.sections import DocumentBuilder


def architecture(b: "DocumentBuilder") -> dict[str, Any]:
    """What the model is: inputs, outputs, parameters, loss and reduction; layers of a network."""
    g, net = b.graph, b.model.spec.network
    info: dict[str, Any] = {
        "kind": "network" if isinstance(net, Network) else "model",
        "inputs": [b.nt.symbol(s, False) for s in g.inputs],
        "targets": [b.nt.symbol(s, False) for s in g.targets],
        "outputs": [b.nt.symbol(s, False) for s in g.outputs],
        "parameters": [b.nt.symbol(p, False) for p in g.params],
        "reduction": g.reduction, "sample": b.nt.sample, "loss": b.model.spec.loss,
        "loss_prose": loss_op(b.model.spec.loss).prose,
        "loss_symbol": b.nt.loss_symbol(), "subgradient": int(g.at0),
    }
    info["input_shape"] = None
    if isinstance(net, Network):
        info["layers"] = _layers(b, net)
        if b.nt.profile.bracket_shapes:  # seed 003 writes every matrix with its shape
            info["input_shape"] = rf"[N \times D] = [N \times {net.inputs}]"
    return info


def _layers(b: "DocumentBuilder", net: Network) -> list[dict[str, Any]]:
    """Units, activation, bias mode, parameters and weight shape of every layer."""
    out, names, depth = [], net.names, len(net.layers)
    sizes = [net.inputs] + [layer.units for layer in net.layers]
    letters = ["D"] + [("H" if depth == 2 else f"H_{{{i + 1}}}") for i in range(depth - 1)] + ["C"]
    for li, layer in enumerate(net.layers):
        params = [b.nt.symbol(p, False) for p in b.graph.params
                  if b.nt.rank.get(p) is not None and b.nt.layer_of(p) == li]
        group = format_name(names.weight_matrix, l=(li + names.layer_base, 2))
        rows, cols = (sizes[li], sizes[li + 1]) if names.matrix_layout == "in_out" else (
            sizes[li + 1], sizes[li])
        lr, lc = (letters[li], letters[li + 1]) if names.matrix_layout == "in_out" else (
            letters[li + 1], letters[li])
        out.append({"hidden": li < depth - 1, "units": layer.units, "index": li + 1,
                    "activation": layer.activation.name, "bias": layer.bias,
                    "prose": ACTIVATIONS[layer.activation.name].prose,
                    "alpha": (f"{float(layer.activation.alpha):g}"
                              if layer.activation.alpha is not None else None),
                    "act": _act_named(b, layer.activation, li),
                    "parameters": params, "matrix": name_latex(group),
                    "shape": (rf"[{lr} \times {lc}] = [{rows} \times {cols}]"
                              if b.nt.profile.bracket_shapes
                              else rf"\mathbb{{R}}^{{{rows} \times {cols}}}")})
    return out


def _act_named(b: "DocumentBuilder", act: Activation, li: int) -> str:
    """The activation's symbol when the document names it (σ_h, a), else ""."""
    prof = b.nt.profile
    named = prof.layer_functions or act.name in prof.functions
    return _act_latex(b, act, li) if named else ""


def _act_latex(b: "DocumentBuilder", act: Activation, li: int) -> str:
    depth = len(b.model.spec.network.layers)
    if b.nt.profile.layer_functions and act.name not in ("identity", "custom"):
        return r"\sigma_{o}" if li == depth - 1 else r"\sigma_{h}"
    if act.name == "softmax":
        return r"\text{softmax}"
    return b.nt.profile.functions.get(act.name, FUNCTION_NAMES.get(act.name, ""))


def layer_view(b: "DocumentBuilder") -> list[Display]:
    """Whole-layer equations: z_1 = W_1·x + b_1, h_1 = σ_h(z_1) (Input ⊗ w_0 in seed 002)."""
    net = b.model.spec.network
    if not isinstance(net, Network):
        return []
    nt, prof, names, g = b.nt, b.nt.profile, net.names, b.graph
    out, depth = [], len(net.layers)

    def vector(name: str, layer: int | None) -> str:
        head, parts = split_name(name)
        base = prof.heads.get(head) or head_latex(head, bold=prof.bold_vectors)
        return base + (f"_{{{layer}}}" if layer is not None else "")

    previous = vector(g.inputs[0].name, None)
    # each matrix's LaTeX and what it holds: (kind, names), see Display.matrices
    bound: dict[str, tuple[str, tuple[str, ...]]] = {previous: ("inputs", ())}
    for li, layer in enumerate(net.layers):
        nodes = [n for n in g.nodes.values() if n.layer == li]
        pre = next(n.symbol for n in nodes if n.role == "pre")
        post = next(n.symbol for n in nodes if n.role in ("post", "output"))
        lval = li + names.layer_base
        matrix = name_latex(format_name(names.weight_matrix, l=(lval, 2)))
        product = (f"{matrix} {prof.matmul} {previous}" if names.matrix_layout == "out_in"
                   else f"{previous} {prof.matmul} {matrix}")
        group = format_name(names.weight_matrix, l=(lval, 2))
        bound[matrix] = ("group", (group,))
        if layer.bias == "shared":  # one scalar per layer: \text{bias}_0 in seed 002
            shared = _shared_bias(b, pre)
            bias = nt.symbol(shared, False)
            bound[bias] = ("param", (shared.name,))
        elif layer.bias == "neuron":
            vec = format_name(names.bias_vector, l=(lval, 2))
            bias = vector(split_name(vec)[0], lval)
            bound[bias] = ("group", (vec,))
        else:
            bias = None
        z = vector(pre.name, lval)
        members = [n for n in nodes if n.role == "pre"]
        bound[z] = ("nodes", tuple(n.symbol.name for n in members))
        out.append(Display("layer", (z, product + (f" + {bias}" if bias else "")),
                           matrices=tuple(bound.items())))
        last = li == depth - 1
        h = vector(post.name, lval if (not last or prof.layer_parts) else None)
        posts = [n for n in nodes if n.role in ("post", "output")]
        act = _act_latex(b, layer.activation, li)
        if act:
            bound[h] = ("nodes", tuple(n.symbol.name for n in posts))
            out.append(Display("layer", (h, act + r"\left(" + z + r"\right)"),
                               matrices=tuple(bound.items())))
        previous = h if act else z
    return out


def _shared_bias(b: "DocumentBuilder", pre: sp.Symbol) -> sp.Symbol:
    return next(s for s in b.graph.nodes[pre].expr.free_symbols
                if s in b.graph.params and b.graph.fan_in.get(s) == 0)


def activation_notes(used: Any, functions: dict[str, str], at0: Any,
                     latex: Callable[[sp.Expr], str]) -> tuple[list, list, list]:
    """The derivative of every activation in ``used`` (in a fixed order), the value each
    kinked one takes at 0, and the keys of those kinks; ``functions`` are the document's
    names for them, ``latex`` prints a derivative."""
    activations, kinks, kink_keys = [], [], []
    for key in ("sigmoid", "tanh", "softplus", "relu", "leaky_relu"):
        if key not in used:
            continue
        name = functions.get(key, FUNCTION_NAMES[key])
        if key == "leaky_relu":
            alpha = sp.Symbol("alpha", real=True)
            value = alpha + (1 - alpha) * Step(Z, at0)
        else:
            value = local_diff(elementwise(key, Z), Z, at0)
        lhs = (r"\frac{\partial}{\partial z} " + name + r"\left(z\right)" if key == "tanh"
               else name + r"'\left(z\right)")
        activations.append(Display("note", (lhs, latex(value))))
        if key in ("relu", "leaky_relu"):
            at = int(at0) if key == "relu" else (1 if at0 == 1 else r"\alpha")
            kinks.append(Display("kink", (name + r"'\left(0\right)", str(at))))
            kink_keys.append(key)
    return activations, kinks, kink_keys


def notes(b: "DocumentBuilder") -> dict[str, Any]:
    """Derivatives of the activations used, the value at kinks, the loss without ½."""
    nt, g = b.nt, b.graph
    used: dict[str, sp.Expr] = {}
    for node in g.nodes.values():
        for f in node.expr.atoms(*BY_FUNCTION, sp.Abs):
            used.setdefault(BY_FUNCTION[f.func].name if f.func in BY_FUNCTION else "abs", f)
    activations, kinks, kink_keys = activation_notes(
        used, nt.profile.functions, g.at0, lambda value: nt.latex(value, sample=False))
    half = None
    if b.model.spec.loss == "half_sse":
        loss = nt.loss_symbol()
        half = Display("half", (r"\frac{\partial \tilde{" + loss + r"}}{\partial p}",
                                r"2 \frac{\partial " + loss + r"}{\partial p}"))
    alphas = [f.args[1] for n in g.nodes.values() for f in n.expr.atoms(LeakyRelu)]
    return {"activations": activations, "kinks": kinks, "kink_keys": kink_keys, "half": half,
            "clashes": nt.clashes(),
            "abs": "abs" in used,
            "alpha": f"{float(alphas[0]):g}" if alphas else None}
