"""govplan's accuracy on real plans: its records scored against gold annotations.

    python benchmarks/accuracy.py                 # per-document and per-field tables, acceptance checks
    python benchmarks/accuracy.py -v              # first every miss, per document, grouped by field
    python benchmarks/accuracy.py --markdown      # the tables in Markdown, as in the README
    python benchmarks/accuracy.py --json out.json --check   # a summary file; exit 1 if a check fails

The texts and gold are in benchmarks/real/, the gold format in benchmarks/real/SPEC.md. Items are
matched by canonical path (（三） = (三), ⒈ = 1., ① = (1), 第三条 = 第3条); units, lead units, the
deadline and the percentages are compared item by item, and the facts of a missed or an extra item
count as misses too. Plans in one file are matched to the gold's by content, so a covering notice
taken for a plan of its own costs its items only. Figures are micro precision / recall / F1 over
all documents; the document mean is the mean of its five F1 figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import govplan

HERE = Path(__file__).resolve().parent
GOLD_DIR = HERE / "real" / "gold"
DOCS_DIR = HERE / "real" / "docs"

FIELDS = ("items", "units", "lead", "deadline", "percents")

# Issue 8's acceptance.
MIN_MEAN_F1 = 0.92
MIN_FIELD_F1 = 0.85
MIN_DOC_MEAN = 0.80

Json = dict[str, Any]
CanonPath = tuple[str, ...]

# ---------------------------------------------------------------- canonical labels and names

_CN_DIGITS = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_TENS = {"十": 10, "百": 100}
_CN = "〇零一二两三四五六七八九十百"
_PUNCT_AFTER_LABEL = "、.．,，:："
_CHAPTER_RX = re.compile(rf"第([{_CN}\d]+)([章节条部分篇])")
_PAREN_RX = re.compile(rf"\(([{_CN}]+|\d+)\)")
_HEADING_RX = re.compile(rf"[{_CN}]+")
_DECIMAL_RX = re.compile(r"\d+(?:\.\d+)*")
_ATTACHMENT_RX = re.compile(rf"附件([\d{_CN}]*)")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")"})
_ANGLES = str.maketrans({"<": "(", ">": ")", "〈": "(", "〉": ")"})


def number_value(text: str) -> int | None:
    """12 → 12, 十二 → 12, 二十 → 20, 一百零五 → 105; None when text is not a number."""
    if text.isdigit():
        return int(text)
    total = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_TENS:
            total += (digit or 1) * _CN_TENS[ch]
            digit = 0
        else:
            return None
    return total + digit


def _circled(label: str) -> int | None:
    # ① … ⑳ are (1) … (20); NFKC would make them bare digits, i.e. 1. … 20.
    if len(label) == 1 and 0x2460 <= ord(label) <= 0x2473:
        return ord(label) - 0x2460 + 1
    return None


def canon_label(label: str) -> str:
    """One numbering label in a form shared by all its spellings (SPEC.md, "Canonical labels").

    一、/一．→ "一:1"; （一）→ "(一:1)"; 1、/１．/⒈ → "1"; （1）/⑴/① → "(1)"; 2.1.1 → "2.1.1";
    第三条 → "第3条"; 附件/附件1 → "附件", 附件2 → "附件2" (its title is dropped).
    """
    raw = str(label).strip()
    circled = _circled(raw.rstrip(_PUNCT_AFTER_LABEL))
    if circled is not None:
        return f"({circled})"
    s = unicodedata.normalize("NFKC", raw).translate(_BRACKETS)
    s = re.sub(r"\s+", "", s).rstrip(_PUNCT_AFTER_LABEL)
    if m := _CHAPTER_RX.fullmatch(s):
        return f"第{number_value(m[1])}{m[2]}"
    if m := _PAREN_RX.fullmatch(s):
        return f"({int(m[1])})" if m[1].isdigit() else f"(一:{number_value(m[1])})"
    if _HEADING_RX.fullmatch(s):
        return f"一:{number_value(s)}"
    if _DECIMAL_RX.fullmatch(s):
        return ".".join(str(int(part)) for part in s.split("."))
    if m := _ATTACHMENT_RX.match(s):
        n = number_value(m[1]) if m[1] else 1
        return "附件" if n in (None, 1) else f"附件{n}"
    return s


def canon_path(path: Sequence[str]) -> CanonPath:
    return tuple(canon_label(label) for label in path)


@cache
def _t2s() -> Any:
    from opencc import OpenCC  # the reference converter, not govplan's own tables

    return OpenCC("t2s")


@cache
def canon_unit(name: str) -> str:
    """A unit name as the gold writes it: Simplified, NFKC (ASCII brackets), no spaces or edge punctuation."""
    s = unicodedata.normalize("NFKC", _t2s().convert(str(name))).translate(_ANGLES)
    return re.sub(r"\s+", "", s).strip("、,，;；。:：")


# ---------------------------------------------------------------- deadlines and percentages

_GOLD_DATE_RX = re.compile(r"\d{4}(?:-\d{2}){0,2}")
_PERCENT_UNITS = ("%", "％", "percent")


@dataclass(frozen=True)
class ToolDeadline:
    due: str  # ISO date, the last day of the period read; "" when none
    ongoing: bool
    raw: str

    @classmethod
    def read(cls, value: Mapping[str, Any] | None) -> ToolDeadline | None:
        """None when the tool states no deadline."""
        if not value:
            return None
        deadline = cls(str(value.get("due") or ""), bool(value.get("ongoing")), str(value.get("raw") or ""))
        return deadline if deadline.due or deadline.ongoing or deadline.raw else None

    def __str__(self) -> str:
        what = self.due or ("ongoing" if self.ongoing else "no date")
        return f"{what} ({self.raw!r})" if self.raw else what


def deadline_matches(gold: str, tool: ToolDeadline) -> bool:
    """gold is "YYYY", "YYYY-MM", "YYYY-MM-DD", "ongoing" or "other" (a phrase with no date)."""
    if gold == "ongoing":
        return tool.ongoing
    if gold == "other":
        return bool(tool.raw) and not tool.due and not tool.ongoing
    if not _GOLD_DATE_RX.fullmatch(gold):
        raise ValueError(f"not a gold deadline: {gold!r}")
    # due is the period's last day (2022年6月 → 2022-06-30): compare at the gold's precision.
    return tool.due[: len(gold)] == gold


def _percent_key(value: Any) -> float | None:
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None


def tool_percents(targets: Sequence[Mapping[str, Any]]) -> Counter[float]:
    """The values of the targets measured in percent, as a multiset."""
    found: Counter[float] = Counter()
    for target in targets:
        unit = str(target.get("unit") or "")
        if unit in _PERCENT_UNITS or (not unit and "%" in str(target.get("raw") or "")):
            key = _percent_key(target.get("value"))
            if key is not None:
                found[key] += 1
    return found


# ---------------------------------------------------------------- items of the gold and of the tool


D = TypeVar("D", str, ToolDeadline)  # the gold's deadline is a string, the tool's a ToolDeadline


@dataclass(frozen=True)
class Facts(Generic[D]):
    """What is scored of one item; `shown` is its path as written, for reports."""

    shown: str
    units: frozenset[str] = frozenset()
    lead: frozenset[str] = frozenset()
    deadline: D | None = None
    percents: Counter[float] = field(default_factory=Counter)


# A path that repeats within one plan (a list that restarts under the same parent) is scored once,
# at its first item, as the realdev scorer does.
GoldPlan = dict[CanonPath, Facts[str]]
ToolPlan = dict[CanonPath, Facts[ToolDeadline]]


def gold_plans(gold: Json) -> list[GoldPlan]:
    plans: list[GoldPlan] = []
    for document in gold["documents"]:
        plan: GoldPlan = {}
        for item in document["items"]:
            keys = [_percent_key(v) for v in item.get("percents") or []]
            plan.setdefault(
                canon_path(item["path"]),
                Facts[str](
                    shown=" > ".join(item["path"]),
                    units=frozenset(canon_unit(u) for u in item.get("units") or []),
                    lead=frozenset(canon_unit(u) for u in item.get("lead") or []),
                    deadline=None if item.get("deadline") is None else str(item["deadline"]),
                    percents=Counter(k for k in keys if k is not None),
                ),
            )
        plans.append(plan)
    return plans


def _walk(items: Sequence[Json]) -> Iterator[Json]:
    for item in items:
        yield item
        yield from _walk(item.get("children") or [])


def tool_facts(item: Json) -> Facts[ToolDeadline]:
    units: set[str] = set()
    lead: set[str] = set()
    for unit in item.get("units") or []:
        name = canon_unit(unit.get("name") or "")
        if name:
            units.add(name)
            if unit.get("role") == "lead":
                lead.add(name)
    return Facts[ToolDeadline](
        shown=" > ".join(item.get("path") or [item.get("number") or "?"]),
        units=frozenset(units),
        lead=frozenset(lead),
        deadline=ToolDeadline.read(item.get("deadline")),
        percents=tool_percents(item.get("targets") or []),
    )


def tool_plans(output: Json) -> list[ToolPlan]:
    """The plans of govplan's JSON output that hold items (an empty plan has nothing to score)."""
    plans: list[ToolPlan] = []
    for plan_out in output.get("plans") or []:
        plan: ToolPlan = {}
        for item in _walk(plan_out.get("items") or []):
            plan.setdefault(canon_path(item.get("path") or [item.get("number") or "?"]), tool_facts(item))
        if plan:
            plans.append(plan)
    return plans


def align_plans(gold: Sequence[set[CanonPath]], tool: Sequence[set[CanonPath]]) -> dict[int, int]:
    """Tool plan → gold plan: the order-keeping pairing that shares the most item paths.

    A covering notice the tool takes for a plan of its own must not push the real plan off its gold.
    """
    n, m = len(gold), len(tool)
    shared = [[len(g & t) for t in tool] for g in gold]
    best = [[0] * (m + 1) for _ in range(n + 1)]  # best[i][j]: most paths shared by gold[i:] and tool[j:]
    for i in reversed(range(n)):
        for j in reversed(range(m)):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], shared[i][j] + best[i + 1][j + 1])
    pairs: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        if shared[i][j] and best[i][j] == shared[i][j] + best[i + 1][j + 1]:
            pairs[j] = i
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


# ---------------------------------------------------------------- scoring


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 0.0 if self.fn else 1.0  # nothing found: perfect only when there was nothing to find
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Miss:
    field: str
    item: str
    detail: str


@dataclass
class DocScore:
    doc: str
    counts: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    misses: list[Miss] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def mean(self) -> float:
        return sum(self.counts[f].f1 for f in FIELDS) / len(FIELDS)


def _difference(gold_only: list[str], tool_only: list[str], note: str) -> str:
    parts = [f"{side} [{', '.join(values)}]" for side, values in (("gold only", gold_only), ("tool only", tool_only))]
    return "; ".join(p for p, values in zip(parts, (gold_only, tool_only), strict=True) if values) + note


def _score_sets(score: DocScore, name: str, shown: str, gold: frozenset[str], tool: frozenset[str], note: str) -> None:
    score.counts[name].add(len(gold & tool), len(tool - gold), len(gold - tool))
    if gold != tool:
        score.misses.append(Miss(name, shown, _difference(sorted(gold - tool), sorted(tool - gold), note)))


def _score_deadline(score: DocScore, shown: str, gold: str | None, tool: ToolDeadline | None, note: str) -> None:
    if gold is not None and tool is not None and deadline_matches(gold, tool):
        score.counts["deadline"].add(1, 0, 0)
        return
    score.counts["deadline"].add(0, int(tool is not None), int(gold is not None))
    if gold is not None or tool is not None:
        score.misses.append(Miss("deadline", shown, f"gold {gold or 'none'}, tool {tool or 'none'}{note}"))


def _score_percents(score: DocScore, shown: str, gold: Counter[float], tool: Counter[float], note: str) -> None:
    common = sum((gold & tool).values())
    score.counts["percents"].add(common, sum(tool.values()) - common, sum(gold.values()) - common)
    if gold != tool:
        gold_only = [f"{v:g}" for v in sorted((gold - tool).elements())]
        tool_only = [f"{v:g}" for v in sorted((tool - gold).elements())]
        score.misses.append(Miss("percents", shown, _difference(gold_only, tool_only, note)))


def score_document(gold: Json, output: Json) -> DocScore:
    """Counts and misses of one document: govplan's JSON output against its gold file."""
    score = DocScore(str(gold.get("doc", "?")))
    golds = gold_plans(gold)
    tools = tool_plans(output)
    pairs = align_plans([set(p) for p in golds], [set(p) for p in tools])
    # An unpaired tool plan gets a key no gold plan has, so all its items are extra.
    found = {(pairs.get(j, -1 - j), path): facts for j, plan in enumerate(tools) for path, facts in plan.items()}
    wanted = {(i, path): facts for i, plan in enumerate(golds) for path, facts in plan.items()}
    for key in [*wanted, *(k for k in found if k not in wanted)]:
        g, t = wanted.get(key), found.get(key)
        if g is not None and t is not None:
            score.counts["items"].add(1, 0, 0)
            shown, note = g.shown, ""
        elif g is not None:
            score.counts["items"].add(0, 0, 1)
            shown, note = g.shown, " (item missed)"
            score.misses.append(Miss("items", shown, "missed"))
        elif t is not None:
            score.counts["items"].add(0, 1, 0)
            shown, note = t.shown, " (extra item)"
            score.misses.append(Miss("items", shown, "extra"))
        g, t = g or Facts[str](shown), t or Facts[ToolDeadline](shown)
        _score_sets(score, "units", shown, g.units, t.units, note)
        _score_sets(score, "lead", shown, g.lead, t.lead, note)
        _score_deadline(score, shown, g.deadline, t.deadline, note)
        _score_percents(score, shown, g.percents, t.percents, note)
    return score


def run_govplan(path: Path) -> tuple[Json, str | None]:
    """govplan's records of one file, in process; a crash scores as no output and is reported."""
    try:
        return govplan.parse_file(path).model_dump(mode="json"), None
    except Exception as exc:  # one failing document must not stop the benchmark
        return {"plans": []}, f"{type(exc).__name__}: {exc}"


def score_all(gold_dir: Path, docs_dir: Path) -> list[DocScore]:
    scores: list[DocScore] = []
    for gold_file in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        start = time.perf_counter()
        output, error = run_govplan(docs_dir / gold["doc"])
        score = score_document(gold, output)
        score.seconds, score.error = time.perf_counter() - start, error
        scores.append(score)
    return scores


# ---------------------------------------------------------------- summary and acceptance


@dataclass
class Summary:
    docs: list[DocScore]

    @property
    def totals(self) -> dict[str, Counts]:
        totals = {f: Counts() for f in FIELDS}
        for doc in self.docs:
            for f in FIELDS:
                c = doc.counts[f]
                totals[f].add(c.tp, c.fp, c.fn)
        return totals

    @property
    def mean_f1(self) -> float:
        """Micro F1 of each field over all documents, averaged over the fields."""
        totals = self.totals
        return sum(totals[f].f1 for f in FIELDS) / len(FIELDS)

    @property
    def doc_mean(self) -> float:
        """Every document counts the same, however many items it holds."""
        return sum(d.mean for d in self.docs) / len(self.docs) if self.docs else 0.0


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def acceptance(summary: Summary) -> list[Check]:
    totals = summary.totals
    low_fields = [f"{f} {totals[f].f1:.3f}" for f in FIELDS if totals[f].f1 < MIN_FIELD_F1]
    low_docs = [f"{d.doc} {d.mean:.3f}" for d in summary.docs if d.mean < MIN_DOC_MEAN]
    return [
        Check(f"mean F1 >= {MIN_MEAN_F1:.2f}", summary.mean_f1 >= MIN_MEAN_F1, f"{summary.mean_f1:.3f}"),
        Check(f"no field below {MIN_FIELD_F1:.2f}", not low_fields, ", ".join(low_fields) or "all above"),
        Check(f"every document's mean >= {MIN_DOC_MEAN:.2f}", not low_docs, ", ".join(low_docs) or "all above"),
    ]


def summary_json(summary: Summary) -> Json:
    totals = summary.totals
    return {
        "mean_f1": round(summary.mean_f1, 4),
        "per_document_mean": round(summary.doc_mean, 4),
        "fields": {
            f: {"p": round(c.precision, 4), "r": round(c.recall, 4), "f1": round(c.f1, 4), **asdict(c)}
            for f, c in totals.items()
        },
        "documents": {
            d.doc: {**{f: round(d.counts[f].f1, 4) for f in FIELDS}, "mean": round(d.mean, 4), "error": d.error}
            for d in summary.docs
        },
        "checks": [{"check": c.name, "passed": c.passed, "detail": c.detail} for c in acceptance(summary)],
    }


# ---------------------------------------------------------------- reports


def misses_report(summary: Summary) -> list[str]:
    lines: list[str] = []
    for doc in summary.docs:
        if not doc.misses and not doc.error:
            continue
        lines.append(f"{doc.doc}" + (f"  FAILED: {doc.error}" if doc.error else ""))
        for f in FIELDS:
            misses = [m for m in doc.misses if m.field == f]
            if misses:
                lines.append(f"  {f} ({len(misses)})")
                lines.extend(f"    {m.item}: {m.detail}" for m in misses)
        lines.append("")
    return lines


def text_report(summary: Summary) -> list[str]:
    width = max([len(d.doc) for d in summary.docs] + [8])
    lines = [f"{'document':{width}s} " + " ".join(f"{f:>8s}" for f in (*FIELDS, "mean"))]
    for d in summary.docs:
        row = " ".join(f"{d.counts[f].f1:8.3f}" for f in FIELDS)
        lines.append(f"{d.doc:{width}s} {row} {d.mean:8.3f}" + ("  FAILED" if d.error else ""))
    lines += ["", f"{'field':9s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>6s} {'fp':>6s} {'fn':>6s}"]
    for f, c in summary.totals.items():
        lines.append(f"{f:9s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:6d} {c.fp:6d} {c.fn:6d}")
    failed = sum(1 for d in summary.docs if d.error)
    seconds = sum(d.seconds for d in summary.docs)
    lines += [
        "",
        f"mean F1 (micro over fields) {summary.mean_f1:.3f}",
        f"per-document mean           {summary.doc_mean:.3f}",
        f"{len(summary.docs)} documents, {failed} failed, {seconds:.1f} s",
        "",
        "acceptance (issue 8):",
    ]
    lines += [f"  {'pass' if c.passed else 'FAIL'}  {c.name}: {c.detail}" for c in acceptance(summary)]
    return lines


def markdown_report(summary: Summary) -> list[str]:
    lines = ["| document | " + " | ".join(FIELDS) + " | mean |", "|---" * (len(FIELDS) + 2) + "|"]
    for d in summary.docs:
        lines.append(f"| {d.doc} | " + " | ".join(f"{d.counts[f].f1:.2f}" for f in FIELDS) + f" | {d.mean:.2f} |")
    lines += ["", "| field | P | R | F1 | tp | fp | fn |", "|---|---|---|---|---|---|---|"]
    for f, c in summary.totals.items():
        lines.append(f"| {f} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | {c.tp} | {c.fp} | {c.fn} |")
    lines += [
        "",
        f"Mean F1 (micro over fields) **{summary.mean_f1:.3f}**; per-document mean **{summary.doc_mean:.3f}**.",
        "",
    ]
    lines += [f"- {'pass' if c.passed else 'fail'}: {c.name} ({c.detail})" for c in acceptance(summary)]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold *.json (default: %(default)s)")
    parser.add_argument("--docs", type=Path, default=DOCS_DIR, help="folder of the texts (default: %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss, per document and field")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write a JSON summary here")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--check", action="store_true", help="exit 1 when an acceptance check fails")
    args = parser.parse_args(argv)
    if not any(args.gold.glob("*.json")):
        parser.error(f"no gold *.json in {args.gold}")
    summary = Summary(score_all(args.gold, args.docs))
    lines = misses_report(summary) if args.verbose else []
    lines += markdown_report(summary) if args.markdown else text_report(summary)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(summary_json(summary), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 1 if args.check and not all(c.passed for c in acceptance(summary)) else 0


if __name__ == "__main__":
    sys.exit(main())
