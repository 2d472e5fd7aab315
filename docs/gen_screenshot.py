"""Write docs/review.png, the README's screenshot of the review page: ``python docs/gen_screenshot.py``.

Needs chromium (tests/cdp.py drives it) and Pillow (installed with the test extra, through
pdfplumber) to cut the PNG down to a small palette.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govplan.pipeline import run  # noqa: E402
from govplan.read import read_path  # noqa: E402
from govplan.review import review_html  # noqa: E402
from tests.cdp import Browser, find_chromium  # noqa: E402

PLAN = ROOT / "tests" / "fixtures" / "a-notice-with-plan.txt"
OUT = Path(__file__).resolve().parent / "review.png"


def main() -> None:
    exe = find_chromium()
    if exe is None:
        sys.exit("no chromium: apt-get install chromium")
    raw = read_path(PLAN)
    doc = run(raw).document
    assert doc is not None
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "review.html"
        page.write_text(review_html(raw.text, doc).replace(str(PLAN), PLAN.relative_to(ROOT).as_posix()),
                        encoding="utf-8")
        shot = Path(tmp) / "shot.png"
        with Browser(exe, width=1280, height=760) as b:
            b.open(page.as_uri())
            b.click('#tree a.node[data-item="i3"]')  # 一、(一): its text outlined, its record on the right
            b.click('#text [data-item="i3"] mark.target')
            b.click('#tree a.node[data-item="i3"]')
            b.screenshot(shot)
        from PIL import Image

        Image.open(shot).convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
