"""Reading documents: the strict lark grammar for the LaTeX of hand-written notes
(latex.lark, latex.py) and the builder that turns its trees into SymPy (build.py,
derivatives.py, structures.py, tree.py).  Text is parsed, never evaluated."""
