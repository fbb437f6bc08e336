"""Where compiled kernels live between processes, and the one folder derivgen writes to.

A kernel is a generated Python module whose functions numba compiles with
``cache=True``; numba keeps the machine code next to the module, in its
``__pycache__``.  The module's file name is a hash of everything the machine
code depends on: the kernel's source (a function of the spec's content: the
network, loss, reduction, subgradient convention and parameter order), the
backend, and the versions of derivgen, numba and Python.  A second process
with the same spec finds the file and numba's cache beside it and compiles
nothing.

The folder is ``$DERIVGEN_CACHE_DIR`` when set, else the user's cache folder
(``$XDG_CACHE_HOME/derivgen`` or ``~/.cache/derivgen``; ``~/Library/Caches/derivgen``
on macOS, ``%LOCALAPPDATA%\\derivgen\\Cache`` on Windows).  derivgen writes
nowhere else; when the folder cannot be written, kernels are compiled in memory
for this process only.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from types import ModuleType

from derivgen.codegen.compile import load_module, run_module_source
from derivgen.files import OutputError, write_atomic

ENV = "DERIVGEN_CACHE_DIR"
#: bump when the kernels' calling convention changes
KERNEL_ABI = "2"


def cache_dir() -> Path:
    """The folder compiled kernels are kept in (see the module docstring)."""
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "derivgen"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "derivgen" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "derivgen"


def kernel_key(source: str, backend: str, versions: dict[str, str]) -> str:
    """The content hash a kernel is filed under."""
    text = "\n".join([KERNEL_ABI, backend, *(f"{k}={v}" for k, v in sorted(versions.items())),
                      source])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _write_once(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (files.write_atomic), unless an equal file is
    already there; a concurrent writer writes the same bytes."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def kernel_module(source: str, backend: str, versions: dict[str, str]) -> ModuleType:
    """The kernel module of ``source``, loaded from the cache folder (written there first if
    needed), or compiled in memory for this process when no cache folder is writable."""
    key = kernel_key(source, backend, versions)
    name = f"derivgen_kernel_{key}"
    if name in sys.modules:
        return sys.modules[name]
    path = cache_dir() / "kernels" / f"k_{key}.py"
    try:
        _write_once(path, source)
    except (OSError, OutputError):
        # no writable cache folder: compile in memory, never write anywhere else
        return _in_memory(source, name)
    return load_module(path, name)


def _in_memory(source: str, name: str) -> ModuleType:
    text = source.replace("cache=True", "cache=False")
    module = ModuleType(name)
    run_module_source(text, module)
    return module
