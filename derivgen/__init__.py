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

from derivgen.errors import DerivgenError, ReferenceParseError, SpecError, UnsupportedError
from derivgen.model.load import from_spec, load, mlp
from derivgen.model.matrix import MatrixModel
from derivgen.model.scalar import Model
from derivgen.spec.naming import Names
from derivgen.spec import Activation, Layer, Network, Spec, build_spec, read_spec
from derivgen.verify import GradientReport, check_gradients
from derivgen.learn.train import TrainResult, train

__all__ = ["load", "mlp", "from_spec", "check_gradients", "Model", "MatrixModel",
           "GradientReport", "DerivgenError", "SpecError", "UnsupportedError",
           "ReferenceParseError", "Names", "Activation", "Layer", "Network", "Spec",
           "read_spec", "build_spec", "train", "TrainResult"]
__version__ = "0.1.0"
