"""Name templates: how w_{l}{k}{j} becomes w_111, w_11, w_1 or w_1_12_3.

A template holds literal text and placeholders {l} (layer), {k} (unit),
{j} (input of the unit), {m} (flat index over (j, k), input-major, as in
seed 002's w_01…w_06) and, in the weight name only, {c} (the weights counted
through the whole network in the order a document lists them, layer by layer
and each matrix row by row: Mazur's w_1…w_8).  A placeholder whose range has a single value is
dropped, which is how the documents name things: w_1 in a 1-1-1 net, w_11 and
w_21 in 1-2-1, w_111 in 2-3-2.  When an index that a template uses can reach
two digits anywhere in the network, all names of that template join their
indices with "_" (w_1_1_12, w_2_1_3), so that names stay unambiguous and keep
one style within a network.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Mapping

_PLACEHOLDER = re.compile(r"\{([lkjmc])\}")
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Names:
    """Name templates of an MLP; every field can be overridden in a spec's ``names``."""

    weight: str = "w_{l}{k}{j}"
    bias: str = "b_{l}{k}"
    pre: str = "z_{l}{k}"
    post: str = "h_{l}{k}"
    output: str = "yhat_{k}"
    input: str = "x_{j}"
    target: str = "y_{k}"
    residual: str = "r_{k}"
    loss: str = "L"
    weight_matrix: str = "W_{l}"
    bias_vector: str = "b_{l}"
    layer_base: int = 1
    unit_base: int = 1
    matrix_layout: str = "out_in"

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))



def check_template(template: str, placeholders: bool = True) -> str | None:
    """Return a complaint about ``template``, or None when it is usable."""
    if not placeholders and "{" in template:
        return "this name takes no placeholders"
    probe = _PLACEHOLDER.sub("1", template)
    if "{" in probe or "}" in probe:
        return ("only the placeholders {l}, {k}, {j} and {m} are allowed, and {c} in the "
                "weight name")
    if not IDENTIFIER.match(probe):
        return "a name must start with a letter and use letters, digits and _"
    return None


@lru_cache(maxsize=256)  # asked once per name a network builds, for a handful of templates
def used(template: str) -> frozenset[str]:
    """The placeholders ``template`` uses ({l}, {k}, {j}, {m})."""
    return frozenset(_PLACEHOLDER.findall(template))


def separated(template: str, largest: Mapping[str, int]) -> bool:
    """Whether the names of ``template`` join their indices with "_" in a network where
    each placeholder's largest value is ``largest[p]``: when one that the template uses
    can reach two digits.  Decided once per network, so one layer cannot write w_1_1_1
    while the next writes w_211."""
    return any(largest.get(p, 0) >= 10 for p in used(template))


def format_name(template: str, wide: bool | None = None,
                **indices: tuple[int | str, int]) -> str:
    """Fill ``template``; each index is (value, number of values it ranges over).  A value
    may be an index letter (k), as a derivation that writes one unit for all does.

    ``wide`` says whether indices are joined with "_" (see :func:`separated`); by
    default it is decided from this name's own indices, those the template uses.
    """
    if wide is None:
        wide = any(count > 10 or (isinstance(value, int) and value >= 10)
                   for key, (value, count) in indices.items() if key in used(template))
    parts: list[str] = []
    last_was_index = False
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        literal = template[pos:match.start()]
        pos = match.end()
        if literal:
            parts.append(literal)
            last_was_index = False
        value, count = indices.get(match.group(1), (0, 1))
        if count <= 1:
            continue
        if last_was_index and wide:
            parts.append("_")
        parts.append(str(value))
        last_was_index = True
    parts.append(template[pos:])
    return re.sub(r"_+\Z", "", "".join(parts)).replace("__", "_")
