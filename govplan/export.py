"""Stage 7, export: records to JSON, YAML, JSON Lines or CSV, written without destroying anything.

JSON and YAML carry the whole document. JSON Lines and CSV carry one flat row per item (see
``ROW_COLUMNS``), the shape spreadsheets and databases want; CSV is UTF-8 with a BOM so Excel
opens it correctly.

Outputs (``write_output``): ``-`` is standard output; a character device or FIFO is written
straight through; a regular file is replaced atomically (temporary file and rename), through a
symlink onto its target so the link stays.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import OutputError
from .records import Document, Item

FORMATS = ("json", "yaml", "jsonl", "csv")

ROW_COLUMNS: list[tuple[str, str]] = [
    ("source", "Input path (or '-' for standard input)."),
    ("sha256", "SHA-256 of the input bytes."),
    ("govplan_version", "Version of govplan that wrote the row (a batch re-run redoes rows of other versions)."),
    ("plan_index", "0-based index of the plan within the input."),
    ("plan_title", "Title of the plan."),
    ("plan_issuer", "发文机关 of the plan."),
    ("plan_doc_number", "发文字号 of the plan."),
    ("plan_year", "The year relative deadlines (年底前) resolve against."),
    ("item_id", "Stable id of the item: the first 16 hex digits of the source's SHA-256, the plan index and the "
                "path ('3f2a…:0:一、/（三）/2.'); a path that repeats in a plan gets '#2', '#3' …"),
    ("parent_id", "item_id of the enclosing item; empty for a top-level item."),
    ("path", "Labels from the plan root to the item, joined with ' > '."),
    ("number", "The item's own label as written."),
    ("level", "Depth (1 = top level)."),
    ("kind", "item, row (task-table row) or attachment."),
    ("task", "true for work someone must do; false for framing sections, headings and attachments."),
    ("same_as", "For a 附件 row that restates a body item: that item's path joined with ' > '; count the task once."),
    ("title", "Heading or first sentence."),
    ("text", "The item's own text."),
    ("owners", "Who owns the item: lead units, or responsible units where no lead is marked; joined with '；'."),
    ("owners_qualified", "The owners' qualified names (梅州市政务服务数据管理局), each as written where its place is "
                         "unknown; joined with '；'."),
    ("lead_units", "Lead units (牵头), joined with '；'."),
    ("responsible_units", "Responsible units (负责, 责任单位), joined with '；'."),
    ("cooperating_units", "Cooperating units (配合/协助/参与), joined with '；'."),
    ("units_qualified", "Every unit's qualified name in the order of 'units' (as written where its place is "
                        "unknown), joined with '；'."),
    ("deadline_raw", "Deadline as written."),
    ("deadline_due", "Deadline as an ISO date (last day of the period)."),
    ("deadline_precision", "day, month, quarter or year."),
    ("deadline_ongoing", "true for 长期/持续/不断 …; empty when there is no deadline."),
    ("milestones", "Every dated stage's due date (ISO), in the order written, joined with '；'."),
    ("targets", "Targets as 'comparator value unit' joined with '；' (e.g. '>= 80 %')."),
    ("target_years", "The years the targets are set for (到2025年 → 2025), in order, each once, joined with '；'."),
    ("start", "Offset of the item's first character in the decoded source (code points)."),
    ("end", "Offset just past the item's last character."),
    ("start_line", "First source line of the item."),
    ("end_line", "Last source line of the item."),
]
PATH_SEPARATOR = " > "
LIST_SEPARATOR = "；"


def walk_items(items: Iterable[Item]) -> Iterator[Item]:
    """Every item, depth first, in document order."""
    for it in items:
        yield it
        yield from walk_items(it.children)


def _fmt_number(v: float) -> str:
    return str(int(v)) if v == int(v) else repr(v)


def _joined(values: Iterable[str]) -> str | None:
    text = LIST_SEPARATOR.join(values)
    return text or None


def item_ids(doc: Document) -> dict[int, str]:
    """Stable ids by ``id(item)``: source hash, plan index and path; repeated paths numbered."""
    ids: dict[int, str] = {}
    head = doc.source.sha256[:16]
    for k, plan in enumerate(doc.plans):
        seen: dict[str, int] = {}
        for it in walk_items(plan.items):
            key = f"{head}:{k}:{'/'.join(it.path)}"
            n = seen[key] = seen.get(key, 0) + 1
            ids[id(it)] = key if n == 1 else f"{key}#{n}"
    return ids


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    """One flat row per item, in document order; a missing value is None."""
    src = doc.source.path or "-"
    ids = item_ids(doc)
    for k, plan in enumerate(doc.plans):
        parents: dict[int, str | None] = {id(it): None for it in plan.items}
        for it in walk_items(plan.items):
            for child in it.children:
                parents[id(child)] = ids[id(it)]
            by_role = {r: _joined(u.name for u in it.units if u.role == r)
                       for r in ("lead", "responsible", "cooperating")}
            qualified = {u.name: u.qualified or u.name for u in it.units}
            d = it.deadline
            years = list(dict.fromkeys(str(t.by) for t in it.targets if t.by is not None))
            yield {
                "source": src,
                "sha256": doc.source.sha256,
                "govplan_version": doc.govplan_version,
                "plan_index": k,
                "plan_title": plan.title,
                "plan_issuer": plan.issuer,
                "plan_doc_number": plan.doc_number,
                "plan_year": plan.year,
                "item_id": ids[id(it)],
                "parent_id": parents[id(it)],
                "path": PATH_SEPARATOR.join(it.path),
                "number": it.number,
                "level": it.level,
                "kind": it.kind,
                "task": it.task,
                "same_as": PATH_SEPARATOR.join(it.same_as) if it.same_as is not None else None,
                "title": it.title,
                "text": it.text,
                "owners": _joined(it.owners),
                "owners_qualified": _joined(qualified[n] for n in it.owners),
                "lead_units": by_role["lead"],
                "responsible_units": by_role["responsible"],
                "cooperating_units": by_role["cooperating"],
                "units_qualified": _joined(qualified[u.name] for u in it.units),
                "deadline_raw": d.raw if d else None,
                "deadline_due": d.due.isoformat() if d and d.due else None,
                "deadline_precision": d.precision if d else None,
                "deadline_ongoing": d.ongoing if d else None,
                "milestones": _joined(m.due.isoformat() for m in it.milestones),
                "targets": _joined(
                    f"{t.comparator} {_fmt_number(t.value)}{(' ' + t.unit) if t.unit else ''}" for t in it.targets),
                "target_years": _joined(years),
                "start": it.span.start,
                "end": it.span.end,
                "start_line": it.span.start_line,
                "end_line": it.span.end_line,
            }


def to_json(doc: Document) -> str:
    """The document as indented JSON: orjson over the data it was validated from (2.6x faster than
    pydantic's own serializer, byte for byte the same; tests/test_outputs_json.py), else pydantic."""
    data = doc.built_data()
    if data is None:
        return doc.model_dump_json(indent=2) + "\n"
    import orjson

    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")


def to_yaml(doc: Document) -> str:
    import yaml

    return yaml.safe_dump(doc.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=120)


def jsonl_line(row: dict[str, Any]) -> str:
    """One row as a JSON Lines line: missing values are null (so DuckDB reads deadline_due as a DATE)."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def csv_value(v: Any) -> Any:
    """A row value as a CSV cell: true/false for booleans, empty for a missing value."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    return "" if v is None else v


def to_jsonl(docs: Iterable[Document]) -> Iterator[str]:
    for doc in docs:
        for row in rows(doc):
            yield jsonl_line(row)


def csv_header() -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([c for c, _ in ROW_COLUMNS])
    return buf.getvalue()


def to_csv_rows(docs: Iterable[Document]) -> Iterator[str]:
    for doc in docs:
        for row in rows(doc):
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerow([csv_value(v) for v in row.values()])
            yield buf.getvalue()


def render(doc: Document, fmt: str) -> str:
    """The whole output for one document in ``fmt``."""
    if fmt == "json":
        return to_json(doc)
    if fmt == "yaml":
        return to_yaml(doc)
    if fmt == "jsonl":
        return "".join(to_jsonl([doc]))
    if fmt == "csv":  # write_output(..., bom=True) adds the BOM Excel needs
        return csv_header() + "".join(to_csv_rows([doc]))
    raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


STDOUT = "-"


def output_kind(st: os.stat_result | None) -> str:
    """How an output path is written, from ``os.stat`` of its (symlink-resolved) target.

    ``file`` (absent or regular: temporary file and rename), ``stream`` (character device or FIFO:
    written straight through, never replaced) or ``refuse`` (a folder, block device or socket).
    """
    if st is None or stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return "stream"
    return "refuse"


def resolve_output(path: Path | str) -> tuple[Path, str]:
    """The path an output really goes to (symlinks followed, so a link is kept) and its kind."""
    real = Path(os.path.realpath(path))
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    kind = output_kind(st)
    if kind == "refuse":
        raise OutputError(f"{path}: not a regular file, character device or FIFO; choose another output")
    return real, kind


def open_stream(path: Path | str) -> TextIO:
    """A device or FIFO opened for writing as it is: no temporary file, no truncation, no rename."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def write_output(path: Path | str, text: str, *, bom: bool = False) -> None:
    """Write ``text`` to an output path: ``-`` is standard output, a device or FIFO is written
    straight through, a regular file (or a symlink's regular target) is replaced atomically."""
    if str(path) == STDOUT:
        # the BOM goes to standard output too: `govplan extract --format csv plan.txt > items.csv` opens in Excel
        sys.stdout.write(("\ufeff" if bom else "") + text)
        sys.stdout.flush()
        return
    real, kind = resolve_output(path)
    if kind == "stream":
        try:
            with open_stream(real) as fh:
                fh.write(("\ufeff" if bom else "") + text)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        return
    write_atomic(real, text, bom=bom)


def write_atomic(path: Path, text: str, *, bom: bool = False) -> None:
    """Write ``text`` to the regular file ``path`` via a temporary file and a rename: never a
    half-written file. Callers with a path that may be a link, device or FIFO use ``write_output``."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{path}: the folder {directory} does not exist")
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)  # a replaced file keeps its permissions
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    try:
        os.chmod(tmp, mode)  # mkstemp makes it private
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
