"""Specs: YAML text → validated, frozen records (or a SpecError with file:line:col).

- :mod:`~derivgen.spec.source`: YAML with the position of every key, no tags, no aliases;
- :mod:`~derivgen.spec.fields`: reading one mapping with positions;
- :mod:`~derivgen.spec.formula`: the safe formula parser (Python's ``ast``, a whitelist);
- :mod:`~derivgen.spec.naming`: name templates (w_{l}{k}{j} → w_111);
- :mod:`~derivgen.spec.records`: the records (Spec, Network, FreeForm, Example);
- :mod:`~derivgen.spec.network`, :mod:`~derivgen.spec.validate`: validation;
- :mod:`~derivgen.spec.forms`: a spec turned into the other form.
"""
from derivgen.spec.records import (Activation, Example, FreeForm, Layer, Network, Spec)
from derivgen.spec.validate import build_spec, example_section, read_spec

__all__ = ["Activation", "Example", "FreeForm", "Layer", "Network", "Spec", "build_spec",
           "example_section", "read_spec"]
