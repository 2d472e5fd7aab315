"""govplan: Chinese government work plans to validated, machine-readable records.

Public API::

    import govplan
    doc = govplan.parse_file("plan.txt")          # a govplan.records.Document
    doc = govplan.parse_text(text, script="traditional")
    doc.model_dump(mode="json")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.2.0"

if TYPE_CHECKING:  # pragma: no cover
    from .records import Document

__all__ = ["__version__", "parse_file", "parse_text"]


def _options(script: str, rules: str | Path | None, extractors: list[str] | None, encoding: str | None):  # type: ignore[no-untyped-def]
    from .pipeline import Options
    from .rules import load_rules

    return Options(script=script, rules=load_rules(Path(rules)) if rules else None,
                   extractors=extractors, encoding=encoding)


def parse_file(path: str | Path, *, script: str = "simplified", rules: str | Path | None = None,
               extractors: list[str] | None = None, encoding: str | None = None) -> Document:
    """Parse a plan file (any supported encoding) into a Document."""
    from .pipeline import parse_file as _parse_file

    return _parse_file(path, _options(script, rules, extractors, encoding))


def parse_text(text: str, *, script: str = "simplified", rules: str | Path | None = None,
               extractors: list[str] | None = None, path: str | None = None) -> Document:
    """Parse plan text into a Document."""
    from .pipeline import parse_text as _parse_text

    return _parse_text(text, _options(script, rules, extractors, None), path=path)
