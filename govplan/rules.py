"""Rule packs: the YAML vocabulary in ``parsers/``, validated with Pydantic and compiled once.

A rule pack is data a domain reviewer can edit without reading Python. Each pattern sits next to
``examples`` that ``check_examples`` (and the test-suite) verify it matches. A user pack given with
``--rules`` is merged over the bundled one: its lists are added in front (so they win), its single
patterns replace the bundled ones.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# A pattern that runs longer than this on one piece of text is stopped (see RuleError).
REGEX_TIMEOUT = 2.0
# The largest rule pack read (the bundled ones total about 40 KB).
RULES_MAX_BYTES = 4 * 1024 * 1024

Role = Literal["lead", "responsible", "cooperating"]
Comparator = Literal[">=", "<=", ">", "<", "=", "increase", "decrease"]

PACK_FILES = ("numbering", "units", "deadlines", "targets", "document", "registry")


class RuleError(ValueError):
    """A rule pack is invalid; the message names the file and key at fault."""


_R = TypeVar("_R")


class TimedPattern:
    """A compiled rule pattern; with a time limit, every search stops after it.

    A user's rule pack (``--rules``) could hold a catastrophic pattern: its searches get a time
    limit (and raise TimeoutError, which the CLI reports as a rule-pack error) so it ends one
    file's parse, never hangs a batch. The bundled packs are tested, and a time limit makes every
    search several times slower, so theirs run without one.
    """

    __slots__ = ("finditer", "fullmatch", "match", "pattern", "search", "split", "sub")

    def __init__(self, rx: regex.Pattern[str], timeout: float | None) -> None:
        self.pattern = rx.pattern
        if timeout is None:
            self.search: Callable[..., regex.Match[str] | None] = rx.search
            self.match: Callable[..., regex.Match[str] | None] = rx.match
            self.fullmatch: Callable[..., regex.Match[str] | None] = rx.fullmatch
            self.finditer: Callable[..., Iterator[regex.Match[str]]] = rx.finditer
            self.sub: Callable[..., str] = rx.sub
            self.split: Callable[..., list[str]] = rx.split
        else:
            self.search = _timed(rx.search, rx.pattern, timeout)
            self.match = _timed(rx.match, rx.pattern, timeout)
            self.fullmatch = _timed(rx.fullmatch, rx.pattern, timeout)
            self.sub = _timed(rx.sub, rx.pattern, timeout)
            self.split = _timed(rx.split, rx.pattern, timeout)

            def finditer(*args: Any, **kwargs: Any) -> Iterator[regex.Match[str]]:
                kwargs.update(timeout=timeout, concurrent=True)
                found = rx.finditer(*args, **kwargs)
                step = _timed(lambda: next(found, None), rx.pattern, timeout, plain=True)
                while (m := step()) is not None:
                    yield m

            self.finditer = finditer


class _WallClock:
    """The wall-clock side of the time limit. The regex module counts the process's CPU time, which
    on a loaded machine can be many times shorter than the time that passes; a watchdog thread
    ends the process when one timed search runs past the limit by the clock on the wall. It is
    armed only by a process that can stop (the CLI, a batch worker: see ``wall_clock_limit``);
    the library alone keeps the CPU-time limit and its TimeoutError."""

    def __init__(self) -> None:
        self.running: tuple[float, str] | None = None  # deadline and pattern of the search running
        self.on_overrun: Callable[[str], object] | None = None

    def watch(self) -> None:
        while True:
            time.sleep(0.05)
            running = self.running
            if running is not None and time.monotonic() > running[0] and self.on_overrun is not None:
                self.on_overrun(running[1])


_WALL = _WallClock()


def wall_clock_limit(on_overrun: Callable[[str], object]) -> None:
    """Hold the time limit of user rule patterns on wall-clock time in this process:
    ``on_overrun(pattern)`` is called from a watchdog thread when one search runs past it, and must
    end the process (the search itself cannot be interrupted)."""
    if _WALL.on_overrun is None:
        import threading

        threading.Thread(target=_WALL.watch, name="govplan-regex-watchdog", daemon=True).start()
    _WALL.on_overrun = on_overrun


def _timed(fn: Callable[..., _R], pattern: str, timeout: float, *, plain: bool = False) -> Callable[..., _R]:
    """``fn`` with the CPU-time limit and the wall-clock deadline. ``concurrent=True`` releases the
    GIL while the pattern runs, so the watchdog thread can act."""

    def call(*args: Any, **kwargs: Any) -> _R:
        _WALL.running = (time.monotonic() + timeout, pattern)
        try:
            return fn(*args, **kwargs) if plain else fn(*args, timeout=timeout, concurrent=True, **kwargs)
        finally:
            _WALL.running = None

    return call


@functools.lru_cache(maxsize=4096)
def compile_rule(pattern: str, timed: bool = True) -> TimedPattern:
    """Compile a pattern from a rule pack (cached: packs repeat their pieces)."""
    return TimedPattern(regex.compile(pattern, regex.V0), REGEX_TIMEOUT if timed else None)


_T = TypeVar("_T")
_PER_RULESET: dict[tuple[int, str], tuple[RuleSet, Any]] = {}


def per_ruleset(rules: RuleSet, key: str, build: Callable[[RuleSet], _T]) -> _T:
    """``build(rules)`` once per rule set and key: what a stage compiles from the rules."""
    hit = _PER_RULESET.get((id(rules), key))
    if hit is not None and hit[0] is rules:
        return hit[1]  # type: ignore[no-any-return]
    value = build(rules)
    _PER_RULESET[(id(rules), key)] = (rules, value)
    return value


def compiler(rules: RuleSet) -> Callable[[str], TimedPattern]:
    """How to compile the patterns of ``rules``: with a time limit if a user pack is merged in."""
    timed = rules.user_pack is not None
    return lambda pattern: compile_rule(pattern, timed)


def _compile(pattern: str) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern, regex.V0)
    except regex.error as exc:  # pragma: no cover - message re-raised by validators
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str) -> str:
    rx = _compile(value)
    if rx.flags & regex.VERBOSE:
        # govplan joins and wraps patterns: a # comment would swallow the text that follows
        raise ValueError(f"verbose mode (?x) is not allowed in rule patterns: {value!r}; write it without")
    _compile(f"(?:{value})$")  # it must also work inside a larger pattern
    return value


# A year as rule packs give it (a plan period's end, a festival's date table).
Year = Annotated[int, Field(ge=1000, le=9999)]


def _check_month_day(value: str | None) -> str | None:
    if value is not None:
        try:
            datetime.date.fromisoformat(f"2000-{value}")  # a leap year: 02-29 is allowed
        except ValueError:
            raise ValueError(f"{value!r} is not a month and day written MM-DD, e.g. 10-01") from None
    return value


class Scheme(_Model):
    name: str
    family: str
    pattern: str
    exact: bool = False
    decimal: bool = False
    bullet: bool = False  # unnumbered marks (▲, ●): siblings in order
    not_followed_by: str | None = None
    doubtful_if: str | None = None
    examples: list[str] = Field(default_factory=list)
    non_examples: list[str] = Field(default_factory=list)

    _v = field_validator("pattern", "not_followed_by", "doubtful_if")(
        lambda v: v if v is None else _check_regex(v))


class NumberingPack(_Model):
    schemes: list[Scheme]
    label_start: str = "."
    not_followed_by: str
    not_followed_by_examples: list[str] = Field(default_factory=list)


class FieldLabel(_Model):
    label: str
    role: Role
    examples: list[str] = Field(default_factory=list)
    _v = field_validator("label")(_check_regex)


class RoleCue(_Model):
    cue: str
    role: Role
    examples: list[str] = Field(default_factory=list)
    _v = field_validator("cue")(_check_regex)


class PatternWithExamples(_Model):
    pattern: str
    examples: list[str] = Field(default_factory=list)
    _v = field_validator("pattern")(_check_regex)


class UnitsPack(_Model):
    field_labels: list[FieldLabel]
    role_cues: list[RoleCue]
    first_is_lead: list[PatternWithExamples]
    strip_words: str
    etc_pattern: str
    etc_examples: list[str] = Field(default_factory=list)
    prefix_pattern: str
    prefix_examples: list[str] = Field(default_factory=list)
    prefix_non_examples: list[str] = Field(default_factory=list)
    own_place_pattern: str
    own_place_examples: list[str] = Field(default_factory=list)
    no_prefix_suffix: str
    no_prefix_suffix_examples: list[str] = Field(default_factory=list)
    unit_suffix: str
    unit_suffix_examples: list[str] = Field(default_factory=list)
    shared_suffix_head: str = "(?!x)x"
    shared_suffix_head_examples: list[str] = Field(default_factory=list)
    shared_suffix: str = "(?!x)x"
    shared_suffix_examples: list[str] = Field(default_factory=list)
    government_suffix: str = "(?!x)x"
    government_suffix_examples: list[str] = Field(default_factory=list)

    _v = field_validator(
        "strip_words", "etc_pattern", "prefix_pattern", "own_place_pattern", "no_prefix_suffix", "unit_suffix",
        "shared_suffix_head", "shared_suffix", "government_suffix",
    )(_check_regex)


class Period(_Model):
    pattern: str
    end_year: Year
    examples: list[str] = Field(default_factory=list)
    _v = field_validator("pattern")(_check_regex)


class Festival(_Model):
    fixed: str | None = None  # MM-DD
    dates: dict[Year, str] = Field(default_factory=dict)  # year -> MM-DD

    _v = field_validator("fixed")(_check_month_day)

    @field_validator("dates")
    @classmethod
    def _dates(cls, v: dict[int, str]) -> dict[int, str]:
        for day in v.values():
            _check_month_day(day)
        return v


class DeadlinesPack(_Model):
    field_labels: PatternWithExamples
    ongoing: PatternWithExamples
    non_date: PatternWithExamples
    periods: list[Period]
    ongoing_last_clause: str = "(?!x)x"
    ongoing_last_clause_examples: list[str] = Field(default_factory=list)
    completion_verbs: str = "(?!x)x"
    completion_verbs_examples: list[str] = Field(default_factory=list)
    vague_seasons: str = "(?!x)x"
    vague_seasons_examples: list[str] = Field(default_factory=list)
    festivals: dict[str, Festival] = Field(default_factory=dict)
    lead_in: str
    lead_in_examples: list[str] = Field(default_factory=list)
    # how long a policy applies (实施期限至…, 有效期至…), not when a task is due
    policy_period: str = "(?!x)x"
    policy_period_examples: list[str] = Field(default_factory=list)
    policy_range_then: str = "(?!x)x"
    policy_range_then_examples: list[str] = Field(default_factory=list)
    _v = field_validator("lead_in", "completion_verbs", "ongoing_last_clause", "vague_seasons", "policy_period",
                         "policy_range_then")(_check_regex)


class ComparatorWords(_Model):
    words: list[str]
    comparator: Comparator
    examples: list[str] = Field(default_factory=list)


class TargetsPack(_Model):
    before: list[ComparatorWords]
    after: list[ComparatorWords]
    counters: str
    counter_examples: list[str] = Field(default_factory=list)
    magnitudes: dict[str, Annotated[int, Field(ge=1, le=10**16)]]  # 万: 10000 … 亿: 10**8
    placeholder: str
    placeholder_examples: list[str] = Field(default_factory=list)
    baseline_words: list[str] = Field(default_factory=list)
    quantity_verbs: list[str] = Field(default_factory=list)
    quantity_verbs_examples: list[str] = Field(default_factory=list)
    # what after a number makes it a scope or a rate rather than a target (5岁以下儿童, 70%的补助)
    not_a_target_after: str = "(?!x)x"
    not_a_target_after_examples: list[str] = Field(default_factory=list)
    # a year that sets the horizon of the targets after it in its sentence (group ``y``)
    horizon: str = "(?!x)x"
    horizon_examples: list[str] = Field(default_factory=list)
    not_a_horizon_examples: list[str] = Field(default_factory=list)
    _v = field_validator("counters", "placeholder", "not_a_target_after", "horizon")(_check_regex)


class DocumentPack(_Model):
    title_keywords: str
    title_examples: list[str] = Field(default_factory=list)
    doc_number: str
    doc_number_examples: list[str] = Field(default_factory=list)
    issuer_notice: str
    issuer_notice_examples: list[str] = Field(default_factory=list)
    notice_title: str = "(?!x)x"
    notice_title_examples: list[str] = Field(default_factory=list)
    issuer_signature: str
    issuer_signature_examples: list[str] = Field(default_factory=list)
    issuer_field: str
    issuer_field_examples: list[str] = Field(default_factory=list)
    closing: str
    closing_examples: list[str] = Field(default_factory=list)
    toc_line: str
    toc_line_examples: list[str] = Field(default_factory=list)
    toc_heading: str
    web_junk: str = "(?!x)x"
    web_junk_examples: list[str] = Field(default_factory=list)
    page_number: str
    page_number_examples: list[str] = Field(default_factory=list)
    running_header: str = "(?!x)x"
    running_header_examples: list[str] = Field(default_factory=list)
    attachment: str
    attachment_examples: list[str] = Field(default_factory=list)
    framing_sections: str = "(?!x)x"
    framing_sections_examples: list[str] = Field(default_factory=list)
    # an item whose text is only a heading (no sentence in it) and which has no sub-items is no task
    heading_only: str = "(?!x)x"
    heading_only_examples: list[str] = Field(default_factory=list)
    heading_only_non_examples: list[str] = Field(default_factory=list)
    table_columns: dict[str, str]
    # short names of departments (民政, 住建): where a person's name runs into a unit's with no
    # separator (张菁民政局, in a Word table's text), the unit starts at one of these
    department_stems: list[str] = Field(default_factory=list)

    _v = field_validator(
        "title_keywords", "doc_number", "issuer_notice", "notice_title", "issuer_signature", "issuer_field",
        "closing", "toc_line", "toc_heading", "web_junk", "page_number", "attachment", "framing_sections",
        "running_header", "heading_only",
    )(_check_regex)

    @field_validator("table_columns")
    @classmethod
    def _columns(cls, v: dict[str, str]) -> dict[str, str]:
        known = {"seq", "category", "task", "subtask", "content", "deadline", "lead_units", "units", "cooperating",
                 "indicator", "measure", "target_value", "baseline", "oversight", "progress"}
        for key, pattern in v.items():
            if key not in known:
                raise ValueError(f"unknown column {key!r}; known: {', '.join(sorted(known))}")
            _check_regex(pattern)
        return v


class PlaceExample(_Model):
    text: str
    province: str | None = None
    city: str | None = None
    county: str | None = None


class AliasExample(_Model):
    name: str
    canonical: str


class Alias(_Model):
    canonical: str
    spellings: list[str]
    examples: list[AliasExample] = Field(default_factory=list)


class RegistryPack(_Model):
    """Where a plan stands (to qualify its units' names) and the spellings of one unit."""

    place: str = "(?!x)x"
    place_examples: list[PlaceExample] = Field(default_factory=list)
    doc_number_province: str = "(?!x)x"
    doc_number_province_examples: list[str] = Field(default_factory=list)
    province_abbreviations: dict[str, str] = Field(default_factory=dict)
    placed: str = "(?!x)x"
    placed_examples: list[str] = Field(default_factory=list)
    placed_non_examples: list[str] = Field(default_factory=list)
    not_a_prefix: str = "(?!x)x"
    not_a_prefix_examples: list[str] = Field(default_factory=list)
    aliases: list[Alias] = Field(default_factory=list)

    _v = field_validator("place", "doc_number_province", "placed", "not_a_prefix")(_check_regex)


class RuleSet(_Model):
    user_pack: str | None = None  # path of a user pack merged over the bundled ones
    numbering: NumberingPack
    units: UnitsPack
    deadlines: DeadlinesPack
    targets: TargetsPack
    document: DocumentPack
    registry: RegistryPack = Field(default_factory=RegistryPack)


def rules_dir() -> Path:
    """The bundled ``parsers/`` folder: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "parsers", here.parent / "parsers"):
        if (candidate / "numbering.yaml").is_file():
            return candidate
    raise RuleError(f"bundled rule packs not found next to {here}")  # pragma: no cover


def _read_yaml(path: Path) -> dict[str, Any]:
    from .errors import InputError
    from .read import read_file

    if path.is_dir():
        raise RuleError(f"{path}: is a directory; give a rule pack file (YAML)")
    try:
        text = read_file(path, RULES_MAX_BYTES).decode("utf-8")
    except InputError as exc:
        raise RuleError(f"cannot read rule pack: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: a rule pack must be UTF-8 text (byte {exc.start} is not)") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from exc
    except ValueError as exc:  # Python refuses integers of thousands of digits
        raise RuleError(f"{path}: a number in the rule pack is too long to read") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleError(f"{path}: a rule pack must be a mapping of keys, not {type(data).__name__}")
    return data


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return list(extra) + list(base)
    return extra


def _describe(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(top level)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{source}: invalid rule pack at key '{where}': {msg}"


def load_rules(extra: Path | None = None) -> RuleSet:
    """Load the bundled packs, with an optional user pack merged over them."""
    base = rules_dir()
    data: dict[str, Any] = {name: _read_yaml(base / f"{name}.yaml") for name in PACK_FILES}
    source = str(base)
    if extra is not None:
        user = _read_yaml(extra)
        unknown = sorted(str(k) for k in set(user) - set(PACK_FILES))
        if unknown:
            raise RuleError(
                f"{extra}: unknown top-level key '{unknown[0]}'; a rule pack has: {', '.join(PACK_FILES)}"
            )
        data = _merge(data, user)
        data["user_pack"] = str(extra)
        source = str(extra)
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleError(_describe(exc, source)) from exc


@functools.lru_cache(maxsize=8)
def bundled_rules() -> RuleSet:
    return load_rules()


def _timed_rule(pattern: str) -> TimedPattern:
    """Examples are checked with the time limit: a catastrophic pattern is reported, not run forever."""
    return compile_rule(pattern, True)


def check_examples(rules: RuleSet) -> list[str]:
    """Return a message for every example that its pattern does not match (empty when all pass)."""
    problems: list[str] = []

    def need(pattern: str, text: str, where: str, *, anchored: bool = False, expect: bool = True) -> None:
        rx = _timed_rule(pattern)
        try:
            found = (rx.match(text) if anchored else rx.search(text)) is not None
        except TimeoutError:
            problems.append(f"{where}: {pattern!r} ran longer than the time limit ({REGEX_TIMEOUT:g} s) on {text!r}")
            return
        if found != expect:
            problems.append(f"{where}: {pattern!r} {'does not match' if expect else 'matches'} {text!r}")

    for s in rules.numbering.schemes:
        for ex in s.examples:
            need(s.pattern, ex, f"numbering.{s.name}", anchored=True)
            need(rules.numbering.label_start, ex, f"numbering.label_start ({s.name})", anchored=True)
        for ex in s.non_examples:
            rx = _timed_rule(s.pattern)
            stop = _timed_rule(rules.numbering.not_followed_by)
            try:
                m = rx.match(ex)
                bad = m is not None and not stop.match(ex, m.end()) and not (
                    s.not_followed_by and _timed_rule(s.not_followed_by).match(ex, m.end())
                ) and not (s.doubtful_if and _timed_rule(s.doubtful_if).match(ex, m.end()))
            except TimeoutError:
                problems.append(f"numbering.{s.name}: a pattern ran longer than the time limit on {ex!r}")
                continue
            if bad:
                problems.append(f"numbering.{s.name}: {s.pattern!r} accepts non-example {ex!r}")
    u = rules.units
    for f in u.field_labels:
        for ex in f.examples:
            need(f.label, ex, "units.field_labels")
    for c in u.role_cues:
        for ex in c.examples:
            need(c.cue, ex, "units.role_cues")
    for p in u.first_is_lead:
        for ex in p.examples:
            need(p.pattern, ex, "units.first_is_lead")
    for key in ("etc", "prefix", "own_place", "no_prefix_suffix", "unit_suffix", "shared_suffix_head",
                "shared_suffix", "government_suffix"):
        pattern = getattr(u, f"{key}_pattern" if key in ("etc", "prefix", "own_place") else key)
        for ex in getattr(u, f"{key}_examples"):
            need(pattern, ex, f"units.{key}")
    for ex in u.prefix_non_examples:
        need(u.prefix_pattern, ex, "units.prefix", expect=False)
    d = rules.deadlines
    for name in ("field_labels", "ongoing", "non_date"):
        block = getattr(d, name)
        for ex in block.examples:
            need(block.pattern, ex, f"deadlines.{name}")
    for per in d.periods:
        for ex in per.examples:
            need(per.pattern, ex, "deadlines.periods")
    for ex in d.ongoing_last_clause_examples:
        need(d.ongoing_last_clause, ex, "deadlines.ongoing_last_clause")
    for ex in d.completion_verbs_examples:
        need(d.completion_verbs, ex, "deadlines.completion_verbs")
    for ex in d.vague_seasons_examples:
        need(d.vague_seasons, ex, "deadlines.vague_seasons")
    for ex in d.policy_period_examples:
        need(d.policy_period, ex, "deadlines.policy_period")
    for ex in d.policy_range_then_examples:
        need(d.policy_range_then, ex, "deadlines.policy_range_then")
    t = rules.targets
    for group in t.before:
        for ex in group.examples:
            if not any(w in ex for w in group.words):
                problems.append(f"targets.before: none of {group.words} in example {ex!r}")
    for ex in t.counter_examples:
        need(f"^(?:{t.counters})$", ex, "targets.counters")
    for ex in t.placeholder_examples:
        need(t.placeholder, ex, "targets.placeholder")
    for ex in t.not_a_target_after_examples:
        need(t.not_a_target_after, ex, "targets.not_a_target_after")
    for ex in t.horizon_examples:
        need(t.horizon, ex, "targets.horizon")
    for ex in t.not_a_horizon_examples:
        need(t.horizon, ex, "targets.horizon", expect=False)
    for ex in t.quantity_verbs_examples:
        if not any(w in ex for w in t.quantity_verbs):
            problems.append(f"targets.quantity_verbs: none of the verbs in example {ex!r}")
    doc = rules.document
    for key in ("title", "doc_number", "issuer_notice", "notice_title", "issuer_signature", "issuer_field",
                "closing", "toc_line", "web_junk", "page_number", "attachment", "framing_sections", "running_header",
                "heading_only"):
        pattern = getattr(doc, "title_keywords" if key == "title" else key)
        for ex in getattr(doc, f"{key}_examples"):
            need(pattern, ex, f"document.{key}")
    for ex in doc.heading_only_non_examples:
        need(doc.heading_only, ex, "document.heading_only", expect=False)
    problems += _check_registry(rules.registry)
    return problems


def _check_registry(reg: RegistryPack) -> list[str]:
    from .registry import fold, place_of

    problems: list[str] = []
    for pe in reg.place_examples:
        got = place_of(reg, pe.text)
        if (got.province, got.city, got.county) != (pe.province, pe.city, pe.county):
            problems.append(f"registry.place: {pe.text!r} gives {got}; the example says province "
                            f"{pe.province!r}, city {pe.city!r}, county {pe.county!r}")
    for ex in reg.doc_number_province_examples:
        m = _compile(reg.doc_number_province).search(ex)
        if m is None or m.group("abbr") not in reg.province_abbreviations:
            problems.append(f"registry.doc_number_province: no known province in {ex!r}")
    for ex in reg.placed_examples:
        if _compile(reg.placed).search(ex) is None:
            problems.append(f"registry.placed: {reg.placed!r} does not match {ex!r}")
    for ex in reg.placed_non_examples:
        if _compile(reg.placed).search(ex) is not None:
            problems.append(f"registry.placed: {reg.placed!r} matches non-example {ex!r}")
    for ex in reg.not_a_prefix_examples:
        if _compile(reg.not_a_prefix).search(ex) is None:
            problems.append(f"registry.not_a_prefix: {reg.not_a_prefix!r} does not match {ex!r}")
    for alias in reg.aliases:
        for ae in alias.examples:
            got_name = fold(reg, ae.name)
            if got_name != ae.canonical:
                problems.append(f"registry.aliases: {ae.name!r} folds to {got_name!r}, not {ae.canonical!r}")
    return problems
