"""benchmarks/accuracy.py, the scorer of govplan against gold annotations (benchmarks/real/SPEC.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.gold_compare import load_script

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "benchmarks" / "real"
# The development set the gold was copied from, with its own scorer; beside the repository in CI only.
REALDEV_SCORER = ROOT.parent / "shared" / "realdev" / "score.py"

acc = load_script("govplan_benchmark_accuracy", ROOT / "benchmarks" / "accuracy.py")

Json = dict[str, Any]


def gold_item(path: list[str], units: list[str] | None = None, lead: list[str] | None = None,
              deadline: str | None = None, percents: list[float] | None = None) -> Json:
    return {"path": path, "units": units or [], "lead": lead or [], "deadline": deadline, "percents": percents or []}


def tool_item(path: list[str], units: list[tuple[str, str]] | None = None, deadline: Json | None = None,
              targets: list[Json] | None = None, children: list[Json] | None = None) -> Json:
    return {
        "number": path[-1],
        "path": path,
        "units": [{"name": name, "role": role} for name, role in units or []],
        "deadline": deadline,
        "targets": targets or [],
        "children": children or [],
    }


def gold_doc(*plans: list[Json]) -> Json:
    return {"doc": "made-up.txt", "documents": [{"title": None, "issuer": None, "issued": None, "items": items}
                                                for items in plans]}


def output(*plans: list[Json]) -> Json:
    return {"plans": [{"items": items} for items in plans]}


def counts(score: Any, name: str) -> tuple[int, int, int]:
    c = score.counts[name]
    return c.tp, c.fp, c.fn


# ---------------------------------------------------------------- canonical labels

SAME_LABEL = [
    # SPEC.md's own table
    ("一、", "一"), ("一.", "一"), ("一．", "一"),
    ("(一)", "(一)"), ("（一）", "(一)"),
    ("1.", "1"), ("1、", "1"), ("1．", "1"), ("⒈", "1"), ("１.", "1"),
    ("(1)", "(1)"), ("（1）", "(1)"), ("①", "(1)"),
    ("1.1", "1.1"), ("2.1.1", "2.1.1"),
    ("第一章", "第一章"), ("第一条", "第一条"), ("第一节", "第一节"),
    # spellings met in plans
    ("（三）", "(三)"), ("〔三〕", "(三)"), ("㈢", "(三)"), ("⑶", "(3)"), ("③", "(3)"),
    ("①、", "(1)"), ("⒓", "12"), ("十二、", "十二"), ("（十一）", "(十一)"), ("第三条", "第3条"),
    ("第十二章", "第12章"), ("第二十条", "第20条"), ("第一百零五条", "第105条"), ("01.02", "1.2"), (" 3 ", "3"),
    ("附件", "附件1"), ("附件1", "附件一"), ("附件2", "附件二"), ("附件2：重点任务分工表", "附件2"),
]

DIFFERENT_LABEL = [
    ("一", "1"), ("(一)", "(1)"), ("1", "(1)"), ("一", "(一)"), ("①", "1"), ("第三条", "第三章"),
    ("附件1", "附件2"), ("1.1", "1"), ("(3)", "(三)"),
]


@pytest.mark.parametrize(("a", "b"), SAME_LABEL)
def test_same_label(a: str, b: str) -> None:
    assert acc.canon_label(a) == acc.canon_label(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_LABEL)
def test_different_label(a: str, b: str) -> None:
    assert acc.canon_label(a) != acc.canon_label(b)


def test_items_match_by_canonical_path() -> None:
    gold = gold_doc([gold_item(["一"]), gold_item(["一", "(三)"]), gold_item(["一", "(三)", "1"]),
                     gold_item(["二"]), gold_item(["二", "(1)"])])
    out = output([tool_item(["一、"], children=[tool_item(["一、", "（三）"], children=[tool_item(["一、", "（三）", "⒈"])])]),
                  tool_item(["二、"], children=[tool_item(["二、", "①"]), tool_item(["二、", "②"])])])
    score = acc.score_document(gold, out)
    assert counts(score, "items") == (5, 1, 0)
    assert [(m.field, m.item, m.detail) for m in score.misses] == [("items", "二、 > ②", "extra")]


# ---------------------------------------------------------------- units and lead


def test_traditional_and_full_width_units_match_simplified_gold() -> None:
    gold = gold_doc([gold_item(["1"], units=["市政务服务数据管理局", "各县(市、区)人民政府"], lead=["市政务服务数据管理局"])])
    out = output([tool_item(["1."], units=[("市政務服務數據管理局", "lead"), ("各縣（市、區）人民政府", "cooperating")])])
    score = acc.score_document(gold, out)
    assert counts(score, "units") == (2, 0, 0)
    assert counts(score, "lead") == (1, 0, 0)
    assert score.misses == []


def test_unit_and_lead_misses() -> None:
    gold = gold_doc([gold_item(["1"], units=["市发展改革委", "市财政局"], lead=["市发展改革委"])])
    out = output([tool_item(["1"], units=[("市财政局", "lead"), ("市统计局", "responsible")])])
    score = acc.score_document(gold, out)
    assert counts(score, "units") == (1, 1, 1)
    assert counts(score, "lead") == (0, 1, 1)
    assert [m.detail for m in score.misses if m.field == "units"] == ["gold only [市发展改革委]; tool only [市统计局]"]


def test_facts_of_a_missed_item_are_missed_too() -> None:
    gold = gold_doc([gold_item(["1"]), gold_item(["2"], units=["市教育局"], lead=["市教育局"], deadline="2025-06",
                                                  percents=[90])])
    score = acc.score_document(gold, output([tool_item(["1"])]))
    assert [counts(score, f) for f in acc.FIELDS] == [(1, 0, 1), (0, 0, 1), (0, 0, 1), (0, 0, 1), (0, 0, 1)]
    assert all(m.detail.endswith("(item missed)") for m in score.misses if m.field != "items")


# ---------------------------------------------------------------- deadlines


def deadline(due: str | None = None, raw: str = "", ongoing: bool = False) -> Any:
    return acc.ToolDeadline.read({"due": due, "raw": raw, "ongoing": ongoing})


DEADLINE_MATCHES = [
    # (gold, tool due, raw, ongoing, matches)
    ("2022", "2022-12-31", "2022年底前", False, True),
    ("2022", "2023-12-31", "2023年底前", False, False),
    ("2022-06", "2022-06-30", "2022年6月", False, True),
    ("2022-06", "2022-07-31", "2022年7月", False, False),
    ("2022-12", "2022-12-31", "2022年12月底前", False, True),
    ("2022-06-15", "2022-06-15", "2022年6月15日前", False, True),
    ("2022-06-15", "2022-06-30", "2022年6月", False, False),
    ("ongoing", None, "长期坚持", True, True),
    ("ongoing", "2022-12-31", "2022年底前", False, False),
    ("other", None, "按省部署要求推进", False, True),
    ("other", "2022-12-31", "2022年底前", False, False),
    ("other", None, "长期", True, False),
]


@pytest.mark.parametrize(("gold", "due", "raw", "ongoing", "matches"), DEADLINE_MATCHES)
def test_deadline_matches_at_the_gold_precision(gold: str, due: str | None, raw: str, ongoing: bool,
                                                matches: bool) -> None:
    assert acc.deadline_matches(gold, deadline(due, raw, ongoing)) is matches


def test_no_tool_deadline() -> None:
    assert acc.ToolDeadline.read(None) is None
    assert acc.ToolDeadline.read({"due": None, "raw": "", "ongoing": False}) is None


def test_gold_deadline_out_of_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="2022年6月"):
        acc.deadline_matches("2022年6月", deadline("2022-06-30", "2022年6月"))


@pytest.mark.parametrize(("gold", "tool", "expected"), [
    ("2022-06", {"due": "2022-06-30", "raw": "2022年6月"}, (1, 0, 0)),
    ("2022-06", {"due": "2022-12-31", "raw": "2022年底前"}, (0, 1, 1)),  # a wrong date is both
    ("2022-06", None, (0, 0, 1)),
    (None, {"due": "2022-12-31", "raw": "2022年底前"}, (0, 1, 0)),
    (None, None, (0, 0, 0)),
])
def test_deadline_counts(gold: str | None, tool: Json | None, expected: tuple[int, int, int]) -> None:
    score = acc.score_document(gold_doc([gold_item(["1"], deadline=gold)]), output([tool_item(["1"], deadline=tool)]))
    assert counts(score, "deadline") == expected


# ---------------------------------------------------------------- percentages


def percent(value: float | None, unit: str = "%", raw: str = "") -> Json:
    return {"value": value, "unit": unit, "raw": raw or f"{value}{unit}"}


def test_percents_are_a_multiset() -> None:
    gold = gold_doc([gold_item(["1"], percents=[100, 100, 80])])
    out = output([tool_item(["1"], targets=[percent(100), percent(80.0), percent(80), percent(5000, "户")])])
    score = acc.score_document(gold, out)
    assert counts(score, "percents") == (2, 1, 1)
    assert [m.detail for m in score.misses] == ["gold only [100]; tool only [80]"]


def test_tool_percents() -> None:
    targets = [percent(90), percent(6.2, "％"), percent(3, "百分点"), percent(None, raw="xx%"), percent(55, "", "55%")]
    assert acc.tool_percents(targets) == Counter({90.0: 1, 6.2: 1, 55.0: 1})


# ---------------------------------------------------------------- plans


NOTICE = [tool_item(["一、"]), tool_item(["二、"])]  # a covering notice's own paragraphs
PLAN_GOLD = [gold_item(["一"]), gold_item(["一", "1"], units=["市教育局"]), gold_item(["二"]),
             gold_item(["二", "(一)"], deadline="2025")]
PLAN_TOOL = [tool_item(["一、"], children=[tool_item(["一、", "1."], units=[("市教育局", "responsible")])]),
             tool_item(["二、"], children=[tool_item(["二、", "(一)"], deadline={"due": "2025-12-31", "raw": "2025年底前"})])]


def test_a_covering_notice_taken_for_a_plan_costs_its_items_only() -> None:
    score = acc.score_document(gold_doc(PLAN_GOLD), output(NOTICE, PLAN_TOOL))
    assert counts(score, "items") == (4, 2, 0)
    assert counts(score, "units") == (1, 0, 0)
    assert counts(score, "deadline") == (1, 0, 0)


def test_plans_are_paired_in_order_by_shared_paths() -> None:
    other_gold = [gold_item(["第一章"]), gold_item(["第一章", "1.1"])]
    other_tool = [tool_item(["第一章"], children=[tool_item(["第一章", "1.1"])])]
    score = acc.score_document(gold_doc(PLAN_GOLD, other_gold), output(NOTICE, PLAN_TOOL, [], other_tool))
    assert counts(score, "items") == (6, 2, 0)


@pytest.mark.parametrize(("gold", "tool", "pairs"), [
    ([{"a"}], [{"a"}], {0: 0}),
    ([{"a", "b"}], [{"a"}, {"a", "b"}], {1: 0}),
    ([{"a"}, {"b"}], [{"b"}, {"a"}], {0: 1}),  # order kept: one pair only
    ([{"a"}], [{"x"}], {}),
])
def test_align_plans(gold: list[set[str]], tool: list[set[str]], pairs: dict[int, int]) -> None:
    as_paths = [[{(label,) for label in plan} for plan in side] for side in (gold, tool)]
    assert acc.align_plans(*as_paths) == pairs


# ---------------------------------------------------------------- figures and acceptance


@pytest.mark.parametrize(("tp", "fp", "fn", "f1"), [
    (0, 0, 0, 1.0),  # nothing to find and nothing found
    (0, 0, 3, 0.0),
    (0, 2, 0, 0.0),
    (3, 1, 1, 0.75),
])
def test_f1(tp: int, fp: int, fn: int, f1: float) -> None:
    assert acc.Counts(tp, fp, fn).f1 == pytest.approx(f1)


def _doc_score(name: str, f1_items: float) -> Any:
    score = acc.DocScore(name)
    score.counts["items"] = acc.Counts(1, 0, 0) if f1_items == 1 else acc.Counts(0, 1, 1)
    return score


def test_acceptance_checks() -> None:
    passing = acc.Summary([_doc_score("a.txt", 1), _doc_score("b.txt", 1)])
    assert all(c.passed for c in acc.acceptance(passing))
    failing = acc.Summary([_doc_score("a.txt", 1), _doc_score("b.txt", 0)])
    assert [c.passed for c in acc.acceptance(failing)] == [False, False, True]  # b's mean is 0.8


@pytest.fixture
def made_up_benchmark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    gold = gold_doc(PLAN_GOLD) | {"doc": "plan.txt"}
    (tmp_path / "plan.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "plan.txt").write_text("一、（made up: run_govplan is replaced here）", encoding="utf-8")
    monkeypatch.setattr(acc, "run_govplan", lambda path: (output(PLAN_TOOL), None))
    return tmp_path


def test_check_passes(made_up_benchmark: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = made_up_benchmark / "summary.json"
    assert acc.main(["--gold", str(made_up_benchmark), "--docs", str(made_up_benchmark), "--check",
                     "--json", str(summary)]) == 0
    assert "mean F1 (micro over fields) 1.000" in capsys.readouterr().out
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["mean_f1"] == 1.0 and data["documents"]["plan.txt"]["mean"] == 1.0
    assert all(c["passed"] for c in data["checks"])


def test_check_fails(made_up_benchmark: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(acc, "run_govplan", lambda path: (output(NOTICE), None))
    args = ["--gold", str(made_up_benchmark), "--docs", str(made_up_benchmark), "-v", "--markdown"]
    assert acc.main(args) == 0
    assert acc.main([*args, "--check"]) == 1
    out = capsys.readouterr().out
    assert "一 > 1: missed" in out and "| plan.txt |" in out and "- fail: mean F1" in out


# ---------------------------------------------------------------- the real benchmark


@pytest.fixture(scope="module")
def real_outputs() -> list[tuple[Json, Json]]:
    """(gold, govplan's output) for every document of benchmarks/real."""
    pairs = []
    for gold_file in sorted((REAL / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        out, error = acc.run_govplan(REAL / "docs" / gold["doc"])
        assert error is None, f"{gold['doc']}: {error}"
        pairs.append((gold, out))
    return pairs


def test_every_real_document_is_scored(real_outputs: list[tuple[Json, Json]]) -> None:
    assert len(real_outputs) == len(list((REAL / "docs").glob("*.txt"))) >= 17
    summary = acc.Summary([acc.score_document(gold, out) for gold, out in real_outputs])
    assert [d.doc for d in summary.docs] == [gold["doc"] for gold, _ in real_outputs]
    for doc in summary.docs:
        assert 0.0 <= doc.mean <= 1.0
        assert doc.counts["items"].tp + doc.counts["items"].fn > 0, f"{doc.doc}: gold without items"
    assert 0.0 < summary.mean_f1 <= 1.0


def test_agrees_with_the_realdev_scorer(real_outputs: list[tuple[Json, Json]]) -> None:
    if not REALDEV_SCORER.exists():
        pytest.skip(f"{REALDEV_SCORER} is not beside this clone")
    theirs = load_script("realdev_score", REALDEV_SCORER)
    totals = {f: [0, 0, 0] for f in acc.FIELDS}
    mine = acc.Summary([])
    for gold, out in real_outputs:
        score = acc.score_document(gold, out)
        mine.docs.append(score)
        reference = theirs.score_doc(gold, out)
        for f in acc.FIELDS:
            r = reference[f]
            assert counts(score, f) == (r.tp, r.fp, r.fn), f"{gold['doc']} {f}"
            totals[f] = [a + b for a, b in zip(totals[f], (r.tp, r.fp, r.fn), strict=True)]
    reference_f1 = {f: theirs.PRF() for f in acc.FIELDS}
    for f, (tp, fp, fn) in totals.items():
        reference_f1[f].add(tp, fp, fn)
        assert mine.totals[f].f1 == pytest.approx(reference_f1[f].f1)
