"""Stage 1, read: bytes from a file or stdin to text, with the encoding detected and recorded.

Order of evidence: a byte-order mark; strict UTF-8; UTF-16 without a BOM (byte pairs that decode
to plausible Chinese); then chardet, chosen by measuring it on Chinese text. Bytes that
still do not decode are replaced, and a warning gives the byte offset of the first bad one.

Files in a format govplan has a reader for (.docx, .html, .pdf, .doc/.wps: ``readers.sniff``, by
content first) go to that reader, whose text the rest of the pipeline reads as it reads plain
text. Other binary files (images, archives, spreadsheets, anything with NUL bytes) are refused
with a message that says what to do.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, NotTextError

# The largest input read whole, unless GOVPLAN_MAX_BYTES says otherwise; larger inputs are refused
# before parsing rather than exhausting memory (README, "Size", gives the memory cost per byte).
MAX_BYTES = 64 * 1024 * 1024
_SUFFIXES = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Encodings a detector may answer with for Chinese text, mapped to the codec we decode with
# (GB18030 is a superset of GB2312 and GBK, so it never loses a character they have).
_CANONICAL = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "utf_8": "utf-8",
    "utf-8": "utf-8",
    "utf_16": "utf-16",
    "utf_16_le": "utf-16-le",
    "utf_16_be": "utf-16-be",
    "hz_gb_2312": "hz",
    "euc_tw": "big5hkscs",
    "ascii": "utf-8",
}

# Formats with no reader (those with one are ``readers.sniff``'s).
_MAGIC = (
    (b"{\\rtf", "an RTF document", "save it as plain text (.txt) first"),
    (b"\x89PNG", "a PNG image", "run OCR on it first, then pass the text"),
    (b"\xff\xd8\xff", "a JPEG image", "run OCR on it first, then pass the text"),
    (b"GIF8", "a GIF image", "run OCR on it first, then pass the text"),
    (b"\x1f\x8b", "a gzip archive", "decompress it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "extract it first"),
    (b"Rar!", "a RAR archive", "extract it first"),
    (b"\x7fELF", "a program (ELF binary)", "pass a text file"),
)


@dataclass
class RawSource:
    """Decoded input: the text every span points into, and how it was obtained."""

    text: str
    path: str | None
    encoding: str
    confidence: float | None
    sha256: str
    size: int
    warnings: list[tuple[str, str]] = field(default_factory=list)
    format: str = "text"  # "text", or the reader's format: "docx", "html", "pdf", "doc"
    reader: str | None = None  # the library (and version) a reader extracted the text with


def _sniff_binary(data: bytes) -> None:
    head = data[:16]
    for magic, what, advice in _MAGIC:
        if head.startswith(magic):
            raise NotTextError(f"looks like {what}, not a text file: {advice}")


_IMPLAUSIBLE_RX = re.compile(
    "[^\\x20-\\x7e\\t\\n\\r\\u4e00-\\u9fff\\u3400-\\u4dbf\\u3000-\\u303f\\uff00-\\uffef\\u2000-\\u206f\\u00a0\\u00b7]"
)


def plausibility(text: str) -> float:
    """Share of characters that Chinese plain text is made of (Han, ASCII, CJK punctuation…)."""
    sample = text[:20000]
    if not sample:
        return 0.0
    return 1.0 - len(_IMPLAUSIBLE_RX.findall(sample)) / len(sample)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: the byte pairs decode to plausible Chinese or ASCII text. An odd last
    byte (a truncated file) does not count against it; decoding replaces it with a warning."""
    if len(data) < 4:
        return None
    sample = data[:min(40000, len(data) & ~1)]
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            score = plausibility(sample.decode(enc))
        except UnicodeDecodeError:
            continue
        if best is None or score > best[0]:
            best = (score, enc)
    if best is not None and best[0] >= 0.97:
        return best[1]
    return None


def _detect(data: bytes) -> tuple[str, float | None]:
    """Pick a legacy Chinese encoding for bytes that are not UTF-8.

    chardet (≥ 7) was chosen by measurement (benchmarks/encodings.py): on GBK and Big5 snippets
    of 12 to 3,000 characters cut from the samples it named a correct encoding every time, where
    charset-normalizer confused short GBK and Big5 snippets.
    """
    import chardet

    result = chardet.detect(data[:4096])
    name = (result.get("encoding") or "").lower().replace("-", "_")
    raw_conf = result.get("confidence")
    confidence: float | None = float(raw_conf) if raw_conf is not None else None
    enc = _CANONICAL.get(name) or _CANONICAL.get(name.replace("_", "-"))
    if enc is None:
        # an answer outside the Chinese encodings: trust it only if it decodes to plausible text
        try:
            if plausibility(data[:4096].decode(name)) >= 0.95:
                enc = name
        except (LookupError, UnicodeDecodeError):
            pass
        if enc is None:
            enc, confidence = "gb18030", None
    return enc, round(confidence, 3) if confidence is not None else None


def decode(data: bytes, *, path: str | None = None, encoding: str | None = None) -> RawSource:
    """Decode ``data``; ``encoding`` overrides detection."""
    digest = hashlib.sha256(data).hexdigest()
    warnings: list[tuple[str, str]] = []
    confidence: float | None = 1.0
    body = data
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as exc:
            raise InputError(f"unknown encoding {encoding!r}: use a Python codec name such as gb18030 or big5") from exc
        enc = codec
    else:
        enc = ""
        text_utf8: str | None = None
        for bom, name in _BOMS:
            if data.startswith(bom):
                enc = name
                break
        if not enc and b"\x00" in data[:65536]:
            utf16 = _looks_utf16(data)
            if utf16 is None:
                raise NotTextError("looks like a binary file (it contains NUL bytes), not text: pass a plain-text plan")
            enc, confidence = utf16, 0.9
        if not enc:
            try:
                text_utf8 = data.decode("utf-8")
                enc = "utf-8"
            except UnicodeDecodeError as exc:
                if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
                    enc = "utf-8"  # a truncated last character
                elif _mostly_utf8(data):
                    enc, confidence = "utf-8", 0.9
                else:
                    utf16 = _looks_utf16(data)
                    if utf16 is not None:
                        enc, confidence = utf16, 0.9
                    else:
                        enc, confidence = _detect(data)
    try:
        text = text_utf8 if encoding is None and text_utf8 is not None else body.decode(enc)
    except UnicodeDecodeError as exc:
        text = body.decode(enc, errors="replace")
        warnings.append(("decode_error",
                         f"bytes that are not valid {enc} were replaced with U+FFFD; "
                         f"the first is at byte offset {exc.start}"))
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise NotTextError("looks like a binary file (it contains NUL characters), not text: pass a plain-text plan")
    return RawSource(text=text, path=path, encoding=enc.replace("_", "-"), confidence=confidence,
                     sha256=digest, size=len(data), warnings=warnings)


def _mostly_utf8(data: bytes) -> bool:
    """True when the non-ASCII bytes are mostly valid UTF-8 (a file with a few broken bytes).

    Legacy Chinese encodings almost never form valid multi-byte UTF-8 sequences by chance, so a
    handful of good sequences outnumbering the bad ones is strong evidence.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 4 and bad <= good * 0.25


def max_bytes() -> int:
    """The largest input accepted: ``GOVPLAN_MAX_BYTES`` (bytes, or with a K, M or G suffix), else
    ``MAX_BYTES``."""
    given = os.environ.get("GOVPLAN_MAX_BYTES", "").strip()
    if not given:
        return MAX_BYTES
    m = re.fullmatch(r"(\d{1,15})\s*([kmg]?)i?b?", given.lower())
    if m is None:
        raise InputError(f"GOVPLAN_MAX_BYTES={given!r} is not a size; give bytes or e.g. 64M, 1G")
    return int(m.group(1)) * _SUFFIXES[m.group(2)]


def _too_large(what: str, limit: int) -> InputError:
    return InputError(f"{what}: more than {limit:,} bytes, the largest input accepted: split it, or raise "
                      "the limit with GOVPLAN_MAX_BYTES (e.g. GOVPLAN_MAX_BYTES=256M)")


def read_limited(stream: BinaryIO, what: str, limit: int | None = None) -> bytes:
    """All of ``stream``, counted as it is read: an endless one (/dev/zero, a pipe that never closes
    with data) stops at ``limit`` + 1 bytes with an error instead of filling memory."""
    limit = max_bytes() if limit is None else limit
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(what, limit)


def read_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file, with one clear error for each way that can fail. A FIFO or
    device is refused before it is opened (opening a FIFO waits for a writer; a device may never
    end): such input goes through standard input, whose reading is bounded too."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{path}: is a directory; give a file (use 'govplan batch' for folders)")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: not a regular file (a FIFO, device or socket); save it to a file, "
                             "or pipe a plan to standard input ('-')")
        limit = max_bytes() if limit is None else limit
        if st.st_size > limit:
            raise _too_large(str(path), limit)
        with path.open("rb") as fh:
            return read_limited(fh, str(path), limit)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def read_bytes(data: bytes, *, path: str | None = None, encoding: str | None = None) -> RawSource:
    limit = max_bytes()
    if len(data) > limit:
        raise _too_large(path or "input", limit)
    from .readers import sniff

    fmt = sniff(data, path)
    if fmt is None:
        _sniff_binary(data)
        return decode(data, path=path, encoding=encoding)
    return read_format(fmt, data, path=path, encoding=encoding)


def read_format(fmt: str, data: bytes, *, path: str | None = None, encoding: str | None = None) -> RawSource:
    """Read ``data`` with the reader of ``fmt`` (a key of ``readers.FORMATS``)."""
    from . import readers

    extracted = readers.read(fmt, data, path, encoding=encoding)
    text = extracted.text
    if text.startswith("\ufeff"):
        text = text[1:]
    return RawSource(text=text, path=path, encoding=extracted.encoding, confidence=extracted.confidence,
                     sha256=hashlib.sha256(data).hexdigest(), size=len(data), warnings=list(extracted.warnings),
                     format=extracted.format, reader=extracted.reader)


def read_path(path: Path, *, encoding: str | None = None) -> RawSource:
    """Read a file, with one clear error for each way that can fail."""
    data = read_file(path)
    try:
        return read_bytes(data, path=str(path), encoding=encoding)
    except NotTextError as exc:
        raise NotTextError(f"{path}: {exc}") from exc
