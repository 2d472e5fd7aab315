"""Fuzz the pipeline for a bounded time with mutated copies of the bundled samples and real texts.

    python benchmarks/fuzz.py                      # 60 seconds
    python benchmarks/fuzz.py --seconds 600 --seed 7

Each input is a window of lines from ``samples/`` or ``benchmarks/real/docs/``, mutated: lines
inserted, deleted, duplicated, swapped, wrapped or joined; markup injected (tags, entities,
escapes, an SQL row around it); GBK bytes read one byte out of step or with the wrong codec; tabs,
pipes, lone page numbers, CRs, zero-width characters, pinyin glosses, full-width forms. Checked:
``govplan.parse_text`` does not raise (nor take longer than ``--limit`` seconds), every span lies
inside the source, and normalising the clean or match text again changes nothing.

A failing input is shrunk (whole lines, then characters, while it fails the same way) and saved
under ``tests/fuzz_cases/``; ``tests/test_fuzz_cases.py`` replays every file there. Exit status 1
when a new failure was found. The span walk and the GBK damage are the tests' own (tests.test_properties,
tests.test_markup), so the test extras must be installed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fuzz_cases"
SOURCES = sorted((ROOT / "samples").glob("*.txt")) + sorted((ROOT / "benchmarks" / "real" / "docs").glob("*.txt"))

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import govplan  # noqa: E402
from govplan.normalise import normalise  # noqa: E402
from tests.test_markup import misalign  # noqa: E402
from tests.test_properties import all_spans  # noqa: E402


class Slow(Exception):
    """Raised by the alarm when one input takes longer than the limit."""


# --- the properties -------------------------------------------------------------------------------


def _where(exc: BaseException) -> str:
    """The exception and the innermost govplan frame it came from: the same bug, the same string."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/govplan/" in f.filename]
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    if not frames:
        return last
    f = frames[-1]
    return f"{last} [{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.name}]"


def failure(text: str) -> tuple[str, str] | None:
    """The first property ``text`` breaks, as (kind, detail), or None. Kinds: crash, span,
    normalise."""
    try:
        doc = govplan.parse_text(text)
    except Slow:
        raise
    except Exception as exc:
        return "crash", _where(exc)
    source = text[1:] if text.startswith("\ufeff") else text
    n = len(source)
    lines = source.count("\n") + 1 + source.count("\r") - source.count("\r\n")
    for span in all_spans(doc):
        if not (0 <= span.start <= span.end <= n and 1 <= span.start_line <= span.end_line <= lines):
            return "span", f"{span!r} outside a source of {n} characters and {lines} lines"
    once = normalise(source)
    if normalise(once.clean).clean != once.clean:
        return "normalise", "normalising the clean text again changes it"
    if normalise(once.match).match != once.match:
        return "normalise", "normalising the match text again changes it"
    if any(not 0 <= once.offsets.to_source(p) <= n for p in range(0, len(once.clean) + 1, 97)):
        return "normalise", "an offset maps outside the source"
    return None


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Slow


def check(text: str, limit: float) -> tuple[str, str] | None:
    """``failure`` with a time limit: an input that takes longer is a failure of kind slow."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return failure(text)
    except Slow:
        return "slow", f"longer than {limit:g} s"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# --- mutations ------------------------------------------------------------------------------------

TAGS = ["<p>", "</p>", "<br>", "<br/>", "<div class=\"c\">", "</div>", "<td>", "</td>", "<tr>", "</tr>",
        "<span style=\"font-size:16px\">", "</span>", "<o:p></o:p>", "<!-- x -->", "<strong>", "</strong>",
        "<table>", "</table>", "<script>var a=1;</script>", "<style>p{}</style>", "<!DOCTYPE html>"]
ENTITIES = ["&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;", "&ldquo;", "&rdquo;", "&#8220;", "&#x2014;", "&amp;lt;",
            "&#12288;", "&emsp;", "&bogus;", "&#0;", "&#x110000;"]
NOISE = ["\u200b", "\ufeff", "\u00ad", "\x00", "\r", "\t", "\u3000", "?", "\ufffd", "(guān)", "(jìn)", "xx", "X",
         "⼀", "⺠", "＜", "＞", "（", "）", "％", "|", "#", "*", "——", "…", "\\n", "\\\"", "'", "\""]
LONE = ["1", "12", " 3 ", "— 4 —", "- 5 -", "—6—", "7/20", "第8页", "· 9 ·", "10", "共3页", "2025"]
CELLS = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "责任单位", "市财政局", "县发展改革局",
         "2025年6月底前", "长期坚持", "100%", "≥95%", "1", "2", "", "各县（市、区）人民政府"]


def _misdecode(line: str, rng: random.Random) -> str:
    how = rng.randrange(5)
    if how == 0:
        return misalign(line)
    if how == 1:  # UTF-8 read as GBK
        return line.encode("utf-8").decode("gbk", "replace")
    if how == 2:  # GBK read as UTF-8
        return line.encode("gb18030", "replace").decode("utf-8", "replace")
    if how == 3:  # GBK read as Big5
        return line.encode("gb18030", "replace").decode("big5", "replace")
    data = bytearray(line.encode("gb18030", "replace"))  # one byte lost inside the line
    if data:
        del data[rng.randrange(len(data))]
    return data.decode("gb18030", "replace")


def _inside(line: str, piece: str, rng: random.Random) -> str:
    k = rng.randint(0, len(line.rstrip("\n")))
    return line[:k] + piece + line[k:]


def _sql(text: str, rng: random.Random) -> str:
    q = rng.choice("'\"")
    body = text.replace("\\", "\\\\").replace(q, "\\" + q).replace("\n", rng.choice(["\\n", "\\r\\n", "\n"]))
    title = "某某市工作要点"
    return f"INSERT INTO `cms` (`id`,`title`,`body`) VALUES (7,{q}{title}{q},{q}{body}{q});\n"


def _html(lines: list[str], rng: random.Random) -> list[str]:
    return [f"<p>{ln.rstrip(chr(10))}</p>" + rng.choice(["\n", "", "\r\n"]) for ln in lines]


def _table_row(rng: random.Random) -> str:
    sep = rng.choice(["\t", " | ", "|", "    "])
    row = sep.join(rng.choice(CELLS) for _ in range(rng.randint(1, 6)))
    return ("| " + row + " |" if sep.strip() == "|" and rng.random() < 0.5 else row) + "\n"


Mutation = Callable[[list[str], random.Random, list[str]], list[str]]


def _pick(lines: list[str], rng: random.Random) -> int:
    return rng.randrange(len(lines)) if lines else 0


def _m_delete(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    return lines[:k] + lines[k + rng.randint(1, 3):]


def _m_duplicate(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    return lines[:k] + lines[k:k + rng.randint(1, 4)] + lines[k:]


def _m_insert(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    return [*lines[:k], rng.choice(other), *lines[k:]] if other else lines


def _m_swap(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    if len(lines) > 1:
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
    return lines


def _m_wrap(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    if lines and len(lines[k]) > 2:
        cut = rng.randint(1, len(lines[k]) - 1)
        lines[k:k + 1] = [lines[k][:cut] + "\n", lines[k][cut:]]
    return lines


def _m_join(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    if k + 1 < len(lines):
        lines[k:k + 2] = [lines[k].rstrip("\n") + rng.choice(["", " ", "\t"]) + lines[k + 1]]
    return lines


def _m_markup(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    if not lines:
        return lines
    k = _pick(lines, rng)
    how = rng.randrange(4)
    if how == 0:
        lines[k] = _inside(lines[k], rng.choice(TAGS + ENTITIES), rng)
    elif how == 1:
        a = _pick(lines, rng)
        lines[a:a + 8] = _html(lines[a:a + 8], rng)
    elif how == 2:
        lines = [_sql("".join(lines), rng)]
    else:
        lines[k] = lines[k].replace("。", rng.choice(["&#12290;", "。<br>", "\\n"]))
    return lines


def _m_misdecode(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    for j in range(k, min(k + rng.randint(1, 3), len(lines))):
        end = "\n" if lines[j].endswith("\n") else ""
        lines[j] = _misdecode(lines[j].rstrip("\n"), rng) + end
    return lines


def _m_tabs(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    if lines:
        lines[k] = lines[k].replace("，", "\t", rng.randint(1, 3)).replace("  ", "\t")
    return lines[:k] + [_table_row(rng) for _ in range(rng.randint(0, 3))] + lines[k:]


def _m_lone(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    return [*lines[:k], rng.choice(LONE) + "\n", *lines[k:]]


def _m_noise(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    if lines:
        lines[k] = _inside(lines[k], rng.choice(NOISE), rng)
    return lines


def _m_endings(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    end = rng.choice(["\r\n", "\r", "\n\n", "\u2028"])
    return [ln[:-1] + end if ln.endswith("\n") and rng.random() < 0.7 else ln for ln in lines]


def _m_width(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    k = _pick(lines, rng)
    if lines:
        table = str.maketrans("（）：；，.、%", "():;,．,％") if rng.random() < 0.5 else \
            str.maketrans("():;,.%", "（）：；，．％")
        lines[k] = lines[k].translate(table)
    return lines


def _m_cut(lines: list[str], rng: random.Random, other: list[str]) -> list[str]:
    if lines:
        k = len(lines) - 1
        lines[k] = lines[k][:rng.randint(0, len(lines[k]))]
    return lines


MUTATIONS: list[Mutation] = [
    _m_delete, _m_duplicate, _m_insert, _m_swap, _m_wrap, _m_join, _m_markup, _m_misdecode, _m_misdecode,
    _m_tabs, _m_lone, _m_noise, _m_noise, _m_endings, _m_width, _m_cut,
]


def mutate(docs: list[list[str]], rng: random.Random) -> str:
    """A window of one text's lines with a few mutations applied."""
    lines = docs[rng.randrange(len(docs))]
    size = rng.choice([5, 20, 60, 150, len(lines)])
    start = rng.randint(0, max(0, len(lines) - size))
    window = list(lines[start:start + size])
    other = docs[rng.randrange(len(docs))]
    for _ in range(rng.randint(1, 8)):
        window = rng.choice(MUTATIONS)(window, rng, other)
    text = "".join(window)
    return ("\ufeff" + text) if rng.random() < 0.02 else text


# --- shrinking and saving -------------------------------------------------------------------------


def shrink(text: str, found: tuple[str, str], limit: float, budget: float) -> str:
    """A shorter input failing the same way: chunks of lines, then of characters, removed while
    the failure stays (within ``budget`` seconds)."""
    stop = time.monotonic() + budget

    def same(candidate: str) -> bool:
        return time.monotonic() < stop and check(candidate, limit) == found

    for by_line in (True, False):
        parts = text.splitlines(keepends=True) if by_line else list(text)
        chunk = max(1, len(parts) // 2)
        while chunk >= 1 and time.monotonic() < stop:
            k = 0
            while k < len(parts):
                candidate = parts[:k] + parts[k + chunk:]
                if candidate and same("".join(candidate)):
                    parts = candidate
                else:
                    k += chunk
            chunk //= 2
        text = "".join(parts)
    return text


def save(text: str, found: tuple[str, str]) -> Path:
    CASES.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    path = CASES / f"{found[0]}-{digest}.txt"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def load(path: Path) -> str:
    """A saved case exactly as it was found (CRs, BOM and all)."""
    return path.read_bytes().decode("utf-8", "surrogatepass")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (default 60)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock)")
    ap.add_argument("--limit", type=float, default=20.0, help="seconds one input may take (default 20)")
    ap.add_argument("--no-save", action="store_true", help="report failures without saving them")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    docs = [p.read_text(encoding="utf-8").splitlines(keepends=True) for p in SOURCES]
    known = {check(load(p), args.limit) for p in sorted(CASES.glob("*.txt"))} if CASES.exists() else set()
    known.discard(None)
    seen: set[tuple[str, str]] = set()
    counts: Counter[str] = Counter()
    stop = time.monotonic() + args.seconds
    print(f"fuzzing for {args.seconds:g} s, seed {seed}, {len(SOURCES)} texts")
    while time.monotonic() < stop:
        text = mutate(docs, rng)
        counts["inputs"] += 1
        counts["characters"] += len(text)
        found = check(text, args.limit)
        if found is None:
            continue
        counts[found[0]] += 1
        if found in seen or found in known:
            continue
        seen.add(found)
        small = shrink(text, found, args.limit, budget=20.0)
        where = "not saved" if args.no_save else str(save(small, found).relative_to(ROOT))
        print(f"{found[0]}: {found[1]}\n  {len(small)} characters, {where}: {small[:120]!r}")
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"{len(seen)} new failure(s)" if seen else "no new failures")
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
