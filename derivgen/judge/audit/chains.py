"""All links of a document, in reading order, continued across displays."""
from __future__ import annotations

from derivgen.judge.audit.items import Link, Span, split_piece


def document_links(pieces: list, display_only_joins: bool = True) -> tuple[list[Link], list]:
    """All links of a document's pieces in reading order, and the index ranges declared
    ("k = 1, 2"); a display that starts with a relation continues the previous one."""
    links: list[Link] = []
    ranges: list = []
    chain, pending = 0, None
    for i, piece in enumerate(pieces):
        split, chain = split_piece(Span(piece.text, piece.offsets), i, chain,
                                   pending if piece.display else None)
        links.extend(split.links)
        ranges.extend((i, r) for r in split.ranges)
        pending = split.dangling if piece.display else None
    return links, ranges
