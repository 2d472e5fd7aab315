"""The command line: a thin layer over the library.

Data goes to stdout (or ``-o FILE``, written atomically); diagnostics go to stderr. Every error is
one line, ``Error: …``, and a documented exit code (see ``EXIT_CODES``).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

from . import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .records import Document

EXIT_CODES: list[tuple[int, str]] = [
    (0, "Success (warnings, if any, are in the output and, with -v, on stderr); also when the reader of "
        "standard output stops early, as head does."),
    (1, "Internal error: a bug in govplan; please report it with the input."),
    (2, "Usage error: an unknown option, a bad option value, a missing argument, two outputs naming one file."),
    (3, "Input error: no such file, a directory, a FIFO or device given by name, unreadable, too large "
        "(GOVPLAN_MAX_BYTES), too many items (GOVPLAN_MAX_ITEMS), unknown encoding name."),
    (4, "The input is not a plan govplan can read: an image, archive, spreadsheet or other binary file, a damaged "
        "or encrypted document, a PDF with no text layer, or a format whose reader needs what is not installed "
        "(the message names it)."),
    (5, "Output error: the output cannot be written (read-only, disk full, not a database, locked), it would "
        "overwrite an input, or an errors.jsonl govplan did not write is in the way."),
    (6, "Rule pack error: the file given with --rules is not a valid rule pack, or one of its patterns ran "
        "past its time limit."),
    (7, "Batch: some inputs failed (see errors.jsonl next to the outputs); the others were converted."),
]

TIMEOUT_MESSAGE = ("a rule pattern ran longer than its time limit on this input; "
                   "simplify the patterns of the rule pack given with --rules")

def _usage_line(exc: Exception) -> str:
    """A usage error as one line, in govplan's words rather than the parsing library's."""
    msg = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    msg = msg.replace("Value error, ", "")
    for pattern, plain in _PLAIN_WORDS:
        msg = re.sub(pattern, plain, msg)
    ctx = getattr(exc, "ctx", None)
    where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return " ".join(f"{msg.rstrip('.')}{where}".split())


# Pydantic's wording in typer's messages → plain words
_PLAIN_WORDS = [
    (r"Input should be a valid integer, unable to parse string as an integer", "not a whole number"),
    (r"Input should be less than or equal to (\S+)", r"at most \1"),
    (r"Input should be greater than or equal to (\S+)", r"at least \1"),
    (r"Input should be ", "must be "),
]


class _Group(typer.core.TyperGroup):
    """Usage errors as one line, ``Error: …`` and exit 2, instead of a usage block and a panel."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            from typer._click.exceptions import ClickException  # typer ≥ 0.2x carries its own click
        except ImportError:  # pragma: no cover - older typer
            from click.exceptions import ClickException  # type: ignore[no-redef,import-not-found,unused-ignore]

        try:
            code = super().main(*args, **kwargs)
        except ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # 'govplan' alone: the help
                exc.show()
            else:
                sys.stderr.write(f"Error: {_usage_line(exc)}\n")
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write("Error: aborted\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _plain_types() -> None:
    """typer ≥ 0.2x writes Python types into help (``<bool>`` beside a flag, ``<str>``,
    ``<list[str]>``); govplan shows a flag bare, an argument by its name and an option's value by
    its metavar (or its choices)."""
    core = typer.core
    for cls in (core.TyperArgument, core.TyperOption):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "govplan", False):
            continue

        def display(self: Any, ctx: Any, original: Any = original) -> str | None:
            if isinstance(self, core.TyperArgument) or getattr(self, "is_flag", False):
                return None
            return self.metavar if self.metavar is not None else original(self, ctx)  # type: ignore[no-any-return]

        display.govplan = True  # type: ignore[attr-defined]
        cls.display_type_rich = display  # type: ignore[method-assign]


_plain_types()

app = typer.Typer(
    name="govplan",
    cls=_Group,
    help="Turn Chinese government work plans (工作要点, 实施方案, 任务分工表) into validated records.\n\n"
         "Example: govplan extract samples/meizhou-2022.txt --format yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    json = "json"
    yaml = "yaml"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"


class DocFormat(StrEnum):
    """Per-file batch outputs: whole documents (they record the input's hash, for resuming)."""

    json = "json"
    yaml = "yaml"


class Script(StrEnum):
    simplified = "simplified"
    traditional = "traditional"


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"Error: {message}\n")
    raise typer.Exit(code)


def _broken_pipe() -> NoReturn:
    """The reader of standard output went away (``| head``): stop quietly, as cat and grep do."""
    # Python would report the failed flush of the closed pipe again at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise typer.Exit(0)


@contextlib.contextmanager
def _one_line_errors(file: str, doing: str) -> Iterator[None]:
    """Every way one file's command can fail, as one line and its exit code (a bug too, unless
    GOVPLAN_DEBUG is set)."""
    from .errors import GovplanError

    try:
        yield
    except BrokenPipeError:
        _broken_pipe()
    except GovplanError as exc:
        _fail(str(exc), exc.exit_code)
    except TimeoutError:
        _fail(f"{file}: {TIMEOUT_MESSAGE}", 6)
    except ValueError as exc:
        _fail(str(exc), 2)
    except Exception as exc:  # a bug: one line, unless debugging
        if os.environ.get("GOVPLAN_DEBUG"):
            raise
        _fail(f"internal error while {doing} {file}: {type(exc).__name__}: {exc} "
              "(set GOVPLAN_DEBUG=1 for a traceback, and please report it)", 1)



def _version(value: bool) -> None:
    if value:
        typer.echo(f"govplan {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """govplan: Chinese government work plans to validated, machine-readable records."""


FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="Output format: json and yaml carry the whole document; jsonl and csv one flat row per "
    "item; xlsx the 任务分工表, one row per task (a binary workbook: to -o FILE, or standard output redirected to "
    "a file). Default: from the -o file's extension (.json, .yaml/.yml, .jsonl, .csv, .xlsx), else json.",
    show_default=False)]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write to this file instead of standard output ('-'): a file "
                                                "is replaced atomically, a device or FIFO written through.",
                                                dir_okay=False)]
ScriptOpt = Annotated[Script, typer.Option("--script", help="Chinese script of the records.")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", metavar="FILE", help="A YAML rule pack merged over the "
                                               "bundled one (see 'govplan rules --help').")]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", metavar="NAME", help="Decode the input with this "
                                                 "encoding (e.g. gb18030, big5) instead of detecting it.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="More on stderr: every warning.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stderr but errors.")]

# what an -o file's extension says about the format, when --format does not
_EXTENSIONS = {".json": Format.json, ".yaml": Format.yaml, ".yml": Format.yaml, ".jsonl": Format.jsonl,
               ".ndjson": Format.jsonl, ".csv": Format.csv, ".xlsx": Format.xlsx}


def _format_of(fmt: Format | None, output: Path | None) -> Format:
    if fmt is not None:
        return fmt
    if output is not None and str(output) != "-":
        return _EXTENSIONS.get(output.suffix.lower(), Format.json)
    return Format.json


def _wall_clock_limit(what: str) -> None:
    """A user pattern past its time limit by the wall clock ends the command (see rules._WallClock);
    only when govplan is the program (``run``), never a process that merely calls ``app``."""
    if not _PROGRAM:
        return
    from .rules import wall_clock_limit

    def stop(pattern: str) -> None:
        sys.stderr.write(f"Error: {what}: {TIMEOUT_MESSAGE} (the pattern {pattern[:80]!r})\n")
        sys.stderr.flush()
        os._exit(6)

    wall_clock_limit(stop)


def _load_rules(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from .rules import RuleError, load_rules

    try:
        return load_rules(path)
    except RuleError as exc:
        _fail(str(exc), 6)


def _print_warnings(doc: Document, label: str) -> None:
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    for w in doc.warnings:
        console.print(f"[yellow]warning[/]: {label}: {w.code}: {w.message}", markup=True)
    for k, plan in enumerate(doc.plans):
        for w in plan.warnings:
            where = f" [{''.join(w.path)}]" if w.path else ""
            line = f" line {w.span.start_line}" if w.span else ""
            console.print(f"[yellow]warning[/]: {label}: plan {k + 1}{where}{line}: {w.code}: {w.message}",
                          markup=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@app.command()
def extract(
    file: Annotated[str | None, typer.Argument(
        help="Plan file (.txt, .docx, .html, .pdf, .doc/.wps; read by its content first), or '-' for standard "
             "input (the default when it is not a terminal).", metavar="[FILE]", show_default=False)] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    script: ScriptOpt = Script.simplified,
    rules: RulesOpt = None,
    encoding: EncodingOpt = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Extract the plans, items, units, deadlines and targets of one plan file.

    Examples:

      govplan extract samples/meizhou-2022.txt

      govplan extract plan.txt -o plan.yaml

      govplan extract 实施方案.docx

      govplan extract plan.txt -o 分工表.xlsx

      govplan extract --script traditional --format csv < plan.txt
    """
    from .export import render, write_output
    from .pipeline import Options, parse_bytes, parse_file
    from .read import read_limited

    if file is None:
        if sys.stdin.isatty():
            _fail("give a plan file, or pipe one to standard input (see 'govplan extract --help')", 2)
        file = "-"
    fmt = _format_of(fmt, output)
    ruleset = _load_rules(rules)
    if ruleset is not None:
        _wall_clock_limit(file)
    options = Options(script=script.value, rules=ruleset, encoding=encoding)
    if output is not None and file != "-" and str(output) != "-" and _same_file(Path(file), output):
        _fail(f"{output}: the output would overwrite the input; choose another -o path", 5)
    if fmt is Format.xlsx and (output is None or str(output) == "-") and sys.stdout.isatty():
        _fail("--format xlsx writes a binary workbook: give -o FILE.xlsx (or redirect standard output to a file)", 2)
    with _one_line_errors(file, "parsing"):
        if file == "-":
            doc = parse_bytes(read_limited(sys.stdin.buffer, "standard input"), options, path=None)
        else:
            doc = parse_file(file, options)
        if fmt is Format.xlsx:
            from .workbook import write_workbook

            write_workbook("-" if output is None else output, [doc], ruleset.registry if ruleset else None)
        else:
            write_output("-" if output is None else output, render(doc, fmt.value), bom=fmt is Format.csv)
    if verbose and not quiet:
        _print_warnings(doc, file)


@app.command()
def review(
    file: Annotated[str, typer.Argument(help="Plan file (any format 'extract' reads), or '-' for standard input.",
                                        metavar="FILE")],
    output: OutputOpt = None,
    script: ScriptOpt = Script.simplified,
    rules: RulesOpt = None,
    encoding: EncodingOpt = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write a review page: one self-contained HTML file to check the records against the text.

    The text govplan extracted is shown with every unit (coloured by role), deadline, milestone,
    target and warning highlighted where it stands, beside the item tree: click an item to see its
    text, a highlight to see its record; filter by unit; warnings link to their places. No
    network: the page works from file:// and can be sent as it is. Written to a file, a line on
    stderr says so (not with -q).

    Examples:

      govplan review plan.docx -o plan.review.html

      govplan review samples/meizhou-2022.txt -o meizhou.html --script traditional
    """
    from .export import write_output
    from .pipeline import Options, run
    from .read import read_bytes, read_limited, read_path
    from .review import counts, review_html

    ruleset = _load_rules(rules)
    if ruleset is not None:
        _wall_clock_limit(file)
    options = Options(script=script.value, rules=ruleset, encoding=encoding)
    if output is not None and file != "-" and str(output) != "-" and _same_file(Path(file), output):
        _fail(f"{output}: the output would overwrite the input; choose another -o path", 5)
    with _one_line_errors(file, "reviewing"):
        if file == "-":
            raw = read_bytes(read_limited(sys.stdin.buffer, "standard input"), encoding=encoding)
        else:
            raw = read_path(Path(file), encoding=encoding)
        doc = run(raw, options).document
        assert doc is not None
        write_output("-" if output is None else output, review_html(raw.text, doc))
    if quiet:
        return
    if verbose:
        _print_warnings(doc, file)
    if output is not None and str(output) != "-":
        n = counts(doc)
        sys.stderr.write(f"wrote {output}: {n['items']} items, {n['tasks']} tasks, {n['units']} units, "
                         f"{n['warnings']} warnings; open it in a browser\n")


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Plan files and/or folders (searched recursively).",
                                                metavar="INPUT...")],
    out_dir: Annotated[Path | None, typer.Option("--out-dir", "-d", metavar="DIR",
                                                 help="Folder for one output file per input, mirroring the input "
                                                 "folders (clashing names made unique).", file_okay=False)] = None,
    out_dir_alias: Annotated[Path | None, typer.Option("--output", "-o", hidden=True, file_okay=False,
                                                       help="The former name of --out-dir.")] = None,
    fmt: Annotated[DocFormat, typer.Option("--format", "-f", help="Format of the per-file outputs (rows go to "
                                           "--jsonl and --csv).")] = DocFormat.json,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", metavar="FILE", help="One flat row per item of every "
                                               "plan, as JSON Lines ('-': standard output).",
                                               dir_okay=False)] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", metavar="FILE", help="The same rows as CSV (UTF-8 with "
                                                 "BOM, for Excel; '-': standard output).",
                                                 dir_okay=False)] = None,
    sqlite: Annotated[Path | None, typer.Option("--sqlite", metavar="FILE", help="A SQLite database: sources, plans, "
                                                "items, units, unit_registry, deadlines, milestones, targets, "
                                                "warnings.", dir_okay=False)] = None,
    units_out: Annotated[Path | None, typer.Option("--units", metavar="FILE", help="The unit registry as CSV: each "
                                                   "canonical unit with its spellings and task counts ('-': "
                                                   "standard output).", dir_okay=False)] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", metavar="FILE", help="The 任务分工表 as an Excel workbook: "
                                              "one row per task of every plan (with its plan and issuer) and a "
                                              "sheet of units.", dir_okay=False)] = None,
    glob: Annotated[str | None, typer.Option("--glob", metavar="PATTERN", help="Which files to take from folders "
                                             "(default: every supported format: .txt, .docx, .html/.htm, .pdf, "
                                             ".doc, .wps; the others are listed as not read).")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", metavar="N",
                                         help="Worker processes, 0 to 256 (0, the default: one per CPU).")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Redo inputs whose outputs are already current.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Nothing on stderr but errors: no progress bar, "
                                        "no notes, no summary.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More on stderr: every failed file, also when "
                                          "stderr is not a terminal.")] = False,
    script: ScriptOpt = Script.simplified,
    rules: RulesOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Convert many plans: per-file outputs, JSON Lines, CSV and SQLite, in parallel, resumable.

    A file that fails is reported and listed in errors.jsonl next to the outputs; the others go on
    (exit code 7 when any failed). From folders, every file of a supported format is taken
    (.txt, .docx, .html/.htm, .pdf, .doc, .wps; --glob narrows it); the others are listed as not
    read, never parsed as empty plans. A re-run skips inputs already converted by this version of
    govplan with the same content, so an interrupted batch resumes; --force redoes them.

    Examples:

      govplan batch plans/ --out-dir out/

      govplan batch plans/ --glob '*.txt' --jsonl items.jsonl --csv items.csv

      govplan batch plans/ --sqlite plans.db --workers 2

      govplan batch plans/ --xlsx 全部任务.xlsx
    """
    from .batch import BatchRequest, run_batch
    from .errors import GovplanError

    if not 0 <= workers <= 256:
        _fail(f"--workers {workers}: give 0 to 256 (see 'govplan batch --help')", 2)
    if rules is not None:
        _load_rules(rules)  # report a bad pack once, before any worker starts
    if out_dir is not None and out_dir_alias is not None and out_dir != out_dir_alias:
        _fail("--out-dir and -o name different folders; give one", 2)
    req = BatchRequest(inputs=list(inputs), glob=glob, out_dir=out_dir or out_dir_alias, fmt=fmt.value, jsonl=jsonl,
                       csv=csv_out, sqlite=sqlite, units=units_out, xlsx=xlsx, workers=workers or (os.cpu_count() or 1),
                       force=force,
                       script=script.value, rules=str(rules) if rules else None, encoding=encoding)
    from .batch_ui import BatchUI

    ui = BatchUI(enabled=not quiet)
    try:
        with ui:
            summary = run_batch(req, progress=ui.advance, on_start=ui.start,
                                notice=None if quiet else lambda line: sys.stderr.write(line + "\n"))
    except BrokenPipeError:
        _broken_pipe()
    except GovplanError as exc:
        _fail(str(exc), exc.exit_code)
    except ValueError as exc:
        _fail(str(exc), 2)
    shown = 0 if quiet else ui.report(summary, verbose=verbose)  # the table on a terminal only
    if summary.failed:
        from .batch import errors_path

        where = errors_path(req)
        if verbose or where is None:  # with every output on standard output, failures are listed here
            for err in summary.errors[shown:]:
                sys.stderr.write(f"failed: {err['path']}: {err['error']}\n")
        sys.stderr.write(f"Error: {summary.failed} of {summary.files} input(s) failed"
                         f"{f'; see {where}' if where is not None else ''}\n")
        raise typer.Exit(7)


@app.command()
def schema(output: OutputOpt = None, verbose: VerboseOpt = False, quiet: QuietOpt = False) -> None:
    """Print the JSON Schema of the output records.

    Example:

      govplan schema > plan.schema.json
    """
    from .errors import OutputError
    from .export import write_output
    from .schema import schema_json

    try:
        write_output("-" if output is None else output, schema_json())
    except BrokenPipeError:
        _broken_pipe()
    except OutputError as exc:
        _fail(str(exc), exc.exit_code)
    if verbose and not quiet and output is not None and str(output) != "-":
        sys.stderr.write(f"wrote {output}\n")


@app.command("rules")
def rules_cmd(
    file: Annotated[Path | None, typer.Argument(help="A rule pack to check; none checks the bundled packs.",
                                                metavar="[FILE]", show_default=False)] = None,
    show: Annotated[bool, typer.Option("--show", help="Print where the bundled packs are installed, and their "
                                       "files, to copy one as a start.")] = False,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Check a rule pack: validate it and test every pattern against its examples.

    A rule pack is YAML with any of the top-level keys numbering, units, deadlines, targets and
    document; the bundled packs show every key, and 'govplan rules --show' prints where they are
    installed. Lists are added in front of the bundled ones; single patterns replace them.

    Examples:

      govplan rules --show

      govplan rules my-province.yaml
    """
    from .rules import PACK_FILES, RuleError, bundled_rules, check_examples, load_rules, rules_dir

    if show:
        folder = rules_dir()
        typer.echo(str(folder))
        for name in PACK_FILES:
            typer.echo(str(folder / f"{name}.yaml"))
        return
    if verbose and not quiet:
        sys.stderr.write(f"bundled packs: {rules_dir()}\n")
    try:
        ruleset = load_rules(file) if file is not None else bundled_rules()
    except RuleError as exc:
        _fail(str(exc), 6)
    _wall_clock_limit(str(file or "bundled rule packs"))
    problems = check_examples(ruleset)
    for p in problems:
        sys.stderr.write(f"{p}\n")
    if problems:
        _fail(f"{len(problems)} example(s) do not match their patterns", 6)
    if not quiet:
        typer.echo(f"ok: {file or 'bundled rule packs'}")


@app.command()
def units(
    database: Annotated[Path, typer.Argument(help="A SQLite database written by 'govplan batch --sqlite'.",
                                             metavar="DATABASE", dir_okay=False)],
    output: OutputOpt = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the unit registry of a batch: each canonical unit (梅州市发改局 and 梅州市发展和改革局 are one)
    with its spellings and the tasks it owns, leads, is responsible for or cooperates on, as CSV
    (UTF-8 with BOM, for Excel).

    Example:

      govplan batch plans/ --sqlite plans.db && govplan units plans.db -o units.csv
    """
    import sqlite3

    from .database import registry_rows
    from .errors import OutputError
    from .export import write_output
    from .registry import registry_csv

    if not database.is_file():
        _fail(f"{database}: no such database; write one with 'govplan batch PLANS --sqlite {database}'", 3)
    try:
        con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            rows = registry_rows(con)
        finally:
            con.close()
    except sqlite3.Error as exc:
        _fail(f"{database}: not a govplan database ({exc}); write one with 'govplan batch PLANS --sqlite FILE'", 3)
    try:
        write_output("-" if output is None else output, registry_csv(rows), bom=True)
    except BrokenPipeError:
        _broken_pipe()
    except OutputError as exc:
        _fail(str(exc), exc.exit_code)
    if verbose and not quiet:
        sys.stderr.write(f"{len(rows)} unit(s){f' written to {output}' if output is not None else ''}\n")


@app.command("exit-codes")
def exit_codes(verbose: VerboseOpt = False, quiet: QuietOpt = False) -> None:
    """List the exit codes and what each means (-q and -v change nothing here).

    Example:

      govplan exit-codes
    """
    for code, meaning in EXIT_CODES:
        typer.echo(f"{code}\t{meaning}")


# Set by run(): this process is the govplan program, which may end itself (see _wall_clock_limit).
_PROGRAM = False


def run() -> None:
    global _PROGRAM
    _PROGRAM = True
    app()
