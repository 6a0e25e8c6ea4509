"""Character-level normalization of one paragraph, recording each character's origin."""
from __future__ import annotations

import re
from array import array

from pipeline.chars import FORMAT_CHARS, Line

# one character for one: offsets survive
_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_WIDTH.update({"％": "%", "～": "~", "＋": "+", "＝": "=", "／": "/", "＜": "<", "＞": ">"})
_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_DECIMAL_POINTS = {"．", "。", "·", "."}
_WS = " \t\u3000\xa0\r\n\f\v"
_ASCII_DIGITS = frozenset("0123456789")


def is_cjkish(ch: str) -> bool:
    """Ideographs, CJK punctuation and full-width forms: a space beside one is a wrap artefact."""
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


_WIDTH_TABLE = str.maketrans(_WIDTH)
# format characters (pipeline/chars.py) are dropped like the whitespace of a wrap, never turned into a space
_WS_RUN = re.compile(f"[{re.escape(_WS)}{FORMAT_CHARS}]+")
_FORMAT_ONLY = re.compile(f"[{FORMAT_CHARS}]+")
# substitutions that look at the neighbours; none makes or unmakes a digit, so order does not matter
_DECIMAL_POINT = re.compile(f"(?<=[0-9])[{''.join(_DECIMAL_POINTS)}](?=[0-9])")
_HALF_WIDTH_PUNCTUATION = re.compile(f"[{re.escape(''.join(_TO_FULL))}]")


def normalize_lines(text: str, group: list[Line], language: str, table_row: bool) -> tuple[str, array]:
    """Join the lines of one paragraph and normalize; return the text and origins."""
    parts: list[str] = []  # non-empty pieces of the result
    origin = array("l")

    def keep(a: int, b: int) -> None:
        if b > a:
            parts.append(text[a:b])
            origin.extend(range(a, b))

    for ln in group:
        a, b = ln.start + ln.indent, ln.end
        while b > a and text[b - 1] in _WS:
            b -= 1
        if parts:  # a wrap break between lines
            _maybe_space(parts, origin, text, a, ln.start - 1)
        i = a
        for ws in _WS_RUN.finditer(text, a, b):
            keep(i, ws.start())
            if _FORMAT_ONLY.fullmatch(ws.group()):  # invisible characters inside a word or a number: dropped
                i = ws.end()
                continue
            if table_row:  # a flattened table keeps its row breaks (three spaces or more) as tabs
                parts.append("\t" if ws.end() - ws.start() >= 3 and i > a else " ")
                origin.append(ws.start())
            else:
                _maybe_space(parts, origin, text, ws.end(), ws.start())
            i = ws.end()
        keep(i, b)
    return _substitute("".join(parts), language), origin


def _maybe_space(parts: list[str], origin: array, text: str, next_index: int, at: int) -> None:
    """Keep one space between two non-Chinese characters (English words); drop it otherwise."""
    if not parts or next_index >= len(text):
        return
    prev, nxt = parts[-1][-1], text[next_index]
    if is_cjkish(prev) or is_cjkish(nxt):
        return
    parts.append(" ")
    origin.append(at)


def _substitute(s: str, language: str) -> str:
    """Full-width digits and letters to ASCII; a full stop between digits to a decimal point; in Chinese,
    half-width punctuation to full width unless between digits (1,000). One character for one."""
    s = _DECIMAL_POINT.sub(".", s.translate(_WIDTH_TABLE))
    if language == "zh":
        s = _HALF_WIDTH_PUNCTUATION.sub(lambda m: m.group() if _between_digits(s, m.start()) else _TO_FULL[m.group()],
                                        s)
    return s


def _between_digits(s: str, k: int) -> bool:
    return 0 < k < len(s) - 1 and s[k - 1] in _ASCII_DIGITS and s[k + 1] in _ASCII_DIGITS
