"""Reading: every encoding a plan arrives in gives the same records as its UTF-8 original."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

import govplan
from govplan.errors import InputError, NotTextError
from govplan.read import decode, read_bytes

from .golden_view import view

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))
ENCODINGS = ["gb18030", "gbk", "big5", "utf-16-le", "utf-16-be"]


def _records(doc: govplan.records.Document) -> dict[str, Any]:
    data = doc.model_dump(mode="json")
    data.pop("source")
    return data


@pytest.fixture(scope="module")
def originals() -> dict[str, dict[str, Any]]:
    return {p.stem: _records(govplan.parse_file(p)) for p in SAMPLES}


def _encodings_for(text: str) -> list[str]:
    out = []
    for enc in ENCODINGS:
        try:
            text.encode(enc)
        except UnicodeEncodeError:
            continue
        out.append(enc)
    return out


CASES = [(p, enc) for p in SAMPLES for enc in _encodings_for(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("sample", "encoding"), CASES, ids=[f"{p.stem}-{e}" for p, e in CASES])
def test_reencoded_sample_gives_the_same_records(sample: Path, encoding: str, tmp_path: Path,
                                                 originals: dict[str, dict[str, Any]]) -> None:
    text = sample.read_text(encoding="utf-8")
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    path = tmp_path / sample.name
    path.write_bytes(bom + text.encode(encoding))
    doc = govplan.parse_file(path)
    assert _records(doc) == originals[sample.stem]
    assert doc.source.encoding.replace("_", "-") in {
        "gb18030": {"gb18030"}, "gbk": {"gb18030"}, "big5": {"big5hkscs"},
        "utf-16-le": {"utf-16-le"}, "utf-16-be": {"utf-16-be"},
    }[encoding]


def test_every_sample_is_covered_by_a_legacy_encoding() -> None:
    assert {p for p, e in CASES if e in ("gb18030", "big5")} == set(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_bom_and_crlf(sample: Path, originals: dict[str, dict[str, Any]]) -> None:
    text = sample.read_text(encoding="utf-8")
    raw = read_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert not raw.text.startswith("\ufeff") and raw.encoding == "utf-8-sig"
    crlf = govplan.parse_text(text.replace("\n", "\r\n"))
    assert view(crlf) == view(govplan.parse_text(text))


def test_utf16_without_bom() -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    for enc in ("utf-16-le", "utf-16-be"):
        raw = read_bytes(text.encode(enc))
        assert raw.encoding == enc and raw.text == text


def test_short_gbk_and_big5_snippets() -> None:
    # where detectors confuse GBK and Big5
    assert read_bytes("数字政府建设工作要点".encode("gbk")).text == "数字政府建设工作要点"
    assert read_bytes("數位政府建設工作要點".encode("big5")).text == "數位政府建設工作要點"


def test_broken_bytes_are_replaced_with_a_warning() -> None:
    head = "一、总体要求\n(一)建设平台。".encode()
    data = head + b"\xff\xfe\x80" + "(市数据局负责)\n".encode()
    raw = read_bytes(data)
    assert raw.encoding == "utf-8"
    assert "\ufffd" in raw.text
    assert raw.warnings and raw.warnings[0][0] == "decode_error" and f"byte offset {len(head)}" in raw.warnings[0][1]
    doc = govplan.parse_text(raw.text)
    assert doc.plans[0].items[0].children[0].units[0].name == "市数据局"


def test_encoding_override() -> None:
    data = "数字政府".encode("gbk")
    assert decode(data, encoding="gbk").text == "数字政府"
    with pytest.raises(InputError, match="unknown encoding"):
        decode(data, encoding="no-such-codec")


def test_override_that_does_not_fit_still_reads_with_a_warning() -> None:
    raw = decode("数字政府".encode("gbk"), encoding="utf-8")
    assert raw.warnings and raw.warnings[0][0] == "decode_error"


@pytest.mark.parametrize("data", [b"PK\x03\x04rest", b"\x89PNG\r\n"])
def test_binary_files_are_refused(data: bytes) -> None:
    with pytest.raises(NotTextError):
        read_bytes(data)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n", b"\xd0\xcf\x11\xe0\xa1\xb1"])
def test_a_damaged_file_of_a_format_govplan_reads_is_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError):  # exit 3, or 4 where LibreOffice or the pdf extra is missing
        read_bytes(data)


def test_missing_and_directory(tmp_path: Path) -> None:
    from govplan.read import read_path

    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_path(tmp_path)
