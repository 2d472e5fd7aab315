"""Units across plans: where a plan stands, each unit's qualified name, and one canonical unit per
place whatever the spelling (the unit registry).

The vocabulary is the ``registry`` rule pack (``parsers/registry.yaml``): the place pattern, the
provinces' one-character names, and the aliases (市发改局 / 市发展改革局 → 市发展和改革局).

* A plan's place comes from its issuer, then its title, then its document number (粤办函 → 广东省);
  nothing else is guessed.
* ``qualify``: 市X in a 梅州市 plan is 梅州市X, 省X in a 广东省 plan 广东省X, 区X in a 东湖区 plan
  东湖区X; a name that already says
  where it is stays; anything else (各县(市、区)人民政府, 领导小组, a 市X whose city is unknown) is
  None.
* ``fold``: a name with its department's spelling made canonical, its place prefix kept.
* ``key_of``: the registry's key of a unit — canonical units with the spellings seen and the tasks
  each leads, is responsible for or cooperates on (``database.REGISTRY_QUERY``). A unit whose place
  is unknown is kept per plan (``scope``), so the 市政务服务数据管理局 of two unnamed cities are never
  counted as one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import RegistryPack, TimedPattern, bundled_rules, compile_rule


def _rx(reg: RegistryPack, pattern: str) -> TimedPattern:
    """A registry pattern compiled as ``rules.compiler`` compiles: with the time limit unless the
    pack is the bundled one (a user pack's pattern cannot hang a batch)."""
    return compile_rule(pattern, reg is not bundled_rules().registry)


@dataclass(frozen=True)
class Place:
    """Where a plan stands; either part may be unknown."""

    province: str | None = None
    city: str | None = None
    county: str | None = None


def place_of(reg: RegistryPack, text: str | None) -> Place:
    """The province and city that ``text`` (an issuer or a title) starts with."""
    if not text:
        return Place()
    m = _rx(reg, reg.place).match(text.strip())
    if m is None:
        return Place()
    return Place(m.group("province") or None, m.group("city") or None, m.group("county") or None)


def plan_place(reg: RegistryPack, issuer: str | None, title: str | None, doc_number: str | None) -> Place:
    """A plan's place: from its issuer, else its title, else its document number's province."""
    province = city = county = None
    for text in (issuer, title):
        got = place_of(reg, text)
        if got.city or got.county or got.province:
            province, city, county = got.province, got.city, got.county
            break
    if province is None and city is None and doc_number:
        m = _rx(reg, reg.doc_number_province).search(doc_number)
        if m is not None:
            province = reg.province_abbreviations.get(m.group("abbr"))
    return Place(province, city, county)


def _split(reg: RegistryPack, name: str) -> tuple[str, str]:
    """(place prefix, the rest) of a unit name: 梅州市 + 发改局, 市 + 市场监管局, '' + 领导小组."""
    if _rx(reg, reg.placed).search(name):
        m = _rx(reg, reg.place).match(name)
        if m is not None and m.end() > 0:
            return name[: m.end()], name[m.end():]
        return "", name
    if name[:1] in ("市", "省", "县", "区") and not _rx(reg, reg.not_a_prefix).search(name):
        return name[:1], name[1:]
    return "", name


def qualify(reg: RegistryPack, name: str, place: Place) -> str | None:
    """The name that places the unit, or None where its place is not known."""
    if _rx(reg, reg.placed).search(name):
        return name
    if _rx(reg, reg.not_a_prefix).search(name):
        return None
    head, rest = name[:1], name[1:]
    if head == "省" and place.province:
        return place.province + rest
    if head == "市":
        if place.city:
            return place.city + rest
        if place.province and place.province.endswith("市"):  # 北京市: a city with a province's rank
            return place.province + rest
    if head in ("区", "县") and place.county and place.county.endswith(head):
        return (place.city or "") + place.county + rest
    return None


def _aliases(reg: RegistryPack) -> dict[str, str]:
    # earlier entries win: a user pack's aliases come first
    table: dict[str, str] = {}
    for a in reg.aliases:
        for spelling in (a.canonical, *a.spellings):
            table.setdefault(spelling, a.canonical)
    return table


_ALIAS_CACHE: dict[int, tuple[RegistryPack, dict[str, str]]] = {}


def fold(reg: RegistryPack, name: str) -> str:
    """``name`` with its department's canonical spelling (市发改局 → 市发展和改革局), prefix kept."""
    hit = _ALIAS_CACHE.get(id(reg))
    if hit is None or hit[0] is not reg:
        hit = (reg, _aliases(reg))
        _ALIAS_CACHE[id(reg)] = hit
    prefix, rest = _split(reg, name)
    return prefix + hit[1].get(rest, rest)


# --- the registry of a batch (database.REGISTRY_QUERY) ------------------------------------------------

def key_of(reg: RegistryPack, name: str, qualified: str | None, scope: str) -> tuple[str, str]:
    """(canonical name, scope) identifying one unit across a batch: a placed unit by its folded
    qualified name; an unplaced one by its folded name within its plan (``scope``)."""
    from .chinese import converter

    t2s = converter("t2s").convert  # the aliases are Simplified; so is the registry of a Traditional batch
    if qualified is not None:
        return fold(reg, t2s(qualified)), ""
    return fold(reg, t2s(name)), scope


REGISTRY_COLUMNS: list[tuple[str, str]] = [
    ("canonical", "The unit's canonical name: qualified by its place where that is known, spelling folded."),
    ("scope", "Empty for a placed unit; else 'SOURCE#PLAN' (input path, plan index), the one plan whose unplaced "
              "unit this is."),
    ("spellings", "Every spelling seen, most frequent first, joined with '；'."),
    ("owner_tasks", "Tasks it owns (lead, or responsible where no lead is marked); each task once."),
    ("lead_tasks", "Tasks it leads."),
    ("responsible_tasks", "Tasks it is responsible for (责任单位 with no lead marked, or beside a lead)."),
    ("cooperating_tasks", "Tasks it cooperates on (配合/协助/参与)."),
    ("mentions", "How many times a unit of these spellings is named, on any item."),
]


def registry_csv(rows: list[dict[str, object]]) -> str:
    """The registry as CSV text (header first; no BOM: ``write_output(..., bom=True)`` adds it)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c for c, _ in REGISTRY_COLUMNS])
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c, _ in REGISTRY_COLUMNS])
    return buf.getvalue()
