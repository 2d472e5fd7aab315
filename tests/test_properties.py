"""Property tests: parsing is total, normalisation is idempotent, spans stay inside the source.

Run over arbitrary Unicode, over plan-like text built from the pieces plans are made of, and over
mutations of the bundled samples (deleted lines, shuffled lines, injected garbage, random wraps).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govplan
from govplan.normalise import normalise
from govplan.records import Document, Item, Span

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.txt"))
SAMPLE_TEXT = {p.stem: p.read_text(encoding="utf-8") for p in SAMPLES}
SAMPLE_LINES = {k: v.splitlines(keepends=True) for k, v in SAMPLE_TEXT.items()}

PIECES = [
    "一、", "二、", "(一)", "（二）", "1.", "2、", "⒈", "①", "(1)", "第一章", "1.1", "2.1.1", "附件", "附件2:",
    "牵头单位:", "责任单位:", "完成时间:", "市财政局", "省公安廳", "卫生健康委", "牵头", "负责", "配合", "、", ",",
    "。", ";", "(", ")", "[", "]", "<", ">", "〔", "〕", "2022年", "6月", "年底前", "长期坚持", "十四五期间",
    "80%", "以上", "不低于", "1.1亿", "xx", "xxx%", "關(guān)", "?", "\t", "\n", "\r\n", " ", "　", "—— 3 ——",
    ".....12", "**", "Ø", "序号\t任务名称\t完成时间\t责任部门\n", "1\t任务\t2022年6月\t市局牵头\n",
    "各县(市、区)人民政府", "数字政府建设实施方案\n", "\ufeff", "⼀", "\x00", "目录\n", "| 1 | 任务 |\n",
    "&nbsp;", "上一篇:", "(牵头)", "会同", "6月底前", "2023年6—8月", "关于印发", "的通知\n",
    "序号    工作任务      牵头单位    完成时限\n", "1     任务甲      县财政局      2025年6月底前\n", "      ",
    "指标\t单位\t2020年\t2025年\n", "≥95", "| 一、教育 | | |\n", "一、二级", "14.15分钟", "北江市文件\n",
]

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _items(items: list[Item]) -> Iterator[Item]:
    for it in items:
        yield it
        yield from _items(it.children)


def all_spans(doc: Document) -> Iterator[Span]:
    """Every span a document holds: warnings, plans, items and their values."""
    for w in doc.warnings:
        if w.span:
            yield w.span
    for plan in doc.plans:
        yield plan.span
        for w in plan.warnings:
            if w.span:
                yield w.span
        for it in _items(plan.items):
            yield it.span
            for u in it.units:
                yield u.span
            if it.deadline:
                yield it.deadline.span
            for t in it.targets:
                yield t.span


def check_document(text: str) -> Document:
    doc = govplan.parse_text(text)
    # the records obey their own strict models
    assert Document.model_validate_json(doc.model_dump_json()) == doc
    source = text[1:] if text.startswith("\ufeff") else text
    n = len(source)
    lines = source.count("\n") + 1 + source.count("\r") - source.count("\r\n")
    for span in all_spans(doc):
        assert 0 <= span.start <= span.end <= n, span
        assert 1 <= span.start_line <= span.end_line <= lines, (span, lines)
    for plan in doc.plans:
        for it in _items(plan.items):
            for value in [*it.units, *it.targets]:
                # raw is the source text of the span, less inserted glosses and line breaks
                written = source[value.span.start:value.span.end]
                assert all(c in written for c in value.raw), (value.raw, written)
    # item order follows source order
    starts = [it.span.start for plan in doc.plans for it in _items(plan.items) if it.kind != "row"]
    assert starts == sorted(starts)
    return doc


def check_normalise(text: str) -> None:
    once = normalise(text)
    twice = normalise(once.clean)
    assert twice.clean == once.clean
    assert normalise(once.match).match == once.match
    n = len(text)
    for pos in range(0, len(once.clean) + 1, max(1, len(once.clean) // 50)):
        assert 0 <= once.offsets.to_source(pos) <= n


@FAST
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    check_document(text)
    check_normalise(text)


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_plan_like_text(text: str) -> None:
    check_document(text)
    check_normalise(text)


@st.composite
def mutated_sample(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(SAMPLE_LINES)))
    lines = list(SAMPLE_LINES[name])
    start = draw(st.integers(0, max(0, len(lines) - 60)))
    lines = lines[start:start + 60]
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "swap", "garbage", "wrap", "join"]))
        if not lines:
            break
        k = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[k]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == "garbage":
            lines.insert(k, draw(st.text(max_size=30)) + "\n")
        elif op == "wrap" and len(lines[k]) > 2:
            cut = draw(st.integers(1, len(lines[k]) - 1))
            lines[k:k + 1] = [lines[k][:cut] + "\n", lines[k][cut:]]
        elif op == "join" and k + 1 < len(lines):
            lines[k:k + 2] = [lines[k].rstrip("\n") + lines[k + 1]]
    return "".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_sample())
def test_mutated_samples(text: str) -> None:
    check_document(text)


def test_whole_samples_hold_the_properties() -> None:
    for text in SAMPLE_TEXT.values():
        check_document(text)
        check_normalise(text)


# Crashes found by fuzzing are kept here as regression cases.
REGRESSIONS = [
    "",
    "\ufeff",
    "((guān)guān)",
    "一、\n",
    "(一)",
    "附件\n序号\t任务\t完成时间\t责任部门\n\t\t\t\n",
    "序号\t任务名称\t完成时间\t责任部门\n1\t\t\t\n",
    "1.1亿\n2.1\n",
    "[责任单位:",
    "(市局牵头",
    "完成时间:",
]


def test_regressions() -> None:
    for text in REGRESSIONS:
        check_document(text)
        check_normalise(text)


LARGE = {
    "a 1 MB line": "数字政府建设,推进一网通办。" * 70_000,
    "10,000 labels on one line": "(一)" * 10_000,
    "10,000 nested brackets": "(" * 10_000 + "市局牵头" + ")" * 10_000,
    "10,000 nesting-like markers": "\n".join(["一、", "(一)", "1.", "(1)", "①", "第一章", "1.1", "2.1.1"] * 1_250),
    "an unclosed bracket before 20,000 names": "一、任务(" + "市局、" * 20_000,
    "a unit list of 20,000 names": "(" + "、".join(["市局"] * 20_000) + "牵头)",
}


def test_large_and_pathological_inputs_finish() -> None:
    # bounded work: these finish (the benchmark, not this test, measures how fast)
    for name, text in LARGE.items():
        doc = govplan.parse_text(text)
        assert doc.plans, name
