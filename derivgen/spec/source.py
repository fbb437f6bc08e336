"""Reading spec text safely: YAML with positions, no tags, no aliases.

The loader is PyYAML's SafeLoader with two restrictions that a spec never
needs and an attacker likes: anchors/aliases (alias bombs) and tags that are
not plain YAML types.  Mappings and lists come back as :class:`PosDict` and
:class:`PosList`, which remember where each key and value stood so that the
validator can point at the offending line and column.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from derivgen.errors import SpecError
from derivgen.limits import MAX_DIGITS, MAX_FILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES, digits

MAX_BYTES = MAX_FILE_BYTES
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
}


@dataclass(frozen=True)
class Pos:
    """A 1-based position in the spec text; ``quoted`` says the scalar had quotes."""

    line: int
    column: int
    quoted: bool = False


class PosDict(dict):
    """A dict that remembers the position of itself, its keys and its values."""

    pos: Pos
    key_pos: dict
    value_pos: dict


class PosList(list):
    """A list that remembers the position of itself and its items."""

    pos: Pos
    item_pos: list


class _Loader(yaml.SafeLoader):
    """SafeLoader without anchors or aliases, within the budget of nodes and depth."""

    nodes = depth = 0

    def compose_node(self, parent, index):
        mark = self.peek_event().start_mark
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise SpecError("YAML anchors and aliases are not allowed in a spec",
                            self.name, mark.line + 1, mark.column + 1)
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise SpecError(f"more than {MAX_YAML_NODES} YAML values; a spec needs far fewer",
                            self.name, mark.line + 1, mark.column + 1)
        self.depth += 1
        if self.depth > MAX_YAML_DEPTH:
            raise SpecError(f"YAML is nested too deeply (more than {MAX_YAML_DEPTH} levels)",
                            self.name, mark.line + 1, mark.column + 1)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _pos(node: yaml.Node) -> Pos:
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    if style in ("|", ">"):  # a block scalar's text starts on the line after the indicator
        return Pos(node.start_mark.line + 2, _indent_of_next_line(node) + 1, False)
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1, style in ("'", '"'))


def _indent_of_next_line(node: yaml.Node) -> int:
    buffer, start = node.start_mark.buffer or "", node.start_mark.index
    newline = buffer.find("\n", start)
    if newline < 0:
        return 0
    line = buffer[newline + 1:].split("\n", 1)[0]
    return len(line) - len(line.lstrip(" "))


def _convert(loader: _Loader, node: yaml.Node, source: str) -> Any:
    if node.tag not in _PLAIN_TAGS:
        p = _pos(node)
        raise SpecError(f"YAML tag {node.tag!r} is not allowed; use plain values",
                        source, p.line, p.column)
    if isinstance(node, yaml.MappingNode):
        out = PosDict()
        out.pos, out.key_pos, out.value_pos = _pos(node), {}, {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, source)
            if not isinstance(key, (str, int, float)):
                p = _pos(key_node)
                raise SpecError("mapping keys must be plain names", source, p.line, p.column)
            if key in out:
                p = _pos(key_node)
                raise SpecError(f"duplicate key {key!r}", source, p.line, p.column)
            out[key] = _convert(loader, value_node, source)
            out.key_pos[key] = _pos(key_node)
            out.value_pos[key] = _pos(value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = PosList(_convert(loader, item, source) for item in node.value)
        seq.pos, seq.item_pos = _pos(node), [_pos(item) for item in node.value]
        return seq
    if node.tag in _NUMBER_TAGS and digits(node.value) > MAX_DIGITS:
        p = _pos(node)
        raise SpecError(f"a number with {digits(node.value)} digits; at most {MAX_DIGITS} "
                        "are allowed", source, p.line, p.column)
    return loader.construct_object(node, deep=True)


def load_text(text: str | bytes, source: str = "<spec>") -> Any:
    """Parse spec text into PosDict/PosList/scalars, or raise :class:`SpecError`."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise SpecError(f"file is larger than {MAX_BYTES} bytes", source)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpecError(f"not UTF-8 text (byte {exc.start}); a spec is a YAML text file",
                            source) from None
    if len(text) > MAX_BYTES:
        raise SpecError(f"text is longer than {MAX_BYTES} characters", source)
    if not text.strip():
        raise SpecError("empty spec; expected a mapping with keys such as "
                        "'network' or 'model', 'loss' and 'reduction'", source, 1, 1)
    loader = None
    try:
        loader = _Loader(text)
        loader.name = source
        node = loader.get_single_node()
        if node is None:
            raise SpecError("empty spec; expected a mapping with keys such as "
                            "'network' or 'model', 'loss' and 'reduction'", source, 1, 1)
        return _convert(loader, node, source)
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        raise SpecError(f"character {exc.character!r} is not allowed in YAML text",
                        source, line, col) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.context_mark and exc.problem_mark:
            problem += (f" ({exc.context} at line {exc.context_mark.line + 1}, "
                        f"column {exc.context_mark.column + 1})")
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise SpecError(f"YAML error: {problem}", source, line, col) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML error: {str(exc).splitlines()[0]}", source) from None
    except RecursionError:  # not reached within MAX_YAML_DEPTH; kept as a last guard
        raise SpecError("YAML is nested too deeply", source, 1, 1) from None
    finally:
        if loader is not None:
            loader.dispose()


def _line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def read_file_bytes(path: str | Path, what: str = "a spec is a .yaml text file",
                    limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a :class:`SpecError`.

    The file is opened without blocking and checked on the open descriptor, so
    a FIFO, a device such as /dev/zero or a directory is refused at once,
    whatever happens to the path in between.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise SpecError("no such file", str(path)) from None
    except IsADirectoryError:
        raise SpecError(f"is a directory; {what}", str(path)) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror}", str(path)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SpecError(f"is a directory; {what}", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise SpecError(f"not a regular file; {what}", str(path))
        if info.st_size > limit:
            raise SpecError(f"file is larger than {limit} bytes", str(path))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror}", str(path)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise SpecError(f"file is larger than {limit} bytes", str(path))
    return data


def read_spec_source(path_or_text: str | Path) -> tuple[Any, str]:
    """Return (parsed YAML, source name) for a path or for YAML text.

    A string that contains a newline, or that does not end in .yaml/.yml and
    names no existing file, is taken as YAML text.
    """
    if isinstance(path_or_text, Path) or (
        "\n" not in str(path_or_text)
        and (str(path_or_text).endswith((".yaml", ".yml")) or Path(str(path_or_text)).is_file())
    ):
        path = Path(path_or_text)
        return load_text(read_file_bytes(path), str(path)), str(path)
    return load_text(str(path_or_text), "<spec>"), "<spec>"
