"""Structural markers of Chinese regulation texts and their numbers.

Shared by the readers (to tell a title line from a first article) and the
structure stage. Patterns run on normalized text, where brackets and colons
are full-width.
"""
from __future__ import annotations

import re

import cn2an

NUMERAL_CHARS = "〇零一二三四五六七八九十百千兩两廿卅0-9"
# a misprinted number keeps stray dashes or dots: 第二十-条
_NUM = rf"[{NUMERAL_CHARS}][{NUMERAL_CHARS}\-－—一·.\s]{{0,8}}?"

CHAPTER_RE = re.compile(rf"^第\s*(?P<num>{_NUM})\s*章")
ARTICLE_RE = re.compile(rf"^第\s*(?P<num>{_NUM})\s*[條条]")
ITEM_RE = re.compile(rf"^[（(]\s*(?P<num>[{NUMERAL_CHARS}]{{1,4}})\s*[）)]")
ENUM_RE = re.compile(rf"^(?P<num>[{NUMERAL_CHARS}]{{1,4}})\s*[、]")
NOTE_RE = re.compile(r"^(?P<word>註|注|附註|附注|說明|说明)\s*[：:]")
SECTION_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<heading>.+)$")

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_number(raw: str) -> tuple[int | None, bool]:
    """The integer a marker gives, and whether it was misprinted.

    `九` → (9, False); `二十-` → (20, True); `一百零五` → (105, False).
    """
    s = re.sub(r"\s+", "", raw.translate(_FULLWIDTH))
    if not s:
        return None, True
    if s.isdigit():
        return int(s), False
    value = _cn(s)
    if value is not None:
        return value, False
    cleaned = re.sub(rf"[^{NUMERAL_CHARS}]", "", s)
    value = _cn(cleaned) if cleaned else None
    return value, True


def _cn(s: str) -> int | None:
    s = s.replace("兩", "二").replace("两", "二").replace("廿", "二十").replace("卅", "三十")
    try:
        v = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return int(v) if float(v).is_integer() and v >= 0 else None


def starts_with_marker(text: str) -> bool:
    t = text.strip()
    return any(rx.match(t) for rx in (CHAPTER_RE, ARTICLE_RE, ITEM_RE, ENUM_RE, NOTE_RE))
