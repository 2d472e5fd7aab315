"""Read .doc and .wps files by converting them with LibreOffice, then reading the result.

Word 97–2003 (.doc) and WPS (.wps) files are binary formats no pure-Python library reads well;
LibreOffice converts them faithfully. ``soffice --headless --convert-to`` runs in a temporary
folder with a profile of its own (parallel batch workers would otherwise share one and block each
other), with stdin closed and a time limit, after which its whole process group is killed.

What it converts to is the best the installed readers can read: .docx for the docx reader
(paragraphs and real table cells); if that cannot run, .pdf for the pdf reader (tables recovered
from the page; it needs the pdf extra and a Chinese font such as fonts-wqy-microhei); failing
both, plain text, in which LibreOffice puts each table cell on a line of its own, and the result
says so in a warning. Without LibreOffice the reader refuses the file with one line naming what
to install (``NotTextError``, exit 4).
``GOVPLAN_SOFFICE`` names the program to run instead of ``soffice`` from PATH.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, NotTextError
from . import Extracted

TIMEOUT = 60.0
INSTALL = ("install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
           "other systems: libreoffice.org) or save the file as .docx")

ReadFn = Callable[[bytes, "str | None"], Extracted]


def soffice() -> str | None:
    """The LibreOffice program to run: ``GOVPLAN_SOFFICE``, else soffice or libreoffice on PATH."""
    named = os.environ.get("GOVPLAN_SOFFICE")
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=4)
def _version(program: str) -> str:
    """``LibreOffice 7.4.7.2`` (or the program's name when it will not say)."""
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=20,
                             stdin=subprocess.DEVNULL).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return Path(program).name
    return " ".join(out[:2]) if len(out) >= 2 else Path(program).name


@functools.lru_cache(maxsize=1)
def has_chinese_font() -> bool:
    """Whether fontconfig knows a Chinese font. Without one LibreOffice draws every Chinese character
    with the same missing-glyph box, and the PDF it writes maps them all to one character."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20,
                             stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


def _route() -> tuple[str, str, ReadFn | None]:
    """What to convert to (LibreOffice's filter name, the file's extension) and the reader of the result."""
    for target, module, library in (("docx", "govplan.readers.docx", "docx"),
                                    ("pdf", "govplan.readers.pdf", "pdfplumber")):
        if importlib.util.find_spec(library) is None or (target == "pdf" and not has_chinese_font()):
            continue
        try:
            reader: ReadFn = importlib.import_module(module).read
        except ImportError:
            continue
        return target, target, reader
    return "txt:Text (encoded):UTF8", "txt", None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.SubprocessError, OSError):
        proc.communicate(timeout=10)


def convert(data: bytes, suffix: str, target: str, extension: str, *, timeout: float = TIMEOUT) -> bytes:
    """``data`` (a .doc or .wps file) converted by LibreOffice to ``target``; the converted file's bytes."""
    program = soffice()
    if program is None:
        raise NotTextError(f"reading {suffix} files needs LibreOffice, which is not installed: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="govplan-soffice-") as tmp:
        folder = Path(tmp)
        source = folder / f"document{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        cmd = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--invisible",
               "--norestore", "--nolockcheck", "--nodefault", "--convert-to", target, "--outdir", str(out),
               str(source)]
        try:
            # a session of its own, so that a time-out kills soffice.bin and its helpers too
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True)
        except OSError as exc:
            raise NotTextError(f"cannot run LibreOffice ({program}: {exc.strerror or exc}): {INSTALL}") from exc
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise InputError(f"LibreOffice took more than {timeout:g} s to convert the {suffix} file and was "
                             f"stopped: open it in an office program and save it as .docx") from None
        result = out / f"document.{extension}"
        if not result.is_file() or result.stat().st_size == 0:
            said = [line for line in err.decode("utf-8", "replace").splitlines()
                    if line.strip() and "javaldx" not in line]
            detail = f" ({said[-1].strip()[:200]})" if said else ""
            raise InputError(f"LibreOffice could not convert the file{detail}: is it really a Word or WPS document?")
        return result.read_bytes()


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read(data: bytes, path: str | None = None) -> Extracted:
    """A .doc or .wps file's text, through LibreOffice and the best reader of what it converts to."""
    suffix = Path(path).suffix.lower() if path else ""
    if suffix not in (".doc", ".wps", ".dot", ".wpt"):
        suffix = ".doc"
    fmt = suffix.lstrip(".")
    if data.startswith(_OLE_MAGIC[:4]) and (len(data) < 512 or not data.startswith(_OLE_MAGIC)):
        # LibreOffice imports what it cannot open as text: a cut or damaged Word file would read as a
        # plan of garbage. A compound file starts with a 512-byte header. (Other content named .doc,
        # RTF or a Word web page, is LibreOffice's to read.)
        raise InputError(f"cannot read the {suffix} file, it is damaged or cut short (no complete compound-file "
                         "header): save it again from Word or WPS")
    program = soffice()
    if program is None:
        raise NotTextError(f"reading {suffix} files needs LibreOffice, which is not installed: {INSTALL}")
    target, extension, reader = _route()
    converted = convert(data, suffix, target, extension)
    via = _version(program)
    if reader is None:
        text = converted.decode("utf-8", "replace").lstrip("\ufeff")
        return Extracted(text=text, format=fmt, reader=f"{via} (text)", warnings=[(
            "tables_flattened", "converted to plain text, in which each table cell is on a line of its own "
                                "(python-docx, or the pdf extra with a Chinese font, keeps table rows)")])
    got = reader(converted, f"document.{extension}")
    return Extracted(text=got.text, format=fmt, reader=f"{via}; {got.reader}", warnings=got.warnings)
