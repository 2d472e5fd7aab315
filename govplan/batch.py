"""Batch conversion: many plans, several workers, one table — resumable and deterministic.

Inputs are files or folders (searched recursively with a glob). Each file is parsed in a worker
process; results come back in input order whatever the number of workers, and are streamed to the
outputs as they arrive, so memory stays flat however many files there are:

* ``--out-dir DIR``: one JSON (or YAML) file per input, mirroring the input folders, each written
  atomically;
* ``--jsonl`` / ``--csv``: one flat row per item of every plan (see ``export.ROW_COLUMNS``),
  written to ``FILE.partial`` as files complete and renamed at the end;
* ``--sqlite``: tables sources, plans, items, units, unit_registry, deadlines, milestones, targets,
  warnings (``database.py``);
* ``--units``: the unit registry of the batch's inputs as CSV (``registry.REGISTRY_COLUMNS``), built
  in a temporary database; it needs every input parsed, so nothing is skipped when it is asked for.
* ``--xlsx``: the 任务分工表 of every plan as an Excel workbook (``workbook.py``: a tasks sheet and a
  units sheet), streamed; like ``--units`` it needs every input parsed.

A file that fails is reported (and listed in ``errors.jsonl`` next to the outputs) and the rest go
on. Re-running skips inputs whose content hash and govplan version match what the outputs already
hold, so an interrupted batch resumes where it stopped; ``force`` redoes everything.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from . import __version__
from .errors import GovplanError, InputError, OutputError
from .export import ROW_COLUMNS, STDOUT, csv_header, csv_value, jsonl_line, open_stream, resolve_output, write_output

_VERSION_RX = re.compile(r'"?govplan_version"?\s*:\s*"?([^",\s]+)')
_SHA_RX = re.compile(r'"?sha256"?\s*:\s*"?([0-9a-f]{64})')


@dataclass(frozen=True)
class Job:
    index: int
    path: str  # as found: the `source` of its rows and its key in the outputs
    rel: str  # where its per-file output goes under --out-dir
    size: int
    known_sha: str | None = None  # every output already holds this version of the file


@dataclass
class FileResult:
    index: int
    path: str
    ok: bool
    skipped: bool = False
    error: str | None = None
    exit_code: int = 0
    sha256: str | None = None
    size: int = 0
    rendered: str | None = None
    row_text: dict[str, str] = field(default_factory=dict)  # serialized rows by kind (jsonl, csv)
    data_json: str | None = None
    workbook: Any = None  # workbook.Part: the file's task rows and units, for --xlsx
    plans: int = 0
    items: int = 0
    units: int = 0
    deadlines: int = 0
    targets: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class BatchOptions:
    script: str = "simplified"
    rules: str | None = None
    encoding: str | None = None
    fmt: str = "json"
    want_rendered: bool = False
    row_kinds: tuple[str, ...] = ()
    want_data: bool = False
    want_workbook: bool = False


@dataclass
class Summary:
    files: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    with_warnings: int = 0
    items: int = 0
    units: int = 0
    deadlines: int = 0
    targets: int = 0
    bytes: int = 0
    seconds: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)
    not_read: list[dict[str, str]] = field(default_factory=list)  # files in the folders not taken, and why


# --- the work of one file (runs in a worker process) ------------------------------------------

_RULES_CACHE: dict[str | None, Any] = {}


def _rules(path: str | None) -> Any:
    if path not in _RULES_CACHE:
        from .rules import load_rules

        _RULES_CACHE[path] = load_rules(Path(path)) if path else None
    return _RULES_CACHE[path]


def process(job: Job, opts: BatchOptions) -> FileResult:
    """Parse one file; never raises for a bad input (the result carries the error)."""
    from .export import render, rows
    from .pipeline import Options, run
    from .read import read_bytes, read_file

    result = FileResult(index=job.index, path=job.path, ok=False, size=job.size)
    try:
        if printable(job.path) != job.path:
            # its rows, records and database entries could not be written as UTF-8
            raise InputError(f"{printable(job.path)}: the file name is not valid UTF-8 (shown with U+FFFD); "
                             "rename the file")
        data = read_file(Path(job.path))
        result.sha256 = hashlib.sha256(data).hexdigest()
        result.size = len(data)
        if job.known_sha is not None and job.known_sha == result.sha256:
            result.ok = result.skipped = True
            return result
        raw = read_bytes(data, path=job.path, encoding=opts.encoding)
        del data
        doc = run(raw, Options(script=opts.script, rules=_rules(opts.rules))).document
        del raw  # the text is in no output: only the document is kept while it is serialized
        assert doc is not None
        # Everything is serialized here, in the worker: the parent only writes text, so it does
        # not become the bottleneck when workers are added.
        if opts.want_rendered:
            result.rendered = render(doc, opts.fmt)
        if opts.row_kinds:
            doc_rows = list(rows(doc))
            for kind in opts.row_kinds:
                result.row_text[kind] = serialize_rows(doc_rows, kind)
        if opts.want_data:
            result.data_json = doc.model_dump_json()
        if opts.want_workbook:
            from .workbook import part_of

            result.workbook = part_of(doc, _registry_pack(opts.rules))
        _count(result, doc)
        result.ok = True
    except GovplanError as exc:
        result.error, result.exit_code = str(exc), exc.exit_code
    except TimeoutError:
        from .cli import TIMEOUT_MESSAGE

        result.error, result.exit_code = f"{job.path}: {TIMEOUT_MESSAGE}", 6
    except Exception as exc:  # a bug must not stop the batch
        result.error, result.exit_code = f"internal error: {type(exc).__name__}: {exc}", 1
    return result


def _count(result: FileResult, doc: Any) -> None:
    def walk(items: list[Any]) -> Iterator[Any]:
        for it in items:
            yield it
            yield from walk(it.children)

    result.plans = len(doc.plans)
    result.warnings = len(doc.warnings) + sum(len(p.warnings) for p in doc.plans)
    for plan in doc.plans:
        for it in walk(plan.items):
            result.items += 1
            result.units += len(it.units)
            result.deadlines += it.deadline is not None
            result.targets += len(it.targets)


# --- inputs -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    path: str
    stem: str  # its per-file output under --out-dir, less the format's extension
    natural: str  # the stem it would have if no other input claimed it


def check_glob(glob: str) -> None:
    """A ``--glob`` names files inside each input folder, never outside it."""
    if os.path.isabs(glob) or glob.startswith(("/", "\\")):
        raise ValueError(f"--glob {glob!r} is absolute; give a pattern relative to the input folders, e.g. '*.txt'")
    if ".." in re.split(r"[/\\]", glob):
        raise ValueError(f"--glob {glob!r} leaves the input folders; '..' is not allowed in it")


def _stem(rel: str) -> str:
    p = PurePosixPath(rel)
    return p.with_suffix("").as_posix() if p.suffix else rel


def _unique(names: list[str]) -> list[str]:
    """Later duplicates (compared case-folded, for case-insensitive file systems) get -2, -3, …"""
    taken: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{name}-{n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def _not_taken(f: Path) -> str | None:
    """Why a file found in a folder is not read when no ``--glob`` is given; None to read it."""
    from .readers import EXTENSIONS

    if f.name.startswith(("~$", "._", ".~lock.")):
        return "an editor's lock or metadata file"
    if f.suffix.lower() not in EXTENSIONS:
        return f"not a supported format ({f.suffix.lower() or 'no extension'})"
    return None


def collect(inputs: list[str], glob: str | None) -> tuple[list[Found], list[tuple[str, str]]]:
    """Every input file with a per-file output name, in a stable order; names are unique; and the
    files in the folders that are not read, each with why.

    From folders, ``glob`` takes the files it matches; without one, every file of a supported
    format (``readers.EXTENSIONS``, any case) is taken and the rest are listed as not read.
    Files given by name are always read. Names mirror the input folders.

    Where two inputs would share an output (plan.txt and plan.docx; two input folders of the same
    name; files given by absolute or ``../`` paths) the colliding ones keep their own extension
    (plan.txt.json, plan.docx.json), and any name still taken gets -2, -3, … in input order.
    """
    if glob is not None:
        check_glob(glob)
    dirs = [p for p in inputs if Path(p).is_dir()]
    # with one folder, names are relative to it; with several, under each folder's own name
    natural_bases = [(Path(os.path.abspath(d)).name or "root") if len(dirs) > 1 else "" for d in dirs]
    bases = dict(zip(dirs, zip(_unique(natural_bases), natural_bases, strict=True), strict=True))
    found: list[tuple[str, str, str]] = []  # path, rel, natural rel
    skipped: list[tuple[str, str]] = []
    for given in inputs:
        p = Path(given)
        if given in bases:
            base, natural_base = bases[given]
            for f in sorted(p.rglob(glob or "*")):  # check_glob keeps every match inside p
                if f.is_file():
                    why = _not_taken(f) if glob is None else None
                    if why is not None:
                        skipped.append((str(f), why))
                        continue
                    rel = f.relative_to(p).as_posix()
                    found.append((str(f), f"{base}/{rel}" if base else rel,
                                  f"{natural_base}/{rel}" if natural_base else rel))
        elif p.exists():
            rel = p.as_posix() if not p.is_absolute() and ".." not in p.parts else p.name
            found.append((given, rel, rel))
        else:
            raise InputError(f"{given}: no such file or folder")
    seen: set[str] = set()
    unique = []
    for path, rel, natural in found:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append((path, rel, natural))
    counts = Counter(_stem(rel).casefold() for _, rel, _ in unique)
    stems = _unique([rel if counts[_stem(rel).casefold()] > 1 else _stem(rel) for _, rel, _ in unique])
    return ([Found(path, stem, _stem(natural)) for (path, _, natural), stem in zip(unique, stems, strict=True)],
            skipped)


# --- ordered, bounded parallel map ----------------------------------------------------------------

# Test hook: a pool worker given the file of this name kills itself with SIGKILL, as the kernel's
# out-of-memory killer would (tests/test_batch_workers.py). Never set it otherwise.
KILL_HOOK = "GOVPLAN_TEST_KILL_WORKER_ON"


# How a worker ends when a user rule pattern runs past its time limit by the wall clock (see
# rules.wall_clock_limit): the search cannot be interrupted, so the process exits with this status.
_TIMED_OUT = 86


def _worker_init() -> None:
    """Each worker ends with its parent: at once on Linux (the parent-death signal), within a second
    elsewhere (a watchdog thread), so a killed batch leaves no workers behind. A rule pattern's
    time limit holds on the wall clock."""
    from .rules import wall_clock_limit

    wall_clock_limit(lambda pattern: os._exit(_TIMED_OUT))
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _work(job: Job, opts: BatchOptions) -> FileResult:
    """``process`` in a pool worker, with the test hook."""
    hook = os.environ.get(KILL_HOOK)
    if hook and Path(job.path).name == hook:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    return process(job, opts)


def _died(job: Job, status: int | None) -> FileResult:
    if status == _TIMED_OUT:
        from .cli import TIMEOUT_MESSAGE

        return FileResult(index=job.index, path=job.path, ok=False, size=job.size, exit_code=6,
                          error=f"{job.path}: {TIMEOUT_MESSAGE}")
    return FileResult(index=job.index, path=job.path, ok=False, size=job.size, exit_code=1,
                      error=f"{job.path}: the worker process parsing it was killed (out of memory, or "
                            "by a signal); the other files went on")


def _alone(job: Job, opts: BatchOptions) -> FileResult:
    """One job in a pool of its own: if that pool breaks, this job broke it."""
    with ProcessPoolExecutor(max_workers=1, initializer=_worker_init) as solo:
        future = solo.submit(_work, job, opts)
        # the worker's exit status tells a pattern past its time limit from a kill
        workers = list((getattr(solo, "_processes", None) or {}).values())
        try:
            return future.result()
        except BrokenProcessPool:
            for w in workers:
                w.join(timeout=5)
            return _died(job, next((w.exitcode for w in workers if w.exitcode), None))


def _submit(pool: ProcessPoolExecutor, job: Job, opts: BatchOptions) -> Future[FileResult]:
    try:
        return pool.submit(_work, job, opts)
    except BrokenProcessPool as exc:  # broken since the last result: handled with the others
        future: Future[FileResult] = Future()
        future.set_exception(exc)
        return future


def ordered_map(jobs: list[Job], opts: BatchOptions, workers: int) -> Iterator[FileResult]:
    """``process`` over ``jobs``, results in job order; at most a few jobs in flight per worker, so
    memory stays flat. A worker that dies (killed, out of memory) fails the file it was parsing:
    the jobs then in flight are run again each in a pool of its own, to tell which one it was, and
    a new pool takes the rest. With a user rule pack, files are parsed in workers even with one
    (its patterns can end a worker, see ``_worker_init``)."""
    if workers <= 1 and opts.rules is None:
        for job in jobs:
            yield process(job, opts)
        return
    window = workers * 3
    it = iter(jobs)
    pending: deque[tuple[Job, Future[FileResult]]] = deque()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    try:
        while True:
            while len(pending) < window and (nxt := next(it, None)) is not None:
                pending.append((nxt, _submit(pool, nxt, opts)))
            if not pending:
                break
            job, future = pending[0]
            try:
                result = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                in_flight = list(pending)
                pending.clear()
                for stuck, fut in in_flight:
                    done = fut.done() and not fut.cancelled() and fut.exception() is None
                    yield fut.result() if done else _alone(stuck, opts)
                pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
                continue
            pending.popleft()
            yield result
    finally:
        # also when stopped early (an output failed): the files being parsed are finished, the
        # rest cancelled, and no worker outlives the batch holding the outputs open
        pool.shutdown(wait=True, cancel_futures=True)


# --- row outputs (JSON Lines, CSV) ------------------------------------------------------------------

_ROW_KEYS = [c for c, _ in ROW_COLUMNS]


def _read_rows(path: Path, kind: str) -> dict[str, list[dict[str, Any]]]:
    """Rows of an existing JSONL/CSV output grouped by source (the last group may be cut short)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    if not path.is_file():  # absent, or a FIFO that would wait for a writer
        return groups
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return groups
    records: list[dict[str, Any]] = []
    if kind == "jsonl":
        for line in text.splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                break
    else:
        try:
            records = list(csv.DictReader(io.StringIO(text)))
        except csv.Error:
            records = []
    for rec in records:
        groups.setdefault(str(rec.get("source")), []).append(rec)
    return groups


class RowSink:
    """A JSONL or CSV output: a file is written as ``FILE.partial`` (next to a symlink's target)
    and renamed when the batch completes; ``-`` (standard output), a device or a FIFO is written
    straight through, with nothing to resume from."""

    def __init__(self, path: Path, target: tuple[Path, str] | None, kind: str, force: bool) -> None:
        """``target`` is ``resolve_output(path)``, None for standard output."""
        self.path = path
        self.kind = kind
        self.partial: Path | None = None
        self.fh: TextIO
        old: dict[str, list[dict[str, Any]]] = {}
        if target is None:
            self.fh = sys.stdout
        elif target[1] == "stream":
            self.fh = open_stream(target[0])
        else:
            real = target[0]
            if not real.parent.is_dir():
                raise OutputError(f"{path}: the folder {real.parent} does not exist")
            self.path = real
            self.partial = real.with_name(real.name + ".partial")
            if not force:
                old = _read_rows(real, kind)
                interrupted = _read_rows(self.partial, kind)
                if interrupted:
                    # the last file of an interrupted run may be incomplete: do it again
                    interrupted.pop(next(reversed(interrupted)))
                old.update(interrupted)
            self.fh = self.partial.open("w", encoding="utf-8", newline="")
        self.old = old
        if kind == "csv":
            self.fh.write("\ufeff" + csv_header())  # on standard output too, for Excel

    def known(self, path: str) -> str | None:
        rows = self.old.get(path)
        if not rows or str(rows[0].get("govplan_version")) != __version__:
            return None
        return str(rows[0].get("sha256"))

    def write(self, result: FileResult) -> None:
        if result.skipped:
            text = serialize_rows(self.old.get(result.path, []), self.kind)
        else:
            text = result.row_text.get(self.kind, "")
        if text:
            self.fh.write(text)
            self.fh.flush()

    def close(self, complete: bool) -> None:
        if self.fh is sys.stdout:
            self.fh.flush()
            return
        try:
            self.fh.flush()
            if self.partial is not None:
                os.fsync(self.fh.fileno())
        finally:
            self.fh.close()  # also when the disk is full: the descriptor is released
        if complete and self.partial is not None:
            os.replace(self.partial, self.path)


def serialize_rows(rows: list[dict[str, Any]], kind: str) -> str:
    """Rows as JSON Lines or CSV text (columns in ``ROW_COLUMNS`` order)."""
    buf = io.StringIO()
    if kind == "jsonl":
        for row in rows:
            buf.write(jsonl_line({k: row.get(k) for k in _ROW_KEYS}))
    else:
        writer = csv.writer(buf, lineterminator="\r\n")
        for row in rows:
            writer.writerow([csv_value(row.get(k)) for k in _ROW_KEYS])
    return buf.getvalue()


# --- per-file outputs ---------------------------------------------------------------------------------

def _per_file_known(out: Path) -> str | None:
    """The input hash recorded in an existing per-file output written by this govplan version."""
    if not out.is_file():  # never read a FIFO (it would wait for a writer) or a device
        return None
    try:
        with out.open(encoding="utf-8") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    version = _VERSION_RX.search(head)
    sha = _SHA_RX.search(head)
    if version is None or sha is None or version.group(1) != __version__:
        return None
    return sha.group(1)


def output_path(out_dir: Path, stem: str, fmt: str) -> Path:
    return out_dir / f"{stem}.{fmt}"


# --- the batch ------------------------------------------------------------------------------------------

@dataclass
class BatchRequest:
    inputs: list[str]
    glob: str | None = None  # None: every supported format
    out_dir: Path | None = None
    fmt: str = "json"
    jsonl: Path | None = None
    csv: Path | None = None
    sqlite: Path | None = None
    units: Path | None = None
    xlsx: Path | None = None
    workers: int = 1
    force: bool = False
    script: str = "simplified"
    rules: str | None = None
    encoding: str | None = None


Targets = dict[str, tuple[Path, str]]  # option → resolve_output() of its file; standard output has none


def _targets(req: BatchRequest) -> Targets:
    return {option: resolve_output(given)
            for option, given in (("--jsonl", req.jsonl), ("--csv", req.csv), ("--sqlite", req.sqlite),
                                  ("--units", req.units), ("--xlsx", req.xlsx))
            if given is not None and str(given) != STDOUT}


def _claims(req: BatchRequest, targets: Targets, errors: Path | None) -> list[tuple[str, Path, list[str]]]:
    """(option, resolved path, files it writes) for each output named by a file path."""
    claims: list[tuple[str, Path, list[str]]] = []
    for option, (real, how) in targets.items():
        files = [str(real)]
        if option == "--sqlite":
            if how == "stream":
                raise OutputError(f"{req.sqlite}: a SQLite database must be a regular file, not a device or FIFO")
            files += [f"{real}{aux}" for aux in ("-journal", "-wal", "-shm")]
        elif how == "file":
            files.append(f"{real}.partial")
        claims.append((option, real, files))
    if errors is not None:
        claims.append(("errors.jsonl", Path(os.path.realpath(errors)), [os.path.realpath(errors)]))
    return claims


def check_outputs(req: BatchRequest, found: list[Found]) -> Targets:
    """The outputs' targets; refused, before anything is written, when they would overwrite an input
    (exit 5), each other (exit 2), or an ``errors.jsonl`` that govplan did not write (exit 5)."""
    if req.sqlite is not None and str(req.sqlite) == STDOUT:
        raise ValueError("--sqlite -: a SQLite database cannot go to standard output; give a file")
    if req.xlsx is not None and str(req.xlsx) == STDOUT:
        raise ValueError("--xlsx -: give the workbook a file (govplan extract --format xlsx writes one plan's to "
                         "standard output)")
    on_stdout = [option for option, given in (("--jsonl", req.jsonl), ("--csv", req.csv), ("--units", req.units))
                 if given is not None and str(given) == STDOUT]
    if len(on_stdout) > 1:
        raise ValueError(f"{' and '.join(f'{o} -' for o in on_stdout)} "
                         f"{'both' if len(on_stdout) == 2 else 'all'} write to standard output; "
                         "give all but one of them a file")
    targets = _targets(req)
    errors = errors_path(req)
    inputs = {os.path.realpath(f.path): f.path for f in found}
    owner: dict[str, str] = {}
    for option, real, files in _claims(req, targets, errors):
        for name in files:
            if name in inputs:
                raise OutputError(f"{real}: the {option} output would overwrite an input ({inputs[name]}); "
                                  "choose another path")
            if name in owner:
                raise ValueError(f"{owner[name]} and {option} both write {real}; give each output its own path")
            owner[name] = option
    if req.out_dir is not None:
        for f in found:
            out = output_path(req.out_dir, f.stem, req.fmt)
            real_out = os.path.realpath(out)
            if real_out in inputs:
                raise OutputError(f"{out}: the per-file output of {f.path} would overwrite an input "
                                  f"({inputs[real_out]}); choose another --out-dir folder or --glob")
            if real_out in owner:
                raise ValueError(f"{owner[real_out]} and --out-dir both write {real_out} (the output of {f.path}); "
                                 "give each output its own path")
    if errors is not None and resolve_output(errors)[1] == "file" and errors.exists() and not is_errors_file(errors):
        raise OutputError(f"{errors}: exists and was not written by govplan (not its errors.jsonl); "
                          "move it, or choose another output folder")
    return targets


def renamed(req: BatchRequest, found: list[Found]) -> list[str]:
    """One line for each per-file output not named after its input (see ``collect``)."""
    if req.out_dir is None:
        return []
    return [f"note: {f.path} -> {output_path(req.out_dir, f.stem, req.fmt)} "
            f"(another input would also be written to {f.natural}.{req.fmt})"
            for f in found if f.stem != f.natural]


def run_batch(req: BatchRequest, progress: Callable[[FileResult], None] | None = None,
              on_start: Callable[[int, int], None] | None = None,
              notice: Callable[[str], object] | None = None) -> Summary:
    """Run a batch; ``progress`` is called after every file, ``on_start`` with (files, bytes),
    ``notice`` with each line to show the user before the work starts."""
    if req.out_dir is None and req.jsonl is None and req.csv is None and req.sqlite is None and req.units is None \
            and req.xlsx is None:
        raise ValueError("nothing to write: give --out-dir DIR, --jsonl FILE, --csv FILE, --sqlite FILE, "
                         "--units FILE or --xlsx FILE")
    found, not_read = collect(req.inputs, req.glob)
    if not found:
        what = repr(req.glob) if req.glob is not None else "a supported format (.txt, .docx, .html, .pdf, .doc, .wps)"
        others = f" ({len(not_read)} other file(s), e.g. {not_read[0][0]}: {not_read[0][1]})" if not_read else ""
        raise InputError(f"no input files matched {what} in {', '.join(req.inputs)}{others}")
    targets = check_outputs(req, found)
    if notice is not None:
        for line in renamed(req, found):
            notice(line)
    if req.out_dir is not None:
        with writing(req.out_dir):
            req.out_dir.mkdir(parents=True, exist_ok=True)
    sinks: list[RowSink] = []
    for given, option, kind in ((req.jsonl, "--jsonl", "jsonl"), (req.csv, "--csv", "csv")):
        if given is not None:
            with writing(given):
                sinks.append(RowSink(given, targets.get(option), kind, req.force))
    con = None
    db_known: dict[str, tuple[str, str]] = {}
    if req.sqlite is not None:
        from .database import connect, known

        db = targets["--sqlite"][0]
        if not db.parent.is_dir():
            raise OutputError(f"{req.sqlite}: the folder {db.parent} does not exist")
        with writing(req.sqlite):
            con = connect(db)
            try:
                db_known = {} if req.force else known(con)
            except BaseException:
                con.close()
                raise
    registry_db = None
    if req.units is not None:
        import tempfile

        from .database import connect

        registry_dir = tempfile.TemporaryDirectory(prefix="govplan-units-")
        registry_db = connect(Path(registry_dir.name) / "registry.db")
    book = None
    if req.xlsx is not None:
        from .workbook import TaskWorkbook

        book = TaskWorkbook(req.xlsx)

    jobs: list[Job] = []
    for k, f in enumerate(found):
        path, rel = f.path, f.stem
        shas: set[str | None] = set()
        if not req.force and req.units is None and req.xlsx is None:
            if req.out_dir is not None:
                shas.add(_per_file_known(output_path(req.out_dir, rel, req.fmt)))
            for sink in sinks:
                shas.add(sink.known(path))
            if con is not None:
                entry = db_known.get(path)
                shas.add(entry[0] if entry and entry[1] == __version__ else None)
        known_sha = shas.pop() if len(shas) == 1 else None
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = 0
        jobs.append(Job(index=k, path=path, rel=rel, size=size, known_sha=known_sha))

    opts = BatchOptions(script=req.script, rules=req.rules, encoding=req.encoding, fmt=req.fmt,
                        want_rendered=req.out_dir is not None, row_kinds=tuple(s.kind for s in sinks),
                        want_data=con is not None or registry_db is not None, want_workbook=book is not None)
    summary = Summary(files=len(jobs), not_read=[{"path": p, "reason": why} for p, why in not_read])
    if on_start is not None:
        on_start(len(jobs), sum(j.size for j in jobs))
    rel_of = {j.path: j.rel for j in jobs}
    started = time.perf_counter()
    complete = False
    try:
        for result in ordered_map(jobs, opts, max(1, req.workers)):
            _record(req, result, summary, sinks, con, rel_of[result.path])
            if registry_db is not None and result.data_json is not None:
                from .database import write_document

                with writing(req.units or ""):  # a temporary database, written out as --units at the end
                    write_document(registry_db, result.path, json.loads(result.data_json),
                                   _registry_pack(req.rules))
            if book is not None and result.workbook is not None:
                book.add(result.workbook)
            if progress is not None:
                progress(result)
        complete = True
    finally:
        # after a failure, closing what is left must not hide it
        for sink in sinks:
            with writing(sink.path) if complete else contextlib.suppress(OSError):
                sink.close(complete)
        if book is not None:
            with writing(book.given) if complete else contextlib.suppress(OSError):
                book.close(complete)
        if con is not None:
            con.close()
        if registry_db is not None:
            if complete and req.units is not None:
                from .database import registry_rows
                from .registry import registry_csv

                with writing(req.units):
                    write_output(req.units, registry_csv(registry_rows(registry_db)), bom=True)
            registry_db.close()
            registry_dir.cleanup()
        summary.seconds = time.perf_counter() - started
    _write_errors(req, summary)
    return summary


@contextlib.contextmanager
def writing(output: Path | str) -> Iterator[None]:
    """An output that cannot be written (read-only folder, disk full, not a database, locked) is an
    OutputError naming it, exit 5; a closed standard output stays a BrokenPipeError for the CLI."""
    try:
        yield
    except (BrokenPipeError, OutputError):
        raise
    except sqlite3.Error as exc:
        reason = str(exc)
        if "not a database" in reason:
            reason = "not a SQLite database; give a new file name or a database govplan wrote"
        elif "locked" in reason or "busy" in reason:
            from .database import LOCK_TIMEOUT

            reason = (f"the database is locked by another program (waited {LOCK_TIMEOUT:g} s); "
                      "try again when it has finished")
        raise OutputError(f"{output}: cannot write: {reason}") from exc
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from exc


def _record(req: BatchRequest, result: FileResult, summary: Summary, sinks: list[RowSink], con: Any,
            rel: str) -> None:
    summary.bytes += result.size
    if not result.ok:
        summary.failed += 1
        summary.errors.append({"path": printable(result.path), "exit_code": result.exit_code,
                               "error": printable(result.error or "")})
        return
    summary.ok += 1
    for sink in sinks:
        with writing(sink.path):
            sink.write(result)
    if result.skipped:
        summary.skipped += 1
        return
    if req.out_dir is not None and result.rendered is not None:
        out = output_path(req.out_dir, rel, req.fmt)
        with writing(out):
            out.parent.mkdir(parents=True, exist_ok=True)
            write_output(out, result.rendered)
    if con is not None and result.data_json is not None:
        from .database import write_document

        with writing(req.sqlite or ""):
            write_document(con, result.path, json.loads(result.data_json), _registry_pack(req.rules))
    summary.with_warnings += result.warnings > 0
    summary.items += result.items
    summary.units += result.units
    summary.deadlines += result.deadlines
    summary.targets += result.targets


def _registry_pack(rules: str | None) -> Any:
    """The registry pack of the batch's rules (its aliases fold unit names)."""
    from .rules import bundled_rules

    ruleset = _rules(rules) or bundled_rules()
    return ruleset.registry


def printable(name: str) -> str:
    """A file name as text that can be written: bytes that were not UTF-8 (decoded by Python as
    lone surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def errors_path(req: BatchRequest) -> Path | None:
    """Where failed inputs are listed: in the --out-dir folder, else beside the first output file; none
    when every output is standard output (the failures are on stderr)."""
    if req.out_dir is not None:
        return req.out_dir / "errors.jsonl"
    first = next((p for p in (req.jsonl, req.csv, req.sqlite, req.units, req.xlsx)
                  if p is not None and str(p) != STDOUT), None)
    return None if first is None else first.parent / "errors.jsonl"


_ERROR_KEYS = {"path", "exit_code", "error"}


def is_errors_file(path: Path) -> bool:
    """Whether ``path`` is an errors.jsonl govplan wrote: a regular file whose every line is a JSON
    object with the keys path, exit_code and error. A device or FIFO is not read, never deleted."""
    try:
        if not path.is_file() or path.stat().st_size > 64 * 1024 * 1024:
            return False
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return bool(records) and all(isinstance(r, dict) and r.keys() >= _ERROR_KEYS for r in records)


def _write_errors(req: BatchRequest, summary: Summary) -> None:
    path = errors_path(req)
    if path is None:
        return
    with writing(path):
        if summary.errors:
            write_output(path, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in summary.errors))
        elif is_errors_file(path):
            path.unlink()  # errors.jsonl describes the latest run
