"""Plan text that arrives wrapped in markup (an SQL row, HTML, entities, escapes) and labels
damaged by GBK bytes read one byte out of step. All texts are made up."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import govplan
from govplan.normalise import normalise
from govplan.records import Item

from .test_properties import FAST, check_normalise


def _items(items: list[Item]) -> Iterator[Item]:
    for it in items:
        yield it
        yield from _items(it.children)


def _paths(text: str) -> list[list[str]]:
    return [it.path for plan in govplan.parse_text(text).plans for it in _items(plan.items)]


# --- a page stored as an SQL row ---------------------------------------------------------------

PAGE = (
    '<div class=\\"article\\">\r\n\t<p align=\\"center\\"><strong>青山县乡村道路提升实施方案</strong></p>'
    '<p>\r\n\t    为改善农村出行条件，制定本方案。</p><p style=\\"text-indent:2em\\">\r\n\t　　一、工作目标</p>'
    '<p>\r\n\t　　1.到2026年底，全县农村公路优良率达到85%以上。（牵头单位：县交通运输局，配合单位：县财政局）</p>'
    '<p>\r\n\t　　二、重点任务</p><p>\r\n\t　　（一）道路提升</p>'
    '<p>\r\n\t　　2.新建改建农村公路120公里，县里称之为\\\'畅通工程\\\'。（牵头单位：县交通运输局，配合单位：各乡镇人民政府）</p>'
    '<p>\r\n\t　　3.完善临水临崖路段安全设施。（牵头单位：县公安局，配合单位：县交通运输局）</p></div>'
)
SQL_ROW = (
    "INSERT INTO `cms_article` (`aid`,`catid`,`title`,`digest`,`body`,`md5`,`hits`) VALUES\n"
    "(7,3,'青山县乡村道路提升实施方案','为改善农村出行条件，制定本方案...','" + PAGE + "',"
    "'9c1d2e7f00aa41b2b3c4d5e6f708192a',128);\n"
)


def test_sql_row_wrapping_a_page_gives_its_plan() -> None:
    clean = normalise(SQL_ROW).clean
    # the title column is not repeated: the page starts with it
    assert clean.startswith("青山县乡村道路提升实施方案\n为改善农村出行条件")
    assert "cms_article" not in clean and "9c1d2e7f" not in clean and "<" not in clean
    assert "称之为'畅通工程'" in clean  # escaped quotes read
    assert "\n　　2.新建" in clean  # the block tag and the page's indentation whitespace: one line break
    assert _paths(SQL_ROW) == [["一、"], ["一、", "1."], ["二、"], ["二、", "（一）"], ["二、", "（一）", "2."],
                               ["二、", "（一）", "3."]]


def test_sql_spans_point_at_the_source() -> None:
    doc = govplan.parse_text(SQL_ROW)
    items = {it.number: it for it in _items(doc.plans[0].items)}
    assert SQL_ROW[items["2."].span.start:].startswith("2.新建改建")
    unit = items["3."].units[0]
    assert SQL_ROW[unit.span.start:unit.span.end] == unit.raw == "县公安局"
    target = items["1."].targets[0]
    assert SQL_ROW[target.span.start:target.span.end].startswith("85%")


def test_sql_several_rows_and_doubled_quotes() -> None:
    dump = ("INSERT INTO t VALUES ('a1','<p>一、总体要求</p><p>1.坚持''项目为王''。</p><p>2.做好保障。</p>'),"
            "\n('a2','<p>二、工作安排</p><p>3.完成验收。</p><br/>');")
    assert normalise(dump).clean == "一、总体要求\n1.坚持'项目为王'。\n2.做好保障。\n二、工作安排\n3.完成验收。"


def test_sql_cut_inside_its_last_string() -> None:
    # stored copies are often cut: the last string runs to the end of the text
    dump = "INSERT INTO `news` (`id`,`body`) VALUES ('5','<p>一、目标</p><p>1.建成示范区10个。</p><p>2.培育"
    assert normalise(dump).clean == "一、目标\n1.建成示范区10个。\n2.培育"


def test_sql_mentioned_in_prose_is_kept() -> None:
    text = "一、数据治理\n1.建立数据库，禁止直接执行insert into语句修改生产数据。\n"
    assert normalise(text).clean == text


# --- HTML --------------------------------------------------------------------------------------

HTML = (
    "<html><head><title>北江区2025年安全生产工作要点</title><style>p{margin:0}</style></head><body>\n"
    "<p>一、压实责任</p>\n<p>1.落实&ldquo;党政同责、一岗双责&rdquo;要求。（责任单位：区应急管理局）</p>"
    "<p>2.开展隐患排查&amp;整治，整改率达到&#49;00%。<span style=\"color:red\">（责任单位：区住建局）</span></p>"
    "<p>二、强化监管<o:p></o:p></p><p>3.加强执法检查，年内不少于&#x33;0次。<br>（责任单位：区市场监管局）</p>"
    "<!-- 页脚 --></body></html>"
)


def test_html_page_with_entities_and_a_paragraph_per_item() -> None:
    clean = normalise(HTML).clean
    assert clean.splitlines() == [
        "北江区2025年安全生产工作要点",
        "一、压实责任",
        "1.落实“党政同责、一岗双责”要求。（责任单位：区应急管理局）",
        "2.开展隐患排查&整治，整改率达到100%。（责任单位：区住建局）",
        "二、强化监管",
        "3.加强执法检查，年内不少于30次。",
        "（责任单位：区市场监管局）",
    ]
    assert _paths(HTML) == [["一、"], ["一、", "1."], ["一、", "2."], ["二、"], ["二、", "3."]]


def test_html_spans_point_at_the_source() -> None:
    doc = govplan.parse_text(HTML)
    items = {it.number: it for it in _items(doc.plans[0].items)}
    assert HTML[items["2."].span.start:].startswith("2.开展隐患排查")
    unit = items["2."].units[0]
    assert HTML[unit.span.start:unit.span.end] == "区住建局"


def test_table_markup_gives_cells() -> None:
    html = ("<table><tr><td>序号</td><td>工作任务</td><td>责任单位</td><td>完成时限</td></tr>\n"
            "<tr><td>1</td><td>建成口袋公园5个</td><td>区城管局</td><td>2025年10月底前</td></tr>\n"
            "<tr><td>2</td><td>改造老旧小区</td><td></td><td>2025年12月底前</td></tr></table>")
    assert normalise(html).clean.splitlines() == [
        "序号\t工作任务\t责任单位\t完成时限",
        "1\t建成口袋公园5个\t区城管局\t2025年10月底前",
        "2\t改造老旧小区\t\t2025年12月底前",
    ]


def test_json_escapes_in_a_page() -> None:
    text = '{"content":"<p>一、目标<\\/p>\\n<p>1.新增就业岗位500个。<\\/p>\\n<p>2.开展培训20场。<\\/p>"}'
    assert normalise(text).clean == '{"content":"\n一、目标\n1.新增就业岗位500个。\n2.开展培训20场。\n"}'


@pytest.mark.parametrize("text", [
    "1.细颗粒物浓度<35微克/立方米，优良天数比例>85%。\n",
    "2.当a<b且b>c时取较小值。\n",
    "3.误差控制在<5%以内，<b>项</b>目数量\n",
    "4.标注为<p>的段落。\n",
])
def test_text_that_only_mentions_angle_brackets_is_untouched(text: str) -> None:
    assert normalise(text).clean == text


def test_entities_are_read_even_without_tags() -> None:
    assert normalise("1.推进&ldquo;一网通办&rdquo;改革。").clean == "1.推进“一网通办”改革。"
    assert normalise("2.R&D投入增长10%。&unknownname;").clean == "2.R&D投入增长10%。&unknownname;"


# --- GBK bytes read one byte out of step ----------------------------------------------------------


def misalign(line: str) -> str:
    """How such lines reach us: a byte before the line is lost (shown as "?"), the GBK bytes are
    read one out of step until an ASCII byte, pairs in the user-defined areas vanish and a pair
    that is no character shows as "?" (the ASCII character with it is lost)."""
    data = line.encode("gb18030")
    out = ["?"]
    i = 1
    while i < len(data):
        if data[i] < 0x80:
            out.append(chr(data[i]))
            i += 1
            continue
        try:
            c = data[i:i + 2].decode("gb18030")
        except UnicodeDecodeError:
            c = "?"
        out.append("" if unicodedata.category(c) == "Co" else c)
        i += 2
    return "".join(out)


def test_misalign_reproduces_the_damage_seen_in_real_pages() -> None:
    # the shape found in a real page: the pair (fe a3) of （二） vanishes, 推進 reads out of step
    # until its ASCII trail byte (M) brings the decoder back
    assert misalign("\u3000（二）推進(jìn)") == "?。ǘ┩七M(jìn)"


PLAN_LINES = [
    "西岭市2025年城市更新工作要点",
    "一、完善基础设施",
    "（一）推进雨污分流改造，新建管网Km级示范段。（牵头单位：市住建局；配合单位：市水务局）",
    "\u3000（二）加快老旧小区改造Q（牵头单位：市住建局；配合单位：各区政府）",
    "\u3000（三）实施道路微循环工程R（牵头单位：市交通局；配合单位：市公安局）",
    "（四）建设口袋公园。（牵头单位：市园林局；配合单位：各区政府）",
    "\u3000（五）加快充电设施布局W（牵头单位：市发改委；配合单位：市供电公司）",
]


def damaged_plan() -> str:
    return "\n".join(misalign(ln) if ln.startswith("\u3000") else ln for ln in PLAN_LINES) + "\n"


def test_damaged_labels_are_repaired_where_the_numbering_is_certain() -> None:
    text = damaged_plan()
    assert "（二）" not in text and "（三）" not in text and "（五）" not in text
    norm = normalise(text)
    lines = norm.clean.splitlines()
    # the labels are certain; text after them is read back, though bytes that vanished with the
    # damage can leave a character wrong (小区改造 → 小悄造)
    assert lines[3].startswith("（二）加快老旧小") and lines[3].endswith("Q（牵头单位：市住建局；配合单位：各区政府）")
    assert lines[4].startswith("（三）实施道路微") and lines[4].endswith("工程R（牵头单位：市交通局；配合单位：市公安局）")
    assert lines[5].startswith("（四）建设")
    assert lines[6] == "（五）加快充电设施布局W（牵头单位：市发改委；配合单位：市供电公司）"
    repairs = [d for d in norm.damage if d.code == "mojibake"]
    assert len(repairs) == 3
    assert "'?。ǘ┘涌炖暇尚∏脑霶' read as '（二）加快老旧小悄造Q'" in repairs[0].message
    assert norm.clean[repairs[2].start:repairs[2].end] == "（五）加快充电设施布局W"
    assert _paths(text) == [["一、"], ["一、", "（一）"], ["一、", "（二）"], ["一、", "（三）"], ["一、", "（四）"],
                            ["一、", "（五）"]]


def test_repaired_item_spans_point_at_the_damaged_source() -> None:
    text = damaged_plan()
    doc = govplan.parse_text(text)
    items = {it.path[-1]: it for it in _items(doc.plans[0].items)}
    line = text.splitlines()[3]
    start = text.index(line)
    assert items["（二）"].span.start in (start, start + 1)
    unit = items["（二）"].units[0]
    assert text[unit.span.start:unit.span.end] == unit.raw == "市住建局"
    assert any(w.code == "mojibake" and "（二）" in w.message for w in doc.warnings)


def test_a_damaged_label_without_numbering_around_it_is_only_flagged() -> None:
    # （二） loses a byte pair, so only the numbering could tell which label it was
    text = misalign("\u3000（二）加快老旧小区改造Q") + "\n"
    norm = normalise(text)
    assert norm.clean == text
    assert [d.code for d in norm.damage] == ["mojibake"]
    assert "not repaired" in norm.damage[0].message


def test_a_run_that_reads_back_in_step_unambiguously_is_repaired_anywhere() -> None:
    text = "总体要求：" + misalign("\u3000加快建设智慧城市M") + "。\n"
    assert text == "总体要求：?〖涌旖ㄉ柚腔鄢鞘蠱。\n"
    norm = normalise(text)
    assert norm.clean == "总体要求：加快建设智慧城市M。\n"
    assert norm.offsets.to_source(norm.clean.index("。")) == text.index("。")


@pytest.mark.parametrize("text", [
    "1.是否按期完成?请各单位于月底前报送。\n",
    "2.资金到位了吗?县财政局负责。\n",
    "?（一）开展调研。\n",
])
def test_question_marks_in_ordinary_text_are_left_alone(text: str) -> None:
    assert normalise(text).clean == text


# --- normalising twice is normalising once ----------------------------------------------------

MARKUP_PIECES = [
    "<p>", "</p>", "<br/>", "<td>", "</td>", "</tr>", "<tr>", "<span style=\"x\">", "</span>", "<o:p>", "&quot;",
    "&amp;", "&lt;", "&gt;", "&#8220;", "&ldquo;", "&amp;lt;", "&nbsp;", "\\\"", "\\n", "\\'", "<\\/p>",
    "INSERT INTO t VALUES (", "'", "','", "');", "一、", "1.", "（二）", "任务", "牵头单位：县局", "\n", "\t", " ",
    "　", "?", "?。ǘ┩七M", "?。ㄎ澹┘涌", "<5%", "a<b", "<!--", "-->", "<script>", "</script>",
]


@FAST
@given(st.lists(st.sampled_from(MARKUP_PIECES), max_size=60).map("".join))
# the "?" ending one repaired run starts the next damaged run on a second pass
@example("?。ㄎ澹┘涌?。ㄎ澹┘涌?")
def test_markup_normalisation_is_idempotent(text: str) -> None:
    check_normalise(text)
    norm = normalise(text)
    assert norm.offsets.to_source(0) <= len(text)
    for pos in range(len(norm.clean)):
        assert 0 <= norm.offsets.to_source(pos) < len(text)


@pytest.mark.parametrize("text", [SQL_ROW, HTML, PAGE])
def test_idempotent_on_the_examples(text: str) -> None:
    check_normalise(text)
    check_normalise(damaged_plan())


# Found by property tests and fuzzing: each normalised twice differed from once, or crashed.
IDEMPOTENCE_CASES = [
    # a run that reads back only once its radical (⼀ U+2F00) is the Han character it becomes
    "?.完善\nㄎ?。ㄎ澹┘涌⼀?",
    # a run that reads back only once 關 is Simplified
    "<5%?關(guān)ㄎ?鹑蔚ノ?地直\n",
    # a gloss after a radical: the radical becomes a Han character
    "⼀(ab)",
    # a lone CR becomes a line break, before an SQL row and between numbered lines
    "x\rINSERT INTO t VALUES ('<p>一、目标</p><p>1.建成</p><br>');",
    "（一）开展调研。\r?。ǘ┘涌炖暇尚∏脑霶\n（三）推进\n",
    # an SQL statement cut right after its VALUES parenthesis
    "INSERT INTO t VALUES ( ",
    # full-width forms are folded in the match text: markup written with them is markup
    "INSERT INTO t VALUES (\u3000'",
    "＜p＞一、目标＜/p＞＜p＞1.建成＜/p＞＜br＞",
    "2.推进关（guān）键工程。",
    # an entity escaped more times than the rounds of stripping
    "3.细颗粒物&amp;" + "amp;" * 12 + "lt;35微克。",
]


@pytest.mark.parametrize("text", IDEMPOTENCE_CASES)
def test_found_cases_normalise_once(text: str) -> None:
    check_normalise(text)


def test_consecutive_damaged_runs_are_each_repaired() -> None:
    norm = normalise("?。ㄎ澹┘涌?。ㄎ澹┘涌?")
    assert norm.clean == "（五）加（五）加?"
    assert [norm.clean[d.start:d.end] for d in norm.damage] == ["（五）加", "（五）加?"]


def test_a_span_ending_in_an_entity_covers_all_of_it() -> None:
    text = "1.推进&ldquo;一网通办&rdquo;改革。"
    norm = normalise(text)
    a, b = norm.clean.index("“"), norm.clean.index("”") + 1
    assert text[slice(*norm.offsets.span_to_source(a, b))] == "&ldquo;一网通办&rdquo;"
    # through two rounds of stripping, too
    text = "2.县局&amp;amp;"
    norm = normalise(text)
    assert norm.clean == "2.县局&"
    assert text[slice(*norm.offsets.span_to_source(2, 5))] == "县局&amp;amp;"


def test_a_unit_ending_in_an_entity_spans_its_source() -> None:
    # found by property tests: the unit's raw text ends in '"', its span ended at the '&'
    text = "一、牵头单位：县局&quot;"
    unit = govplan.parse_text(text).plans[0].items[0].units[0]
    assert (unit.raw, text[unit.span.start:unit.span.end]) == ('县局"', "县局&quot;")


# --- pieces a converter put on lines of their own (issue 8) ------------------------------------

FRAGMENTS = [
    ("（\n三\n）推进场馆开放。", "（三）推进场馆开放。"),
    ("(\n二\n)推进", "(二)推进"),
    ("1\n2\n.推进体医融合。", "12.推进体医融合。"),
    ("覆盖率达到\n98%\n。（牵头单位：市体育局）", "覆盖率达到98%。（牵头单位：市体育局）"),
    ("新建社区健身点\n120\n个，行政村", "新建社区健身点120个，行政村"),
    ("完成时间：2024年\n12\n月", "完成时间：2024年12月"),
    ("比例不低于\n70\n%。", "比例不低于70%。"),
]


@pytest.mark.parametrize(("text", "joined"), FRAGMENTS)
def test_fragments_on_lines_of_their_own_are_joined(text: str, joined: str) -> None:
    norm = normalise(text)
    assert norm.clean == joined
    assert normalise(norm.clean).clean == norm.clean
    # every position still maps back to the character it came from
    for k, c in enumerate(norm.clean):
        assert text[norm.offsets.to_source(k)] == c


NOT_FRAGMENTS = [
    "推进审批提速。\n\n3\n\n（二）优化服务。",  # a page number between paragraphs
    "完成改造。\n12\n（二）优化服务。",  # after a full stop: not inside a sentence
    "第一章\n1\n总则",
]


@pytest.mark.parametrize("text", NOT_FRAGMENTS)
def test_lines_that_are_not_fragments_stay(text: str) -> None:
    assert normalise(text).clean == text
