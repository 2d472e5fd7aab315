"""A minimal PDF writer for reader tests: text placed exactly where a test wants it.

Text is set in Adobe's predefined Chinese font STSong-Light with the UniGB-UCS2-H encoding, which
PDF readers map to Unicode without an embedded font (every character is 1 em wide), so a test can
build Chinese pages with running headers, page numbers and wrapped paragraphs in a few lines.
"""

from __future__ import annotations

# (x, top, size, text): top is measured from the top of the page, as pdfplumber reports it
Text = tuple[float, float, float, str]
# (x0, top0, x1, top1): a straight line
Stroke = tuple[float, float, float, float]


def make_pdf(pages: list[list[Text]], width: float = 595.0, height: float = 842.0, *, unmapped: bool = False,
             strokes: list[list[Stroke]] | None = None, landscape: frozenset[int] = frozenset(),
             count: int | None = None) -> bytes:
    """A PDF of ``pages``; ``unmapped`` draws glyph numbers (Identity-H) that map to no characters;
    ``strokes`` are straight lines drawn on each page; pages whose index is in ``landscape`` are turned;
    ``count`` is the page count the page tree declares, if it is to lie."""
    encoding, ordering = (b"Identity-H", b"Identity") if unmapped else (b"UniGB-UCS2-H", b"GB1")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /%s /DescendantFonts [4 0 R] >>"
        % encoding,
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 2 >> /DW 1000 "
        b"/FontDescriptor 5 0 R >>" % ordering,
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    portrait = (width, height)
    for n, texts in enumerate(pages):
        width, height = portrait[::-1] if n in landscape else portrait
        ops = [f"{x0:g} {height - t0:g} m {x1:g} {height - t1:g} l S" for x0, t0, x1, t1 in (strokes or [])[n]] \
            if strokes and n < len(strokes) else []
        for x, top, size, text in texts:
            baseline = height - top - 0.88 * size
            ops.append(f"BT /F1 {size:g} Tf {x:g} {baseline:g} Td <{text.encode('utf-16-be').hex()}> Tj ET")
        stream = "\n".join(ops).encode("ascii")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (width, height, content))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{k} 0 R" for k in kids).encode(),
                                                              len(kids) if count is None else count)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def paragraph(text: str, *, x: float, top: float, size: float, per_line: int, indent: int = 2,
              leading: float = 1.75) -> list[Text]:
    """``text`` wrapped at ``per_line`` characters, its first line indented by ``indent`` characters."""
    lines: list[Text] = []
    first = per_line - indent
    chunks = [text[:first]] + [text[i:i + per_line] for i in range(first, len(text), per_line)]
    for n, chunk in enumerate(chunks):
        if chunk:
            lines.append((x + (indent * size if n == 0 else 0), top + n * leading * size, size, chunk))
    return lines
