"""``--init FILE``: starting parameters from YAML, such as a params.yaml that train wrote."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from derivgen.errors import SpecError
from derivgen.spec.source import load_text, read_file_bytes

#: keys of a params.yaml besides 'params'; they are accepted and not used
IGNORED = ("x", "y", "learning_rate")


def _read(path: Path) -> bytes:
    if not path.exists() and not path.is_symlink():  # say what else --init takes
        raise SpecError("no such file (--init takes a YAML file or 'random')", str(path))
    return read_file_bytes(path, "expected a YAML file")


def _finite(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_finite(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_init(path: str | Path, model: Any) -> dict[str, Any]:
    """Every parameter of ``model`` from the file's ``params:`` mapping, checked."""
    source = str(path)
    data = load_text(_read(Path(path)), source)
    top = getattr(data, "pos", None)
    where = (top.line, top.column) if top else (1, 1)
    if not isinstance(data, dict) or "params" not in data:
        raise SpecError("expected a mapping with 'params:' (name: value or array)", source, *where)
    for key in data:
        if key != "params" and key not in IGNORED:
            pos = data.key_pos.get(key)
            raise SpecError(f"unknown key {key!r}; allowed: params, {', '.join(IGNORED)}",
                            source, *((pos.line, pos.column) if pos else where))
    params = data["params"]
    ppos = data.value_pos.get("params")
    at = (ppos.line, ppos.column) if ppos else where
    if not isinstance(params, dict):
        raise SpecError("'params' must be a mapping of parameter names to values", source, *at)
    for name, value in params.items():
        if not _finite(value):
            pos = params.value_pos.get(name)
            raise SpecError(f"parameter {name!r} must be a finite number or a list of them",
                            source, *((pos.line, pos.column) if pos else at))
    try:
        if getattr(model, "form", "scalar") == "scalar":
            return model.flat_params(dict(params))
        return _arrays(model, params)
    except ValueError as exc:
        raise SpecError(f"params: {exc}", source, *at) from None


def _arrays(model: Any, params: dict) -> dict[str, Any]:
    """Matrix form: each parameter an array of its shape."""
    shapes = model.parameter_shapes
    unknown = [k for k in params if k not in shapes]
    missing = [k for k in shapes if k not in params]
    if unknown or missing:
        raise ValueError(f"expected {', '.join(shapes)}; "
                         + (f"unknown {', '.join(unknown)}" if unknown else
                            f"missing {', '.join(missing)}"))
    out: dict[str, Any] = {}
    for name, shape in shapes.items():
        try:
            value = np.array(params[name], dtype=float)
        except ValueError:
            raise ValueError(f"{name} is not a rectangular array") from None
        if value.shape != shape:
            raise ValueError(f"{name} has shape {value.shape}, expected {shape}")
        out[name] = float(value) if shape == () else value
    return out
