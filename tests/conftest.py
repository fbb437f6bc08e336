"""Shared fixtures: the bundled specs and the repository root."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.helpers import ROOT, SPECS  # noqa: F401 - re-exported for test modules


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# CI runs the property tests on a fixed sequence of examples so that a red run is
# reproducible; locally every run explores new random networks.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
