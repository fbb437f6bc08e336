"""Writing output files atomically, and the safe default names of output files.

Every file derivgen writes goes through :func:`write_atomic`: the bytes go to a
temporary file in the target's own folder, are flushed to disk, and only then
replace the target with ``os.replace``.  A full disk, a signal or a crash
leaves either the old file or the new one, never a truncated mix, and the
temporary file is removed on every exit path that Python sees.

Layer 0: this module imports nothing from derivgen but :mod:`derivgen.errors`.
"""
from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from derivgen.errors import DerivgenError

#: characters of a default file name made from a spec name
MAX_STEM = 80


class OutputError(DerivgenError):
    """An output file could not be written; the message names the file and the reason."""


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` all at once: a temporary file beside it, then a rename.

    Text is written as UTF-8.  The target's permissions are kept when it
    exists (new files get the umask's).  A target that exists but is no
    regular file (``/dev/stdout``, a named pipe) is written in place.  Raises :class:`OutputError` naming
    ``path`` when the folder is missing or read-only, the disk is full, or
    ``path`` is a directory.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    folder = target.parent  # Path("x").parent is Path(".")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a directory")
    if target.exists() and not target.is_file():  # /dev/stdout, a pipe: nothing to replace
        try:
            with open(target, "wb") as fh:
                fh.write(payload)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or type(exc).__name__}"
                              ) from None
        return target
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp",
                                        dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        _keep_mode(target, tmp_name)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"cannot write {target}: {reason}") from None
    finally:
        if tmp_name is not None:  # failed or interrupted: leave no temporary file behind
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return target


def _keep_mode(target: Path, tmp_name: str) -> None:
    """Give the new file the old file's permissions, or the usual 0666 & ~umask."""
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp_name, mode)


def safe_stem(name: str, fallback: str = "derivation") -> str:
    """A file name made from a spec's ``name:``, usable in the current folder only.

    Letters (any script), digits, ``.``, ``-`` and ``_`` are kept; everything
    else, path separators included, becomes ``_``; leading dots and dashes go
    (no hidden files, no options), and an empty result is ``fallback``.
    """
    text = unicodedata.normalize("NFC", str(name))
    kept = "".join(ch if (ch.isalnum() or ch in "._-") and ch.isprintable() else "_"
                   for ch in text)
    kept = re.sub(r"_+", "_", kept).lstrip(".-_")[:MAX_STEM].rstrip("._-")
    return kept or fallback


def default_output(name: str, suffix: str) -> Path:
    """``<safe stem of name><suffix>`` in the current folder (never elsewhere)."""
    return Path(safe_stem(name) + suffix)
