"""Character-level normalization of one paragraph, recording each character's origin."""
from __future__ import annotations

from array import array

from pipeline.ingest.layouts.common import Line

# one character for one: offsets survive
_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_WIDTH.update({"％": "%", "～": "~", "＋": "+", "＝": "=", "／": "/", "＜": "<", "＞": ">"})
_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_DECIMAL_POINTS = {"．", "。", "·", "."}
_WS = " \t\u3000\xa0\r\n\f\v"


def is_cjkish(ch: str) -> bool:
    """Ideographs, CJK punctuation and full-width forms: a space beside one is a wrap artefact."""
    o = ord(ch)
    return 0x3000 <= o <= 0x303F or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def normalize_lines(text: str, group: list[Line], language: str, table_row: bool) -> tuple[str, array]:
    """Join the lines of one paragraph and normalize; return the text and origins."""
    chars: list[str] = []
    origin = array("l")
    for ln in group:
        a, b = ln.start + ln.indent, ln.end
        while b > a and text[b - 1] in _WS:
            b -= 1
        if chars:  # a wrap break between lines
            _maybe_space(chars, origin, text, a, ln.start - 1)
        i = a
        while i < b:
            ch = text[i]
            if ch in _WS:
                j = i
                while j < b and text[j] in _WS:
                    j += 1
                if table_row:
                    chars.append(" ")
                    origin.append(i)
                else:
                    _maybe_space(chars, origin, text, j, i)
                i = j
                continue
            chars.append(ch)
            origin.append(i)
            i += 1
    _substitute(chars, language)
    return "".join(chars), origin


def _maybe_space(chars: list[str], origin: array, text: str, next_index: int, at: int) -> None:
    """Keep one space between two non-Chinese characters (English words); drop it otherwise."""
    if not chars or next_index >= len(text):
        return
    prev, nxt = chars[-1], text[next_index]
    if is_cjkish(prev) or is_cjkish(nxt):
        return
    chars.append(" ")
    origin.append(at)


def _substitute(chars: list[str], language: str) -> None:
    n = len(chars)
    for k, ch in enumerate(chars):
        if ch in _WIDTH:
            chars[k] = _WIDTH[ch]
    for k, ch in enumerate(chars):
        prev = chars[k - 1] if k else ""
        nxt = chars[k + 1] if k + 1 < n else ""
        between_digits = prev.isascii() and prev.isdigit() and nxt.isascii() and nxt.isdigit()
        if ch in _DECIMAL_POINTS and between_digits:
            chars[k] = "."
        elif language == "zh" and ch in _TO_FULL and not between_digits:
            chars[k] = _TO_FULL[ch]
