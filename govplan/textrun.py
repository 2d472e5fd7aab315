"""A piece of text joined from several source ranges, with positions mapped back."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass
class TextRun:
    """``match`` and ``clean`` are joined the same way; ``pieces`` map them to normalised text."""

    match: str
    clean: str
    run_starts: list[int]
    norm_starts: list[int]
    lengths: list[int]

    @classmethod
    def join(cls, match: str, clean: str, parts: list[tuple[str, int, int]]) -> TextRun:
        """Join normalised ranges ``(separator, start, end)``; separators map to the range before."""
        m_out: list[str] = []
        c_out: list[str] = []
        run_starts: list[int] = []
        norm_starts: list[int] = []
        lengths: list[int] = []
        pos = 0
        for sep, a, b in parts:
            if b < a:
                b = a
            if sep and m_out:
                m_out.append(sep)
                c_out.append(sep)
                pos += len(sep)
            run_starts.append(pos)
            norm_starts.append(a)
            lengths.append(b - a)
            m_out.append(match[a:b])
            c_out.append(clean[a:b])
            pos += b - a
        return cls("".join(m_out), "".join(c_out), run_starts, norm_starts, lengths)

    def to_norm(self, i: int) -> int:
        """Normalised position of run position ``i`` (a separator maps to the end of its piece)."""
        starts = self.run_starts
        if len(starts) <= 1:  # one piece (most cells and items): no search
            return self.norm_starts[0] + min(i - starts[0], self.lengths[0]) if starts else 0
        k = max(bisect.bisect_right(starts, i) - 1, 0)
        off = i - self.run_starts[k]
        if off > self.lengths[k]:
            off = self.lengths[k]
        return self.norm_starts[k] + off

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Normalised [start, end) of run [a, b)."""
        if b <= a:
            p = self.to_norm(a)
            return p, p
        return self.to_norm(a), self.to_norm(b - 1) + 1

    def parts(self, ns: int, ne: int) -> list[tuple[int, int]] | None:
        """The normalised pieces that [ns, ne) is made of, when it spans text left out between
        them (a dropped page number); None when it is one stretch of the normalised text."""
        out: list[tuple[int, int]] = []
        for s, n in zip(self.norm_starts, self.lengths, strict=True):
            a, b = max(s, ns), min(s + n, ne)
            if a < b:
                if out and out[-1][1] == a:
                    out[-1] = (out[-1][0], b)
                else:
                    out.append((a, b))
        if len(out) < 2 or out[0][0] != ns or out[-1][1] != ne:
            return None
        return out
