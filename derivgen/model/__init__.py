"""Models: what :func:`derivgen.load` returns, one class per form behind one interface.

:class:`Model` (scalar form) and :class:`MatrixModel` (matrix form) both implement
:class:`derivgen.engine.protocol.GradientModel`; :mod:`derivgen.model.base` holds
what they share, :mod:`derivgen.model.load` makes them from specs.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from derivgen.model.matrix import MatrixModel
    from derivgen.model.scalar import Model

#: imported on first use: deriving a scalar spec never needs the matrix form's modules
_LAZY = {"Model": "derivgen.model.scalar", "MatrixModel": "derivgen.model.matrix"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'derivgen.model' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = ["Model", "MatrixModel"]
