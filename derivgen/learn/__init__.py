"""Learning with the derived gradients: :func:`train`, CSV data, what ``derivgen train`` writes.

This layer sits with :mod:`derivgen.judge`, above :mod:`derivgen.model`.
"""
