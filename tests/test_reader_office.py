""".doc/.wps through LibreOffice: the same plan as the text, one-line errors without it, never a hang."""

from __future__ import annotations

import os
import shutil
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import govplan
from govplan.errors import InputError, NotTextError
from govplan.readers import office

from .test_reader_pdf import _flat

FORMATS = Path(__file__).parent / "fixtures" / "formats"
DOC = FORMATS / "task-plan.doc"

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui): .doc/.wps are read through it")
posix = pytest.mark.skipif(os.name != "posix", reason="the stand-in soffice is a shell script")


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@needs_soffice
def test_a_doc_gives_the_same_items_units_roles_and_deadlines_as_the_text() -> None:
    """task-plan.doc was saved by LibreOffice from task-plan.docx, the plan that task-plan.txt holds."""
    if office._route()[2] is None:
        pytest.skip("no reader here keeps table rows of a converted file: install python-docx, or the pdf "
                    "extra and a Chinese font (fonts-wqy-microhei)")
    got = office.read(DOC.read_bytes(), str(DOC))
    assert got.format == "doc" and got.reader.startswith("LibreOffice ")
    assert _flat(govplan.parse_text(got.text)) == _flat(govplan.parse_file(FORMATS / "task-plan.txt"))


@needs_soffice
def test_as_plain_text_the_tables_are_flattened_and_the_result_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "_route", lambda: ("txt:Text (encoded):UTF8", "txt", None))
    got = office.read(DOC.read_bytes(), "计划.doc")
    assert [code for code, _ in got.warnings] == ["tables_flattened"]
    from_doc = [x for x in _flat(govplan.parse_text(got.text)) if x[0] != "plan" and x[0][0] != "附件"]
    want = [x for x in _flat(govplan.parse_file(FORMATS / "task-plan.txt")) if x[0] != "plan" and x[0][0] != "附件"]
    assert from_doc == want  # the numbered items outside the table come through whole


@needs_soffice
def test_parallel_conversions_do_not_collide() -> None:
    data = DOC.read_bytes()
    with ThreadPoolExecutor(3) as pool:
        texts = list(pool.map(lambda _: office.read(data, "a.wps").text, range(3)))
    assert len(set(texts)) == 1 and "县政务服务中心" in texts[0]


@needs_soffice
def test_bytes_that_are_no_document_give_a_result_or_a_clear_error() -> None:
    try:
        got = office.read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4, "broken.doc")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(got.text, str)


def test_without_libreoffice_the_error_names_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOVPLAN_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NotTextError, match=r"needs LibreOffice.*apt-get install libreoffice-writer-nogui") as err:
        office.read(DOC.read_bytes(), "old.wps")
    assert ".wps" in str(err.value) and "\n" not in str(err.value)


@posix
def test_a_conversion_that_hangs_is_stopped_with_its_children(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    fake = _fake_soffice(tmp_path, f"sleep 300 & echo $! > {pids}\nwait")
    monkeypatch.setenv("GOVPLAN_SOFFICE", str(fake))
    started = time.monotonic()
    with pytest.raises(InputError, match="took more than 1 s"):
        office.convert(DOC.read_bytes(), ".doc", "docx", "docx", timeout=1)
    assert time.monotonic() - started < 10
    child = int(pids.read_text())
    time.sleep(0.2)
    alive = Path(f"/proc/{child}").exists() and "Z" not in Path(f"/proc/{child}/stat").read_text().split()[2]
    assert not alive  # the sleep that soffice started was killed with it


@posix
def test_a_conversion_that_makes_nothing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2\nexit 0")
    monkeypatch.setenv("GOVPLAN_SOFFICE", str(fake))
    with pytest.raises(InputError, match=r"could not convert the file \(Error: source file could not be loaded\)"):
        office.read(b"not a document", "x.doc")
