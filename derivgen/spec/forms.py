"""Turning a validated spec into the other form (``--form`` and ``derivgen.load(form=)``)."""
from __future__ import annotations

import dataclasses

from derivgen.errors import SpecError
from derivgen.spec.records import Network, Spec

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
    layout = "rows" if net.names.matrix_layout == "in_out" else "columns"
    return dataclasses.replace(spec, network=dataclasses.replace(
        net, form=form, layout=layout if form == "matrix" else net.layout,
        l2=net.l2 if form == "matrix" else ()))
