"""Turning a validated spec into the other form (``--form`` and ``derivgen.load(form=)``)."""
from __future__ import annotations

import dataclasses

from derivgen.errors import SpecError
from derivgen.limits import MAX_SCALAR_LAYERS
from derivgen.spec.records import MAX_SCALAR_PARAMETERS, Network, Spec

FORMS = ("scalar", "matrix")


def with_form(spec: Spec, form: str | None) -> Spec:
    """``spec`` in ``form`` ("scalar" or "matrix"); ``None`` keeps the spec's own.

    A network turned into matrix form keeps its weight arrays: ``matrix_layout:
    in_out`` becomes the rows layout (X·W + b), ``out_in`` the columns layout
    (W·x + b).  Only a ``network:`` spec has a matrix form.
    """
    if form is None:
        return spec
    if form not in FORMS:
        raise ValueError(f"form must be 'scalar' or 'matrix', not {form!r}")
    net = spec.network
    if not isinstance(net, Network):
        if form == "matrix":
            raise SpecError("only a 'network:' spec has a matrix form", spec.source)
        return spec
    if form == net.form:
        return spec
    if form == "scalar" and parameter_count(net) > MAX_SCALAR_PARAMETERS:
        raise SpecError(f"{parameter_count(net)} parameters; scalar form derives at most "
                        f"{MAX_SCALAR_PARAMETERS} (one symbol each): use the matrix form, or "
                        "derive --compact", spec.source)
    if form == "scalar" and len(net.layers) > MAX_SCALAR_LAYERS:
        raise SpecError(f"{len(net.layers)} layers; scalar form derives at most "
                        f"{MAX_SCALAR_LAYERS}: use the matrix form, or derive --compact",
                        spec.source)
    layout = "rows" if net.names.matrix_layout == "in_out" else "columns"
    return dataclasses.replace(spec, network=dataclasses.replace(
        net, form=form, layout=layout if form == "matrix" else net.layout,
        l2=net.l2 if form == "matrix" else ()))


#: more parameters than this, and a derivation is compact unless --full is given
#: (here, next to the count, so that the command line reads it without the renderer)
COMPACT_ABOVE = 60


def parameter_count(net: Network) -> int:
    """Weights and biases of a network (one per shared bias)."""
    sizes = [net.inputs] + [layer.units for layer in net.layers]
    return sum(a * b + {"neuron": b, "shared": 1}.get(layer.bias, 0)
               for a, b, layer in zip(sizes, sizes[1:], net.layers))
