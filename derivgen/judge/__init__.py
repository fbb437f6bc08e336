"""Judging documents: a document's names mapped onto the model (mapping.py, partials.py,
indices.py), formulas compared at many points (numeric.py; arrays.py and array_judge.py for
matrix notation), the spec's reference formulas (formulas.py) and worked numbers
(claims.py), each a report row (items.py)."""
