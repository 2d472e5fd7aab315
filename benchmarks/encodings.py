"""Measure encoding detectors on Chinese text: which one should govplan use?

Cuts snippets of several lengths from the bundled samples, encodes each in every legacy encoding
it can be represented in (GB18030/GBK, Big5), and asks each detector for the encoding. A guess
counts as right when decoding with it gives back the original text (GB2312 for a GBK snippet that
only uses GB2312 characters is right; Big5 for GBK bytes is wrong).

    python benchmarks/encodings.py
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))
LENGTHS = (12, 30, 80, 300, 3000)
ENCODINGS = ("gb18030", "gbk", "big5")


def _charset_normalizer(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return best.encoding if best else None


def _charset_normalizer_cjk(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    return best.encoding if best else None


def _chardet(data: bytes) -> str | None:
    import chardet

    return chardet.detect(data)["encoding"]


def _govplan(data: bytes) -> str | None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from govplan.read import decode

    return decode(data).encoding


DETECTORS: dict[str, Callable[[bytes], str | None]] = {
    "charset-normalizer": _charset_normalizer,
    "charset-normalizer (gb18030/big5 only)": _charset_normalizer_cjk,
    "chardet": _chardet,
    "govplan.read": _govplan,
}


def snippets(rng: random.Random) -> list[str]:
    out: list[str] = []
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        for n in LENGTHS:
            for _ in range(8):
                start = rng.randrange(0, max(1, len(text) - n))
                out.append(text[start:start + n])
    return out


def main() -> int:
    rng = random.Random(7)
    cases: list[tuple[str, int, bytes, str]] = []
    for snippet in snippets(rng):
        for enc in ENCODINGS:
            try:
                cases.append((enc, len(snippet), snippet.encode(enc), snippet))
            except UnicodeEncodeError:
                continue
    print(f"{len(cases)} cases from {len(SAMPLES)} samples, lengths {LENGTHS}")
    for name, detect in DETECTORS.items():
        try:
            detect(b"test")
        except ImportError:
            print(f"{name}: not installed")
            continue
        right: dict[tuple[str, int], int] = defaultdict(int)
        total: dict[tuple[str, int], int] = defaultdict(int)
        t0 = time.perf_counter()
        for enc, n, data, original in cases:
            guess = detect(data)
            ok = False
            if guess:
                try:
                    ok = data.decode(guess) == original
                except (UnicodeDecodeError, LookupError):
                    ok = False
            right[(enc, n)] += ok
            total[(enc, n)] += 1
        elapsed = time.perf_counter() - t0
        print(f"\n{name}  ({elapsed:.1f}s)")
        print("  encoding " + "".join(f"{n:>8}" for n in LENGTHS))
        for enc in ENCODINGS:
            cells = "".join(
                f"{right[(enc, n)] / total[(enc, n)]:8.0%}" if total[(enc, n)] else f"{'-':>8}" for n in LENGTHS
            )
            print(f"  {enc:8} {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
