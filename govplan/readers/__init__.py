"""Readers for the files plans are published in (.docx, .html, .pdf, .doc/.wps).

A reader turns a file's bytes into an ``Extracted``: the plan as text, in the one serialisation
the rest of the pipeline reads — a paragraph a line, a table row a line with its cells between
tabs (``render_table``) — so that numbering, tables, units and deadlines work the same on every
format, and every span points into the text govplan extracted from the file.

``FORMATS`` maps a format name to its extensions and reader; ``sniff`` names the format of a file
from its content first (a renamed file is read as what it is) and its extension second.
Plain text is not a reader's: ``read.decode`` handles it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Extracted:
    """What a reader extracted: the text every span points into, and how it was obtained."""

    text: str
    format: str  # "docx", "html", "pdf", "doc"
    reader: str  # the library and its version, e.g. "python-docx 1.1.2"
    warnings: list[tuple[str, str]] = field(default_factory=list)


Reader = Callable[[bytes, "str | None"], Extracted]


def clean_cell(text: str) -> str:
    """A table cell's text on one line: tabs and line breaks inside it become single spaces."""
    return " ".join(text.split())


def render_table(rows: list[list[str | None]]) -> str:
    """Table rows as lines of tab-separated cells.

    ``None`` is a cell covered by a merge (the merged cell's text stands once, in its first row
    and column), written empty: the layout stage reads an empty cell under a filled one as the
    same merged cell, as it does for the same table pasted as text.
    """
    return "\n".join("\t".join(clean_cell(c) if c else "" for c in row) for row in rows)
