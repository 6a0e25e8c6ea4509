"""Characters and lines every stage reads alike.

CJK_RE: a Han character (the unified block, extension A and the compatibility forms). Line and lines():
the lines of a text with their offsets in it, whatever its line ends (\r\n, \r, \n); the layout readers
cut a text into regions by them, and normalization joins them into paragraphs.

FORMAT_CHARS: Unicode format characters (category Cf: zero-width spaces and joiners, the soft hyphen,
bidirectional controls, the byte-order mark). Invisible in print, inside a copy they split numbers and
markers (四\u200b百二十斤, 第\u200b四条): normalization drops them as it drops a wrap's whitespace, and
ingest warns where a text holds them (E122). The original text keeps them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FORMAT_CHARS = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"  # a regex class body

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first character in the original
    end: int  # offset after the last character, line break excluded
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t\u3000"))


def lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Split text[start:end] into lines, keeping offsets; handles \\r\\n, \\r, \\n."""
    end = len(text) if end is None else end
    out, pos = [], start
    for m in re.finditer(r"\r\n|\r|\n", text[start:end]):
        brk = start + m.start()
        out.append(Line(pos, brk, text[pos:brk]))
        pos = start + m.end()
    if pos < end:
        out.append(Line(pos, end, text[pos:end]))
    return out
