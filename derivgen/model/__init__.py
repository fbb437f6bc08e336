"""Models: what :func:`derivgen.load` returns, one class per form behind one interface.

:class:`Model` (scalar form) and :class:`MatrixModel` (matrix form) both implement
:class:`derivgen.engine.protocol.GradientModel`; :mod:`derivgen.model.base` holds
what they share, :mod:`derivgen.model.load` makes them from specs.
"""
from derivgen.model.matrix import MatrixModel
from derivgen.model.scalar import Model

__all__ = ["Model", "MatrixModel"]
