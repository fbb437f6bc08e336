"""derivgen: derive, print and verify gradients of small networks symbolically.

The package is a pipeline, one subpackage per stage:

- :mod:`derivgen.ops`: the vocabulary: activations and losses, one record each;
- :mod:`derivgen.spec`: YAML specs read and validated, the safe formula parser;
- :mod:`derivgen.reader`: the documents' LaTeX read into SymPy (strict grammar);
- :mod:`derivgen.engine`: graphs of named intermediates, rule tables, the reverse pass;
- :mod:`derivgen.codegen`: NumPy code printed from a derivation;
- :mod:`derivgen.render`: the derivation as Markdown, LaTeX and PDF;
- :mod:`derivgen.model`: :class:`Model` and :class:`MatrixModel`, what :func:`load` returns;
- :mod:`derivgen.verify`: gradients against central differences;
- :mod:`derivgen.judge`: documents' formulas and numbers against the engine;
- :mod:`derivgen.learn`: gradient descent with the derived gradients, CSV data;
- :mod:`derivgen.cli`: the ``derivgen`` command.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from derivgen.errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError

#: public name -> the module that defines it; imported on first use, so that
#: ``import derivgen`` (and the command line) load only what they need
_LAZY = {
    "load": "derivgen.model.load", "mlp": "derivgen.model.load",
    "from_spec": "derivgen.model.load", "MatrixModel": "derivgen.model.matrix",
    "Model": "derivgen.model.scalar", "Names": "derivgen.spec.naming",
    "Activation": "derivgen.spec", "Layer": "derivgen.spec", "Network": "derivgen.spec",
    "Spec": "derivgen.spec", "build_spec": "derivgen.spec", "read_spec": "derivgen.spec",
    "GradientReport": "derivgen.verify", "check_gradients": "derivgen.verify",
    "TrainResult": "derivgen.learn.train", "train": "derivgen.learn.train",
}

if TYPE_CHECKING:
    from derivgen.learn.train import TrainResult, train
    from derivgen.model.load import from_spec, load, mlp
    from derivgen.model.matrix import MatrixModel
    from derivgen.model.scalar import Model
    from derivgen.spec import Activation, Layer, Network, Spec, build_spec, read_spec
    from derivgen.spec.naming import Names
    from derivgen.verify import GradientReport, check_gradients


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'derivgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["load", "mlp", "from_spec", "check_gradients", "Model", "MatrixModel",
           "GradientReport", "DerivgenError", "SpecError", "UnsupportedError",
           "ReferenceParseError", "Names", "Activation", "Layer", "Network", "Spec",
           "read_spec", "build_spec", "train", "TrainResult"]
__version__ = "0.1.0"
