"""Round trip: plan texts set as Word documents, printed to PDF by LibreOffice, read back by the PDF reader.

For each .txt given (files or folders), the script writes a .docx as an office would — each line a
justified paragraph with a first-line indent in 16 pt, runs of tab-separated lines as a ruled
table, a running header and page numbers — has LibreOffice print it to PDF, reads the PDF with
``govplan.readers.pdf`` and compares the records with those of the text: each item's path, units
with roles and deadline. It needs python-docx, the pdf extra and LibreOffice with a Chinese font.

    python benchmarks/pdf_roundtrip.py samples/ ../shared/realdev/docs/ [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

import govplan
from govplan.read import read_path
from govplan.readers import pdf


def _records(doc: govplan.Document) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []

    def walk(items: list[govplan.records.Item]) -> None:
        for it in items:
            due = it.deadline.due.isoformat() if it.deadline and it.deadline.due else None
            out.append((tuple(it.path), tuple((u.name, u.role) for u in it.units), due))
            walk(it.children)

    for plan in doc.plans:
        walk(plan.items)
    return out


def build_docx(text: str, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    sec.header.paragraphs[0].text = path.stem
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "formats"))
    from make_pdf_fixtures import _page_field

    _page_field(foot)
    style = d.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = "FangSong"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            rows = [line.split("\t") for line in lines[i:j]]
            width = max(len(r) for r in rows)
            table = d.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    p = table.cell(r, c).paragraphs[0]
                    p.add_run(cell.strip()).font.size = Pt(12)
            i = j
            continue
        line = lines[i].strip()
        p = d.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = Pt(28)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Pt(32)
        i += 1
    d.save(str(path))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", type=Path)
    ap.add_argument("--keep", type=Path, help="keep the .docx and .pdf files here")
    args = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice (soffice) is needed", file=sys.stderr)
        return 2
    texts = [p for arg in args.inputs for p in (sorted(arg.glob("*.txt")) if arg.is_dir() else [arg])]
    work = Path(tempfile.mkdtemp(prefix="govplan-roundtrip-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    for t in texts:
        raw = read_path(t)
        build_docx(raw.text, work / f"{t.stem}.docx")
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(work), *[str(work / f"{t.stem}.docx") for t in texts]],
                   check=True, capture_output=True, timeout=1800)
    total_same = total_txt = total_pdf = 0
    print(f"{'file':28} {'pages':>5} {'s/page':>7} {'items txt':>9} {'pdf':>5} {'same':>5}")
    for t in texts:
        data = (work / f"{t.stem}.pdf").read_bytes()
        started = time.monotonic()
        got = pdf.read(data, None)
        spent = time.monotonic() - started
        with pdfplumber.open(work / f"{t.stem}.pdf") as opened:
            pages = len(opened.pages)
        want = _records(govplan.parse_file(t))
        have = _records(govplan.parse_text(got.text))
        same = sum(1 for a, b in zip(want, have, strict=False) if a == b)
        total_same, total_txt, total_pdf = total_same + same, total_txt + len(want), total_pdf + len(have)
        print(f"{t.name[:28]:28} {pages:5d} {spent / pages:7.3f} {len(want):9d} {len(have):5d} {same:5d}")
    print(f"records identical, in order: {total_same} of {total_txt} (the PDFs gave {total_pdf})")
    if args.keep is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
