"""The derivation as a document: LaTeX printers in a document's notation (latex.py,
notation.py, profiles.py; matlatex.py for matrix form), the formulas as data (sections.py,
overview.py, matsections.py, worked.py), Jinja templates (templates/), Markdown and LaTeX
(document.py) and PDF (pdf.py)."""
