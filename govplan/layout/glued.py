"""A Word table's text with no separators at all."""

from __future__ import annotations

import re

from .model import _UNIT_TAIL_RX, Context, Row, Span, Table, column_key, table_header

# a page marker a document-sharing site puts at the start of each page's text: 1、 2、 3、
_PAGE_MARK_RX = re.compile(r"^(\d{1,3})、")
# a name that ends like a unit but goes on: 各街道|办事处, 区自然资源|分局
_NAME_GOES_ON_RX = re.compile(r"办事处|办公室|分局|大队|支队|中队|委员会|管委会|中心|集团|公司|工委|人民政府|政府")
# a date, or a frequency, that ends a row of a Word table's text: …县民政局2023年10月 / …应急办每月
_TAIL_DATE_RX = re.compile(
    r"(?:(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末)?前?|\d{1,2}月(?:底|末)?前?|每月|每季度|每年|长期坚持|持续推进|长期)$")


_PLACE_STARTS = frozenset("省市县区镇乡街各")


def _ends_with_date(text: str) -> bool:
    return _TAIL_DATE_RX.search(text) is not None
_STOP_AFTER_UNITS_RX = re.compile(
    r"(?:推进|推动|完成|实施|开展|新建|新增|提升|建设|建成|加强|落实|支持|组织|改造|打造|启动|深化|全面|全区|全市|"
    r"对|为|在|计划|持续|加快|强化|优化|提供|举办|开放)")


class _Glued:
    """A Word table's text with no separators: 序号项目名称…牵头单位配合单位1增加教育资源供给…。
    何海平教育局经开区…市国有公司2促进就业…. The header is read by the column vocabulary, rows
    start at the next number after a unit's name (or a full stop), and a row's units follow its
    text's last full stop: a person's name (分管领导), the lead unit, then the cooperating units."""

    def __init__(self, lay: Context) -> None:
        self.lay = lay
        self.stems = tuple(lay.stems)

    def header_at(self, text: str, p: int) -> list[tuple[str, int, int]]:
        """Known column headings glued together from ``p`` on: the reading that chains the most
        of them (序号实事项目… is 序号 | 实事项目, though 序号实事项 reads as a …事项 heading)."""
        memo: dict[int, list[tuple[str, int, int]]] = {}

        def chain(q: int, depth: int) -> list[tuple[str, int, int]]:
            if q in memo:
                return memo[q]
            best: list[tuple[str, int, int]] = []
            if depth < 12:
                for e in range(min(len(text), q + 10), q + 1, -1):
                    if column_key(text[q:e], self.lay.rx):
                        got = [(text[q:e], q, e), *chain(e, depth + 1)]
                        if len(got) > len(best):
                            best = got
            memo[q] = best
            return best

        return chain(p, 0)

    def read(self, i: int) -> tuple[Table, int] | None:
        lines = self.lay.lines
        line = lines[i]
        if line.table or "序号" not in line.text:
            return None
        # the text from here on, without page markers, with each character's position
        chars: list[str] = []
        pos: list[int] = []
        page = None
        for ln in lines[i:]:
            if ln.table:
                break
            t = ln.text
            off = 0
            m = _PAGE_MARK_RX.match(t)
            if m is not None and (page is None or int(m.group(1)) == page + 1):
                page, off = int(m.group(1)), m.end()
            for k in range(off, len(t)):
                if t[k] not in " \t":
                    chars.append(t[k])
                    pos.append(ln.start + k)
        text = "".join(chars)
        h = text.find("序号")
        header = self.header_at(text, h)
        if len(header) < 4:
            return None
        names = [n for n, _, _ in header]
        if "".join(names[:3]) not in line.text:
            return None  # headings with spaces between them: not glued (see spaced_words)
        cols = table_header(names, self.lay.rx)
        if cols is None or cols[0] != "seq" or header[-1][2] >= len(text) or not text[header[-1][2]].isdigit():
            return None
        head_text = "".join(names)
        # the header repeated on later pages is dropped
        body_marks = [0] * len(text)
        k = text.find(head_text, header[-1][2])
        while k >= 0:
            for q in range(k, k + len(head_text)):
                body_marks[q] = 1
            k = text.find(head_text, k + len(head_text))
        body = [(c, q) for c, q, mark in zip(text, pos, body_marks, strict=True) if not mark]
        start = header[-1][2]
        btext = "".join(c for c, _ in body)
        bpos = [q for _, q in body]
        # rows: the next number, after a unit's name or a full stop, before Chinese text
        starts: list[int] = [start]
        expected = 2
        q = start + 1
        while q < len(btext):
            num = str(expected)
            q = btext.find(num, q)
            if q < 0:
                break
            after = q + len(num)
            before = btext[max(start, q - 8):q]
            if after < len(btext) and "\u3400" <= btext[after] <= "\u9fff" and not btext[q - 1].isdigit() \
                    and (_UNIT_TAIL_RX.search(before) or before.endswith("。") or _ends_with_date(before)) \
                    and btext[after] not in "个万年月日人户家所名项处座条台套次":
                starts.append(q)
                expected += 1
            q = after
        table = Table(cols=cols, headings={c: n for c, n in zip(cols, names, strict=True)},
                      lines=[ln for ln in lines[i:] if not ln.table], layout="glued")
        for r, a in enumerate(starts):
            b = starts[r + 1] if r + 1 < len(starts) else len(btext)
            num = str(r + 1)
            row = Row(label=num, value=r + 1, number_span=(bpos[a], bpos[a + len(num) - 1] + 1), glued=True)
            row.lines = [ln for ln in table.lines if ln.end > bpos[a] and ln.start <= bpos[b - 1]]
            self._cells(row, btext, bpos, a + len(num), b, cols)
            table.rows.append(row)
        return table, len(lines) if all(not ln.table for ln in lines[i:]) else \
            next(k for k in range(i, len(lines)) if lines[k].table)

    def _cells(self, row: Row, text: str, pos: list[int], a: int, b: int, cols: list[str]) -> None:
        """The row's text and its units: each full stop may be followed by a person's name and a
        run of unit names (a sub-row of a merged cell)."""
        has_person = "oversight" in cols
        if "deadline" in cols:
            # the date in the last column: 县民政局2023年10月
            tail = _TAIL_DATE_RX.search(text, a, b)
            if tail is not None:
                row.cells["deadline"] = _spans(pos, tail.start(), b)
                b = tail.start()
        k = a
        content: list[tuple[int, int]] = []
        seg_start = a
        while k < b:
            dot = text.find("。", k, b)
            if dot < 0:
                content.append((seg_start, b))
                break
            run = self._units_after(text, dot + 1, b, has_person)
            if run is None:
                k = dot + 1
                continue
            content.append((seg_start, dot + 1))
            person_end, units = run
            self._put_units(row, pos, units, cols)
            if person_end > dot + 1:
                row.cells.setdefault("oversight", []).extend(_spans(pos, dot + 1, person_end))
            seg_start = k = units[-1][1] if units else person_end
        if content and not any(c in row.cells for c in ("lead_units", "units", "cooperating")):
            # no full stop before the names (改造农村危房150户县住建局县财政局、县民政局): the names
            # are the run that ends the row, starting with a place or a department's short name
            ca, cb = content[-1]
            for p in range(max(ca + 1, cb - 60), cb):
                if text[p] not in _PLACE_STARTS and not text.startswith(self.stems, p):
                    continue
                run = self._units_after(text, p, cb, False)
                if run is not None and run[1][-1][1] == cb and not any(
                        any(ch.isdigit() for ch in text[ua:ub]) for ua, ub in run[1]):
                    content[-1] = (ca, p)
                    self._put_units(row, pos, run[1], cols)
                    break
        text_col = "content" if "content" in cols else "task"
        for ca, cb in content:
            if cb > ca:
                row.cells.setdefault(text_col, []).extend(_spans(pos, ca, cb))

    @staticmethod
    def _put_units(row: Row, pos: list[int], units: list[tuple[int, int]], cols: list[str]) -> None:
        """The first name under the lead column (when there is one), the others under the next."""
        for m, (ua, ub) in enumerate(units):
            # one span a unit: the cell is read one unit per piece
            col = "lead_units" if m == 0 and "lead_units" in cols else (
                "cooperating" if "cooperating" in cols else "units")
            pieces = _spans(pos, ua, ub)
            row.continued.update(pieces[1:])
            row.cells.setdefault(col, []).extend(pieces)

    def _units_after(self, text: str, p: int, b: int, has_person: bool) -> tuple[int, list[tuple[int, int]]] | None:
        """Where a person's name ends and the unit names that follow ``p``, or None."""
        if p >= b or _STOP_AFTER_UNITS_RX.match(text, p):
            return None
        q = p
        if has_person:
            name = 3
            for n in (2, 3):
                if text.startswith(self.stems, p + n):
                    name = n
                    break
            if not all("\u3400" <= c <= "\u9fff" for c in text[p:p + name]):
                return None
            q = p + name
        person_end = q
        units: list[tuple[int, int]] = []
        while q < b:
            if _STOP_AFTER_UNITS_RX.match(text, q):
                break
            end = None
            for e in range(q + 3, min(b, q + 14) + 1):
                piece = text[q:e]
                if piece.count("(") != piece.count(")") or not _UNIT_TAIL_RX.search(piece):
                    continue
                if e < b and text[e] == "(":
                    continue  # 高新园(邹区镇): the bracket belongs to the name
                if _NAME_GOES_ON_RX.match(text, e) or any(
                        (m := _NAME_GOES_ON_RX.match(text, e - k)) is not None and m.end() > e for k in (1, 2)):
                    continue  # 各街道|办事处, 各街道办|事处: the name goes on
                end = e
                break
            if end is None:
                break
            units.append((q, end))
            q = end
            if q < b and text[q] == "、":
                q += 1  # 县财政局、县民政局
        if not units:
            return None
        return person_end, units


def _spans(pos: list[int], a: int, b: int) -> list[Span]:
    """Source spans of the characters ``a``..``b`` of a text joined from several lines."""
    out: list[Span] = []
    for k in range(a, b):
        if out and out[-1][1] == pos[k]:
            out[-1] = (out[-1][0], pos[k] + 1)
        else:
            out.append((pos[k], pos[k] + 1))
    return out
