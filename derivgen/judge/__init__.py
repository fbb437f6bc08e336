"""Judging documents: a document's names mapped onto the model (mapping.py, partials.py
for what ∂X/∂Y means, applying.py for functions, the loss and update steps, indices.py),
formulas compared at many points (numeric.py; scalar_judge.py for one formula,
conditions.py for ``when:``; arrays.py and array_judge.py for matrix notation), the spec's
reference formulas (formulas.py) and worked numbers (claims.py), each a report row
(items.py)."""
