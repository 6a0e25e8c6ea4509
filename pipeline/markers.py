"""Structural markers of Chinese regulation texts and their numbers.

Shared by the readers (to tell a title line from a first article) and the
structure stage. Patterns run on normalized text, where brackets and colons
are full-width. Each enumeration family has its own pattern, so the structure
stage can tell which family numbers the articles of a text and which its items:

    第三章          chapter            第九条         article (第N条)
    一、            enum               （一）         paren_cn
    （1）           paren_ar           1．  1.        dot_ar
    1、             dunhao_ar          （甲） 甲、    gan (heavenly stems)
    第一，          point (an inline point of an argument)
    第一表          table caption      〔1〕 [1] ①    footnote
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.grammar import HAN_NUMERALS, NUMERAL_CLASS, fold_digits, read_integer

NUMERAL_CHARS = NUMERAL_CLASS  # a regex class body: Han numerals and Arabic digits (pipeline/grammar.py)
CN_NUMERALS = HAN_NUMERALS
STEMS = "甲乙丙丁戊己庚辛壬癸"
# a misprinted number keeps stray dashes or dots: 第二十-条
_NUM = rf"[{NUMERAL_CHARS}][{NUMERAL_CHARS}\-－—一·.\s]{{0,8}}?"

CHAPTER_RE = re.compile(rf"^第\s*(?P<num>{_NUM})\s*章")
ARTICLE_RE = re.compile(rf"^第\s*(?P<num>{_NUM})\s*[條条]")
TABLE_CAPTION_RE = re.compile(rf"^第\s*(?P<num>[{CN_NUMERALS}0-9]{{1,4}})\s*表")
ITEM_RE = re.compile(rf"^[（(]\s*(?P<num>[{NUMERAL_CHARS}]{{1,4}})\s*[）)]")
PAREN_CN_RE = re.compile(rf"^[（(]\s*(?P<num>[{CN_NUMERALS}]{{1,4}})\s*[）)]")
PAREN_AR_RE = re.compile(r"^[（(]\s*(?P<num>[0-9]{1,3})\s*[）)]")
# 一、 (and, misprinted inside brackets, （十七、…）); 四十一、 may be followed by a space. Han numerals only: 1、 is
# a family of its own (dunhao_ar), the items under 一、 titles as often as a text's articles
ENUM_RE = re.compile(rf"^[（(]?(?P<num>[{CN_NUMERALS}]{{1,4}})\s*[、]")
DOT_AR_RE = re.compile(r"^(?P<num>[0-9]{1,3})\s*[．.](?![0-9])")
DUNHAO_AR_RE = re.compile(r"^(?P<num>[0-9]{1,3})\s*、")
# （甲） or 甲、, not 甲、乙双方 (two parties named)
GAN_RE = re.compile(rf"^[（(]?(?P<num>[{STEMS}])(?:(?<=[（(][{STEMS}])[）)]|、(?![{STEMS}]))")
POINT_RE = re.compile(rf"^第(?P<num>[{CN_NUMERALS}]{{1,3}})\s*[，、,：:]")
FOOTNOTE_RE = re.compile(r"^(?:[〔\[【](?P<num>[0-9]{1,3})[〕\]】]|(?P<circled>[①-⑳]))")
NOTE_RE = re.compile(r"^(?P<word>註|注|附註|附注|說明|说明|注釋|注释|注解)\s*[：:]")
NOTES_HEADING_RE = re.compile(r"^(?:註釋|注释|注解|附註|附注|编者注|編者注)\s*$")
SECTION_RE = re.compile(r"^(?P<hashes>#{1,6})\s*(?P<heading>[^#\s].*)$")

FAMILIES = {  # family → pattern, in the order they are tried on a paragraph
    "tiao": ARTICLE_RE,
    "gan": GAN_RE,
    "paren_ar": PAREN_AR_RE,
    "paren_cn": PAREN_CN_RE,
    "enum": ENUM_RE,
    "dot_ar": DOT_AR_RE,
    "dunhao_ar": DUNHAO_AR_RE,
}
# inline enumerations run on inside a paragraph: （甲）…。（乙）…  ；（二）…
INLINE = {
    "gan": re.compile(rf"(?<=[。：:；;！!])\s*[（(]?(?P<num>[{STEMS}])(?:(?<=[（(][{STEMS}])[）)]|、(?![{STEMS}]))"),
    "paren_cn": re.compile(rf"(?<=[。：:；;！!])\s*[（(](?P<num>[{CN_NUMERALS}]{{1,3}})[）)]"),
    "paren_ar": re.compile(r"(?<=[。：:；;！!])\s*[（(](?P<num>[0-9]{1,3})[）)]"),
}

# inline points of an argument run on inside a paragraph: …：第一，…；第二，…
INLINE_POINT_RE = re.compile(rf"(?:^|(?<=[。：:；;！!]))\s*第(?P<num>[{CN_NUMERALS}]{{1,3}})\s*[，、,]")

@lru_cache(maxsize=4096)
def parse_number(raw: str) -> tuple[int | None, bool]:
    """The integer a marker gives, and whether it was misprinted.

    `九` → (9, False); `二十-` → (20, True); `一百零五` → (105, False); `乙` → (2, False).
    """
    s = re.sub(r"\s+", "", fold_digits(raw))
    if not s:
        return None, True
    if len(s) == 1 and s in STEMS:
        return STEMS.index(s) + 1, False
    if s.isdigit():
        return int(s), False
    value = read_integer(s)
    if value is not None:
        return value, False
    cleaned = re.sub(rf"[^{NUMERAL_CHARS}]", "", s)
    value = read_integer(cleaned) if cleaned else None
    return value, True


def family_of(text: str) -> tuple[str, re.Match] | None:
    """The enumeration family whose marker starts `text`, and the match."""
    for name, rx in FAMILIES.items():
        if m := rx.match(text):
            return name, m
    return None


def starts_with_marker(text: str) -> bool:
    t = text.strip()
    return any(rx.match(t) for rx in (CHAPTER_RE, ARTICLE_RE, ITEM_RE, ENUM_RE, NOTE_RE, GAN_RE, DOT_AR_RE,
                                      DUNHAO_AR_RE))
