"""The derivation as a document: LaTeX printers in a document's notation (latex.py,
notation.py, profiles.py; matlatex.py for matrix form; numlatex.py for numbers put into
formulas), the formulas as data (sections.py, overview.py, matsections.py; worked.py and
example.py for the worked example; compact.py and indexed.py for one generic unit per
layer), where long displays break (breaking.py, widths.py), Jinja templates (templates/),
Markdown and LaTeX (document.py) and PDF (pdf.py)."""
