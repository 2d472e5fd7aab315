"""The pipeline: an ordered list of named stages, read → normalise → segment → layout → structure →
extract → records (export is the caller's choice of format, see ``govplan.export``).

Each stage is a function of the running ``State``; ``STAGES`` lists them in order so a reader sees
the whole parse in one place, and tests can run a prefix of it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .extract import EXTRACTORS, Extractor, PlanResult, extract_plan, select
from .extractors import deadlines
from .layout import Block, layout
from .normalise import Normalised, normalise
from .read import RawSource, read_bytes, read_path
from .records import Document, build_document
from .rules import RuleSet, bundled_rules, compiler, per_ruleset
from .segment import Line, segment
from .structure import PlanNode, build

__all__ = ["EXTRACTORS", "STAGES", "Options", "State", "run"]


@dataclass
class Options:
    """How to parse: the output script, the rule set, which extractors run."""

    script: str = "simplified"
    rules: RuleSet | None = None
    extractors: list[str] | None = None
    encoding: str | None = None


@dataclass
class State:
    options: Options
    rules: RuleSet
    extractors: list[tuple[str, Extractor]]
    raw: RawSource | None = None
    norm: Normalised | None = None
    lines: list[Line] = field(default_factory=list)
    numbers: list[Line] = field(default_factory=list)  # lone numbers segment took for page numbers
    blocks: list[Block] = field(default_factory=list)
    plans: list[PlanNode] = field(default_factory=list)
    results: list[PlanResult] = field(default_factory=list)
    document: Document | None = None
    consume: bool = False  # a full run: each stage's output may be dropped once the next has read it


def _normalise(state: State) -> None:
    assert state.raw is not None
    state.norm = normalise(state.raw.text)


def _segment(state: State) -> None:
    assert state.norm is not None
    state.lines = segment(state.norm, state.rules, state.numbers)


def _layout(state: State) -> None:
    assert state.norm is not None
    state.blocks = layout(state.lines, state.rules, state.norm.clean, deadlines.cell_pattern(state.rules),
                          state.numbers)


def _structure(state: State) -> None:
    assert state.norm is not None
    state.plans = build(state.blocks, state.rules, state.norm.clean)


def _extract(state: State) -> None:
    assert state.norm is not None
    state.results = [extract_plan(p, state.norm, state.rules, state.extractors) for p in state.plans]


def _records(state: State) -> None:
    assert state.raw is not None and state.norm is not None
    if state.options.script == "traditional":
        from .chinese import converter

        s2t = converter("s2t")
        conv: Callable[[str], str] = s2t.convert
        name = f"{state.norm.converter}; output: {s2t.name}"
    else:
        conv = _identity
        name = state.norm.converter
    state.document = build_document(state.raw, state.norm, state.results, output_script=state.options.script,
                                    conv=conv, converter_name=name,
                                    framing=_framing(state.rules, state.options.script == "traditional"),
                                    rules=state.rules, consume=state.consume)


def _framing(rules: RuleSet, traditional: bool = True) -> Callable[[str], bool]:
    """Whether a heading names a framing section such as 指导思想 or 保障措施: in either script, or
    (``traditional`` False) in Simplified, as records in the Simplified output are already."""

    def build(rules: RuleSet) -> Callable[[str], bool]:
        from .chinese import converter

        rx = compiler(rules)(rules.document.framing_sections)
        if not traditional:
            return lambda title: rx.search(title) is not None
        t2s = converter("t2s").convert
        return lambda title: rx.search(t2s(title)) is not None

    return per_ruleset(rules, f"framing:{traditional}", build)


def _identity(s: str) -> str:
    return s


# read is the caller's (file, bytes or text); these follow it in order.
STAGES: list[tuple[str, Callable[[State], None]]] = [
    ("normalise", _normalise),
    ("segment", _segment),
    ("layout", _layout),
    ("structure", _structure),
    ("extract", _extract),
    ("records", _records),
]


# What no later stage reads once a stage is done: a full run drops it then, so a large plan is
# not held as lines, blocks, nodes, results and records all at once (README, "Size").
_DONE_WITH: dict[str, tuple[str, ...]] = {
    "structure": ("lines", "numbers", "blocks"),  # the plan nodes keep the lines they need
    "records": ("plans", "results", "norm"),
}


def _state(options: Options | None) -> State:
    opts = options or Options()
    if opts.script not in ("simplified", "traditional"):
        raise ValueError(f"unknown script {opts.script!r}; use 'simplified' or 'traditional'")
    rules = opts.rules or bundled_rules()
    return State(options=opts, rules=rules, extractors=select(opts.extractors))


def run(raw: RawSource, options: Options | None = None, *, until: str | None = None) -> State:
    """Run every stage after reading (or up to and including ``until``, keeping every stage's output
    for inspection; a full run keeps only the raw source and the document)."""
    state = _state(options)
    state.raw = raw
    state.consume = until is None
    # A parse builds many small objects and frees them by reference counting (they hold no
    # cycles); the cycle collector would only keep rescanning them, which costs a sixth of the
    # run on large plans.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for name, stage in STAGES:
            stage(state)
            if name == until:
                break
            if until is None:
                for attr in _DONE_WITH.get(name, ()):
                    setattr(state, attr, None if attr == "norm" else [])
    finally:
        if collecting:
            if not gc.get_freeze_count():
                # What the parse built and keeps (the records) would all be young: the first
                # allocation after this would scan every one of them (4 % of a parse). Moved to the
                # oldest generation instead (both moves are O(1)); they are freed by reference
                # counting all the same. Skipped where the caller froze objects of its own.
                gc.freeze()
                gc.unfreeze()
            gc.enable()
    return state


def parse_bytes(data: bytes, options: Options | None = None, *, path: str | None = None) -> Document:
    opts = options or Options()
    state = run(read_bytes(data, path=path, encoding=opts.encoding), opts)
    assert state.document is not None
    return state.document


def parse_file(path: str | Path, options: Options | None = None) -> Document:
    opts = options or Options()
    state = run(read_path(Path(path), encoding=opts.encoding), opts)
    assert state.document is not None
    return state.document


def parse_text(text: str, options: Options | None = None, *, path: str | None = None) -> Document:
    import hashlib
    import re

    warnings: list[tuple[str, str]] = []
    lone = re.search("[\ud800-\udfff]", text)
    if lone is not None:
        # a str from a bad decode (surrogateescape) or a broken slice: it cannot be written out as
        # UTF-8; one U+FFFD per surrogate keeps every offset
        text = re.sub("[\ud800-\udfff]", "\ufffd", text)
        warnings.append(("decode_error", "lone surrogate characters, which no encoding can write, were "
                         f"replaced with U+FFFD; the first is at character offset {lone.start()}"))
    data = text.encode("utf-8")
    raw = RawSource(text=text[1:] if text.startswith("\ufeff") else text, path=path, encoding="utf-8",
                    confidence=1.0, sha256=hashlib.sha256(data).hexdigest(), size=len(data), warnings=warnings)
    state = run(raw, options)
    assert state.document is not None
    return state.document

