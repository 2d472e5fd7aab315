"""Responsible units and their roles.

Units are read from annotations: a bracketed group at the end of a sentence whose content is a
list of unit names ending in a role cue (``(省公安厅、卫生健康委牵头)``), or a labelled field
(``[责任单位:A、B牵头,C配合;完成时间:…]``, ``牵头单位:…`` on its own line, a table's 责任部门
cell). Names without a cue take the cue of the next clause, else the field's role. Afterwards:
``X负责，Y配合`` makes X the lead; a plan that declares 责任单位排在首位的为牵头单位 (once, in any
wording the rule pack knows) makes each list's first unit the lead. Names joined by 、 may share
a suffix (人民大垸、荒湖管理区; 各乡、镇人民政府 stays one generic holder), a holder named after 等
is a unit of its own (X等有关部门), and a list cut off by the end of the text loses its fragment.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ..rules import RuleSet, TimedPattern, compiler, per_ruleset
from ..textrun import TextRun
from .base import Extraction, FoundUnit, ItemText, PlanContext

_OPEN = {"(": ")", "[": "]", "【": "】", "〔": "〕", "<": ">", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_CLAUSE_SEP = ",，;；"
_BRACKET_RX = re.compile(r"[()\[\]【】〔〕<>{}\n]")
_CLAUSE_SPLIT_RX = re.compile(r"[,，;；]")
_NAME_SPLIT_RX = re.compile(r"、(?![^()<>]*[)>])")
_AND_RX = re.compile(r"以及|和|及|与|&")  # & from an HTML entity (&amp;) between two names
# a sentence that assigns the work: 由市交通运输局负责，市公安局协助。 (also after a comma, or
# after 此项工作)
_ASSIGN_RX = re.compile(
    r"(?:^|(?<=[。;\n])|(?<=,)(?=\s*由))\s*(?:(?:此项|该项|这项|上述|以上)(?:工作|任务)?(?=由))?(?P<by>由)?"
    r"(?P<body>(?:[^。;()\n,]|,(?!\s*由)){2,120})(?=[。;,]|$)")
_SUBJECT_CUES = "牵头|负责|配合|协助"
_SUBJECT_CUE_RX = re.compile(_SUBJECT_CUES)
# a sentence whose subject is the unit: 市财政局负责统筹安排…, 各县(市、区)人民政府具体负责…
_SUBJECT_RX = re.compile(
    rf"(?P<names>[^,。;:]{{3,80}}?)(?:按职责(?:分工)?)?(?:分别)?(?:具体)?(?:{_SUBJECT_CUES})(?=\w)")
_NOT_A_NAME_RX = re.compile(
    r"\d{2,4}\s*年|^(?:持续|长期|不断|常态化|按照|按|按时|每年|每月|每季度|及时|定期)"
    r"|季度|半年|年底|年中|年内|年末|全年|春节|期间|(?:完成|推进|实施|部署|落实|前)$"
)
_MAX_NAME = 40
# a name short of its suffix, as in 人民大垸、荒湖管理区
_STEM_RX = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_PLACE_ENDS = "省市县区镇乡"
# a clause naming the people in charge: 省政府领导：…, 责任领导：…, 联系人：…
_PERSON_FIELD_RX = re.compile(r"[;；,，]\s*[\u4e00-\u9fff]{0,6}(?:领导|责任人|联系人)\s*[:：]")
# what a form's empty unit field says: 待定, 无, /, (另行明确)
_NO_UNIT_RX = re.compile(r"^[(\[]?(?:待定|暂定|无|暂无|另行明确|另行通知|另定|另行确定|[/／\-—\s]+)[)\]]?$")


@dataclass
class _Name:
    """A unit name read from a list, with its place in the text and its role."""

    name: str
    start: int
    end: int
    role: str
    explicit: bool  # the role comes from an explicit 负责


@dataclass
class _Rx:
    field: TimedPattern
    field_roles: list[tuple[TimedPattern, str]]
    cue: TimedPattern
    cue_roles: list[tuple[TimedPattern, str]]
    name_cue: TimedPattern
    strip: TimedPattern
    etc: TimedPattern
    prefix: TimedPattern
    own_place: TimedPattern
    no_prefix: TimedPattern
    suffix: TimedPattern
    shared_head: TimedPattern
    shared_suffix: TimedPattern
    government: TimedPattern
    first_is_lead: TimedPattern  # every wording of the rule in one pattern
    any_field: TimedPattern


def _rx(rules: RuleSet) -> _Rx:
    return per_ruleset(rules, __name__, _build)


def _build(rules: RuleSet) -> _Rx:
    rc = compiler(rules)
    u = rules.units
    labels = "|".join(f"(?:{f.label})" for f in u.field_labels)
    cues = "|".join(f"(?:{c.cue})" for c in u.role_cues)
    dl = rules.deadlines.field_labels.pattern
    rx = _Rx(
        field=rc(rf"(?:【\s*(?P<label>{labels})\s*】|(?P<label>{labels})\s*[:：])\s*"),
        field_roles=[(rc(rf"^(?:{f.label})$"), f.role) for f in u.field_labels],
        cue=rc(rf"(?:{cues})$"),
        cue_roles=[(rc(rf"^(?:{c.cue})$"), c.role) for c in u.role_cues],
        name_cue=rc(rf"\(\s*(?P<cue>{cues})\s*\)$"),
        strip=rc(u.strip_words),
        etc=rc(u.etc_pattern),
        prefix=rc(u.prefix_pattern),
        own_place=rc(u.own_place_pattern),
        no_prefix=rc(u.no_prefix_suffix),
        # whether a name ends with a unit's suffix: searched backwards from the end ((?r)), where a
        # pattern anchored at the end ($) fails at once, instead of tried at every character
        suffix=rc(f"(?r)(?:{u.unit_suffix})"),
        shared_head=rc(u.shared_suffix_head),
        shared_suffix=rc(u.shared_suffix),
        government=rc(f"(?r)(?:{u.government_suffix})"),
        first_is_lead=rc("|".join(f"(?:{p.pattern})" for p in u.first_is_lead) or "(?!x)x"),
        any_field=rc(rf"【\s*(?:{labels}|{dl})\s*】|(?:{labels}|{dl})\s*[:：]"),
    )
    return rx


def declares_first_is_lead(text: str, rules: RuleSet) -> bool:
    """Whether the plan says the first unit of each list leads (排在第一位的为牵头单位, 下同)."""
    text = text.replace("\n", "")  # the rule may be wrapped over two lines
    return _rx(rules).first_is_lead.search(text) is not None


def bracket_groups(text: str) -> list[tuple[int, int]]:
    """Top-level bracketed groups as (content start, content end); an unclosed one runs to the end."""
    groups: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_RX.finditer(text):
        i, c = m.start(), m.group()
        if c in _OPEN:
            stack.append((c, i))
        elif c in _CLOSE and stack:
            # close up to the matching opener; mismatched brackets in pasted text are common
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == _CLOSE[c]:
                    opener = stack[k]
                    del stack[k:]
                    if not stack:
                        groups.append((opener[1] + 1, i))
                    break
            else:
                if len(stack) == 1:
                    opener = stack.pop()
                    groups.append((opener[1] + 1, i))
        elif c == "\n" and stack and stack[0][0] not in "([【〔":
            stack.clear()
    if stack:
        groups.append((stack[0][1] + 1, len(text)))
    return groups


_SPLIT_RX: dict[str, re.Pattern[str]] = {}
_SPACES_RX = re.compile(r"(?<=\S) +(?=\S)")


def _split_top(text: str, seps: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] at separators outside brackets: absolute (start, end) pairs."""
    rx = _SPLIT_RX.get(seps)
    if rx is None:
        rx = _SPLIT_RX[seps] = re.compile("[" + re.escape(seps + "".join(_OPEN) + "".join(_CLOSE)) + "]")
    parts: list[tuple[int, int]] = []
    depth = 0
    a = start
    for m in rx.finditer(text, start, end):
        c = m.group()
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append((a, m.start()))
            a = m.end()
    parts.append((a, end))
    return parts


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in " \t\n":
        a += 1
    while b > a and text[b - 1] in " \t\n":
        b -= 1
    return a, b


class _Parser:
    def __init__(self, rules: RuleSet, ctx: PlanContext) -> None:
        self.rx = _rx(rules)
        self.ctx = ctx

    def role_of_cue(self, cue: str) -> str:
        for pattern, role in self.rx.cue_roles:
            if pattern.match(cue):
                return role
        return "responsible"  # pragma: no cover - cues come from the same list

    def field_role(self, label: str) -> str:
        for pattern, role in self.rx.field_roles:
            if pattern.match(label):
                return role
        return "responsible"  # pragma: no cover

    def parse_list(self, text: str, a: int, b: int, default: str | None) -> list[tuple[int, int, str, bool]]:
        """Units in text[a:b] as (start, end, role, explicit 负责?); role None when uncued."""
        out: list[tuple[int, int, str | None, bool]] = []
        for ca, cb in _split_top(text, _CLAUSE_SEP, a, b):
            ca, cb = _trim(text, ca, cb)
            if cb <= ca:
                continue
            clause = text[ca:cb]
            if self.rx.first_is_lead.search(clause):
                break  # (A、B负责，排在第一位的为牵头单位，下同): the plan's rule, then nothing but 下同
            m = self.rx.cue.search(clause)
            role: str | None = None
            explicit = False
            if m is not None and m.start() > 0:
                role = self.role_of_cue(m.group())
                explicit = role == "responsible"
                cb = ca + m.start()
            etc = self.rx.etc.search(text, ca, cb)
            holder: tuple[int, int] | None = None
            if etc is not None:
                cb = etc.start()  # "X、Y等…": what follows 等 describes the list…
                if etc.group("holder") and self.rx.suffix.search(etc.group("holder")):
                    holder = etc.span("holder")  # …or names a holder of its own: X等有关部门
            names = [g for part in _split_top(text, "、", ca, cb) for n in self._split_lines(text, *part)
                     for s in self._split_spaces(text, *n) for g in self._split_glued(text, *s)]
            for na, nb in (n for part in names for n in self._split_and(text, *part)):
                na, nb = _trim(text, na, nb)
                if nb <= na:
                    continue
                own = self.rx.name_cue.search(text, na, nb) if text[nb - 1] == ")" else None
                together = text.find("会同", na, nb)
                if together > na and own is None:
                    # "A会同B负责": A leads, B works with it
                    out.append((na, together, "lead", False))
                    for ba, bb in self._split_and(text, together + 2, nb):
                        out.append((ba, bb, "cooperating", False))
                elif own is not None:
                    # a role written after the name: 市发展改革委(牵头)
                    own_role = self.role_of_cue(own.group("cue"))
                    out.append((na, own.start(), own_role, own_role == "responsible"))
                else:
                    out.append((na, nb, role, explicit))
            if holder is not None:
                out.append((*holder, role, explicit))
            if role is not None and role != "cooperating" and default in (None, "responsible"):
                # uncued names before this clause take its cue (牵头单位: A、B，C配合 keeps A, B as leads;
                # 责任单位: A、B，C配合 keeps A, B responsible)
                for k in range(len(out) - 1, -1, -1):
                    if out[k][2] is None:
                        out[k] = (out[k][0], out[k][1], role, explicit)
        return [(s, e, r or default or "responsible", x) for s, e, r, x in out]

    def _split_lines(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        """A table cell with one unit per line: split at line breaks that end a unit name (and
        not inside a name a narrow column wrapped: 市政务服务数据管⏎理局)."""
        out: list[tuple[int, int]] = []
        k = text.find("\n", a, b)
        while k >= 0:
            rest = text[k + 1:b].strip()
            if self.rx.suffix.search(text[a:k].strip()) and rest and rest[0] not in "(（":
                out.append((a, k))
                a = k + 1
            k = text.find("\n", k + 1, b)
        out.append((a, b))
        return out

    def _split_spaces(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        """Names side by side with spaces between (a cell's lines joined: 市发改委 市财政局): split
        where the name on the left ends with a unit's suffix and the one on the right starts with a
        place and ends with a suffix (not 区人民政府 办公室, one name a PDF spaced)."""
        if text.find(" ", a, b) < 0:
            return [(a, b)]
        out: list[tuple[int, int]] = []
        start = a
        for m in _SPACES_RX.finditer(text, a, b):
            nxt = text.find(" ", m.end(), b)
            left, right = text[start:m.start()].strip(), text[m.end():nxt if nxt >= 0 else b]
            if len(left) >= 3 and len(right) >= 3 and self.rx.suffix.search(left) and self.rx.prefix.match(right) \
                    and self.rx.suffix.search(right):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, b))
        return out

    def _split_glued(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        """Names pasted with nothing between them, each starting with the same place
        (区财政局区住房和城乡建设局): split where a name ends and the place starts the next."""
        na, nb = _trim(text, a, b)
        if nb - na < 8:
            return [(a, b)]
        place = self.rx.prefix.match(text[na:nb])  # the pattern is anchored: match a slice
        if place is None or not place.group():
            return [(a, b)]
        head = place.group()
        out: list[tuple[int, int]] = []
        start = na
        k = text.find(head, start + 3, nb)
        while k > 0:
            left, right = text[start:k], text[k:nb]
            if self.rx.suffix.search(left) and len(right) > len(head) + 1 and self.rx.prefix.match(right) \
                    and self.rx.suffix.search(self._up_to_next(right, head)):
                out.append((start, k))
                start = k
            k = text.find(head, k + len(head), nb)
        out.append((start, nb))
        return out

    @staticmethod
    def _up_to_next(text: str, head: str) -> str:
        k = text.find(head, len(head) + 2)
        return text[:k] if k > 0 else text

    def _split_and(self, text: str, a: int, b: int) -> list[tuple[int, int]]:
        """Split "市财政局和市发展改革委" in two, but not "市住房和城乡建设局"."""
        for m in _AND_RX.finditer(text, a, b):
            left, right = text[a:m.start()], text[m.end():b]
            if self.rx.suffix.search(left) and (self.rx.prefix.match(right) or self.rx.own_place.search(right)
                                                or (len(right) >= 3 and self.rx.suffix.search(right))):
                return [(a, m.start()), *self._split_and(text, m.end(), b)]
        return [(a, b)]

    def clean_name(self, text: str, a: int, b: int) -> tuple[str, int, int] | None:
        a, b = _trim(text, a, b)
        raw = text[a:b]
        m = self.rx.etc.search(raw)
        if m is not None:
            b = a + m.start()
            raw = text[a:b]
        name = raw.replace(" ", "").replace("<", "(").replace(">", ")").replace("\n", "")
        stripped = self.rx.strip.sub("", name)
        if stripped != name:
            lead = name.find(stripped) if stripped else 0
            a += max(lead, 0)
            name = stripped
        name = name.strip("。.,，;；:：、").removesuffix("(")
        if not name or len(name) > _MAX_NAME or name.isdigit() or _NO_UNIT_RX.match(name):
            return None
        if ":" in name or _NOT_A_NAME_RX.search(name) or self.rx.first_is_lead.search(name):
            return None  # a field (完成期限:…), a date or 持续办理 that ended up in the list
        return name, a, b

    def expand(self, names: list[str], fixed: set[int]) -> list[str]:
        """Give names the prefix the list abbreviates (省公安厅、卫生健康委 → 省卫生健康委); the
        names at ``fixed`` (holders named after 等) are taken as they are."""
        out: list[str] = []
        prefix = ""
        for k, name in enumerate(names):
            m = self.rx.prefix.match(name)
            if m is not None:
                prefix = m.group()
                out.append(name)
                continue
            if prefix and k not in fixed and not self.rx.own_place.search(name) \
                    and not self.rx.no_prefix.search(name) and not any(name.startswith(r) for r in self.ctx.regions):
                if prefix.endswith("委") and self.rx.government.search(name):
                    out.append(prefix[:-1] + name)  # 省委宣传部、公安厅: 省公安厅
                else:
                    out.append(prefix + name)
            else:
                prefix = ""  # a name that says where it belongs ends the shared prefix
                out.append(name)
        return out

    def share_suffix(self, text: str, cleaned: list[_Name]) -> list[_Name]:
        """Names joined by 、 that share the last one's suffix: a bare 各区 (and 县, 镇… after it)
        before 县级市人民政府 makes one generic holder, kept whole (各区、县级市人民政府); a specific
        name without a suffix takes it (人民大垸、荒湖管理区 → 人民大垸管理区, 荒湖管理区)."""
        out: list[_Name] = []
        k = 0
        while k < len(cleaned):
            end = self._generic_run(text, cleaned, k)
            if end > k:
                first, last = cleaned[k], cleaned[end]
                out.append(dataclasses.replace(last, name="、".join(c.name for c in cleaned[k:end + 1]),
                                               start=first.start))
                k = end + 1
                continue
            out.append(cleaned[k])
            k += 1
        for k in range(len(out) - 1):
            head, nxt = out[k], out[k + 1]
            m = self.rx.shared_suffix.search(nxt.name)
            if (m is None or m.start() == 0 or not self._joined(text, head, nxt) or not _STEM_RX.match(head.name)
                    or self.rx.suffix.search(head.name)):
                continue
            place = nxt.name[: m.start()]
            # the place words of both must match (东城、西城区政府 does not give 东城政府), and a
            # generic word (有关, 各) shares nothing
            if not self.rx.own_place.search(place) or (place[-1] == head.name[-1] and place[-1] in _PLACE_ENDS):
                out[k] = dataclasses.replace(head, name=head.name + m.group())
        return out

    def _generic_run(self, text: str, names: list[_Name], k: int) -> int:
        """The last index of a generic holder written with 、 that starts at names[k]
        (各县、区、镇人民政府, 各区、县级市), or k when there is none."""
        if not self.rx.shared_head.search(names[k].name):
            return k
        j = k + 1
        while j < len(names) and self._joined(text, names[j - 1], names[j]):
            m = self.rx.shared_suffix.search(names[j].name)
            place = names[j].name[: m.start()] if m is not None else names[j].name
            if not place or not self._bare_place(place):
                break
            if m is not None:
                return j
            j += 1  # a bare place word (县): 各乡、县、镇人民政府, or the last of 各区、县级市
        return j - 1

    @staticmethod
    def _joined(text: str, a: _Name, b: _Name) -> bool:
        return text[a.end:b.start].strip() == "、"

    def is_unit_list(self, text: str, a: int, b: int, truncated: bool = False) -> bool:
        """A bracket group is an annotation when its first sentence is names ending in a cue, or,
        closing the item's text (or ``truncated`` by its end), nothing but names of departments:
        （省大数据局、省公安厅）."""
        content = text[a:b]
        cut = content.find("。")
        if cut >= 0:
            content = content[:cut]
        clauses = [c.strip() for c in _CLAUSE_SPLIT_RX.split(content) if c.strip()]
        if not clauses:
            return False
        if not any(self.rx.cue.search(c) for c in clauses):
            # closing the item's text, or its first paragraph (a note or a closing may follow)
            k, n = b + 1, len(text)
            while k < n and text[k] in " 。.;；":
                k += 1
            at_end = truncated or k >= n or text[k] == "\n" or not text[k:].strip()
            # (a date beside the names is the deadline: （市司法局、市公安局，2023年6月底前）)
            listed = [n for c in clauses if not _NOT_A_NAME_RX.search(c) for n in _NAME_SPLIT_RX.split(c) if n]
            return at_end and bool(listed) and all(
                (3 <= len(n) <= _MAX_NAME and self.rx.suffix.search(n) is not None)
                or self._shares_next(n, listed[k + 1:]) for k, n in enumerate(listed))
        names: list[str] = []
        for clause in clauses:
            m = self.rx.cue.search(clause)
            body = clause[: m.start()] if m else clause
            if not body:
                return False
            names += [n for n in _NAME_SPLIT_RX.split(body) if n]
        if not names or any(len(n) > _MAX_NAME for n in names):
            return False
        suffixed = sum(1 for k, n in enumerate(names)
                       if self.rx.suffix.search(self.rx.etc.sub("", n)) or self._shares_next(n, names[k + 1:]))
        return suffixed * 2 >= len(names)

    def _shares_next(self, name: str, rest: list[str]) -> bool:
        """A name short of the suffix a later one ends with: 高新区、经开区管委会, 各县、区、镇人民政府."""
        if not (_STEM_RX.match(name) or self._bare_place(name)):
            return False
        for later in rest:
            if self.rx.shared_suffix.search(later) is not None:
                return True
            if not self._bare_place(later):
                break
        return False

    def _bare_place(self, name: str) -> bool:
        return self.rx.shared_head.search("各" + name.removeprefix("各")) is not None

    def complete_part(self, text: str, a: int, b: int) -> int:
        """Where the complete names of a list cut off at b end: （牵头单位：市发展改革委、市 loses
        its last piece when that piece does not end like a unit."""
        k = max(text.rfind(c, a, b) for c in "、,，;；:：")
        tail = text[max(k + 1, a):b].strip()
        if not tail or self.rx.suffix.search(tail):
            return b
        return max(k + 1, a)

    def is_assignment(self, sentence: str) -> bool:
        """Every clause is unit names followed by a role cue, every name ending like a unit."""
        clauses = [c.strip() for c in _CLAUSE_SPLIT_RX.split(sentence) if c.strip()]
        if not clauses:
            return False
        for clause in clauses:
            m = self.rx.cue.search(clause)
            if m is None or m.start() == 0:
                return False
            names = [n for n in _NAME_SPLIT_RX.split(clause[: m.start()]) if n]
            if not names or not all(3 <= len(n) <= _MAX_NAME and self.rx.suffix.search(self.rx.etc.sub("", n))
                                    for n in names):
                return False
        return True

    def is_alias(self, text: str, a: int, b: int) -> bool:
        """A bracket right after a unit name inside a labelled field's value, holding another
        name for it rather than a role: 学科建设办公室（发展规划处）."""
        if a < 2 or not ("\u4e00" <= text[a - 2] <= "\u9fff"):
            return False
        content = text[a:b]
        if ":" in content or self.rx.cue.search(content) or not self.rx.suffix.search(content):
            return False
        k = max(text.rfind(c, 0, a - 1) for c in ";；。\n")
        return self.rx.field.search(text, k + 1, a - 1) is not None

    def leading_assignments(self, text: str, a: int, b: int) -> int | None:
        """Where unit assignments opening a sentence end: "A牵头，B、C配合，每年…" (clauses of
        names and a cue) or "A负责建立…" (the units as the subject of the first clause)."""
        end: int | None = None
        first = _CLAUSE_SPLIT_RX.search(text, a, b)
        head = text[a:first.start() if first else b].rstrip()
        names_only = False
        if not head or (_SUBJECT_CUE_RX.search(head) is None and self.rx.cue.search(head) is None):
            # the first clause neither ends in a cue nor has its units as subject; it may still
            # list the units that the next clause's cooperating ones help: A、B，C配合。
            names_only = first is not None and self._all_units(head)
            if not names_only:
                return None
        for k, (ca, cb) in enumerate(_split_top(text, _CLAUSE_SEP, a, b)):
            ca, cb = _trim(text, ca, cb)
            if k == 0 and names_only:
                continue
            if self.is_assignment(text[ca:cb]):
                end = cb
                continue
            if end is None and not names_only:
                m = _SUBJECT_RX.match(text, ca, cb)
                if m is not None and self.is_assignment(text[ca:m.end()]):
                    end = m.end()
            break
        return end

    def _all_units(self, clause: str) -> bool:
        names = [n for n in _NAME_SPLIT_RX.split(clause) if n]
        return bool(names) and all(3 <= len(n) <= _MAX_NAME and self.rx.suffix.search(n) is not None for n in names)

    def annotate(self, run: TextRun, a: int, b: int, default: str | None,
                 found: list[FoundUnit]) -> None:
        """Parse units in run.match[a:b] (one annotation or field value) into ``found``."""
        text = run.match
        cleaned: list[_Name] = []
        for s, e, role, explicit in self.parse_list(text, a, b, default):
            got = self.clean_name(text, s, e)
            if got is not None:
                cleaned.append(_Name(got[0], got[1], got[2], role, explicit))
        if not cleaned:
            return
        cleaned = self.share_suffix(text, cleaned)
        holders = {k for k, c in enumerate(cleaned) if text[c.start - 1: c.start] == "等"}
        names = self.expand([c.name for c in cleaned], holders)
        roles = [c.role for c in cleaned]
        if "lead" not in roles:
            if "cooperating" in roles and any(c.explicit for c in cleaned):
                roles = ["lead" if (r == "responsible" and c.explicit) else r
                         for r, c in zip(roles, cleaned, strict=True)]
            elif self.ctx.first_is_lead and roles[0] == "responsible":
                roles[0] = "lead"
        for name, c, role in zip(names, cleaned, roles, strict=True):
            ns, ne = run.span(c.start, c.end)
            found.append(FoundUnit(start=ns, end=ne, name=name, role=role))

    def fields(self, run: TextRun, a: int, b: int, found: list[FoundUnit]) -> bool:
        """Labelled fields inside text[a:b]; True when any was found."""
        text = run.match
        if text.find(":", a, b) < 0 and text.find("：", a, b) < 0 and text.find("】", a, b) < 0:
            return False  # every label ends with one of these: no search
        hit = False
        for m in self.rx.field.finditer(text, a, b):
            role = self.field_role(m.group("label"))
            start = m.end()
            nxt = self.rx.any_field.search(text, start, b)
            end = nxt.start() if nxt else b
            # a field ends at ';', a full stop or a line break
            for k in range(start, end):
                if text[k] in ";；。\n":
                    end = k
                    break
            self.annotate(run, start, end, role, found)
            hit = True
        return hit


def extract(item: ItemText, rules: RuleSet, ctx: PlanContext, out: Extraction) -> None:
    parser = _Parser(rules, ctx)
    found: list[FoundUnit] = []
    if item.units_cells:
        for cell, role in item.units_cells:
            # a cell may label its own lists: 牵头：A；配合：B
            if not ((":" in cell.match or "】" in cell.match) and parser.fields(cell, 0, len(cell.match), found)):
                parser.annotate(cell, 0, len(cell.match), role, found)
    else:
        run = item.run
        text = run.match
        covered: list[tuple[int, int]] = []
        for a, b in bracket_groups(text):
            truncated = b == len(text)  # a bracket that never closes: the text was cut off inside it
            if truncated:
                b = parser.complete_part(text, a, b)
            person = _PERSON_FIELD_RX.search(text, a, b)
            if person is not None:
                b = person.start()  # …牵头；省政府领导：李国强、张卫东 (people, not units)
            if parser.is_alias(text, a, b):
                continue  # 责任部门：学科建设办公室（发展规划处）: the bracket names the same unit
            if parser.fields(run, a, b, found):
                covered.append((a, b))
            elif parser.is_unit_list(text, a, b, truncated):
                cut = text.find("。", a, b)
                parser.annotate(run, a, cut if cut >= 0 else b, None, found)
                covered.append((a, b))
        # labelled fields outside brackets (牵头单位: … on a line of its own)
        if ":" in text or "】" in text:
            pos = 0
            for a, b in [*covered, (len(text), len(text))]:
                if pos < a:
                    parser.fields(run, pos, a, found)
                pos = max(pos, b)
    if not found and not item.units_cells:
        text = item.run.match
        for m in _ASSIGN_RX.finditer(text) if "由" in text else ():  # only 由… clauses are read here
            a, b = m.span("body")
            # after 由 a unit list is enough (由市交通运输局负责，市公安局协助); when clauses of names
            # and cues open it, the task may follow (由X主办，Y协助，清理…)
            if m.group("by") and parser.is_unit_list(text, a, b):
                end = parser.leading_assignments(text, a, b)
                parser.annotate(item.run, a, b if end is None else end, None, found)
        if not found:
            # without 由 a sentence must open with names and a cue
            for a, b in _split_top(text, "。;\n", 0, len(text)):
                end = parser.leading_assignments(text, a, b)
                if end is not None:
                    parser.annotate(item.run, a, end, None, found)
    roles = {u.role for u in found}
    if "lead" not in roles and "cooperating" in roles and "responsible" in roles and not item.units_cells:
        # "责任单位:X; 配合单位:Y" says what "X负责，Y配合" says: X leads
        for u in found:
            if u.role == "responsible":
                u.role = "lead"
    seen: set[tuple[str, str]] = set()
    for u in found:
        key = (u.name, u.role)
        if key in seen:
            continue
        seen.add(key)
        out.units.append(u)
