"""Find and read the numbers of a text, with their character offsets.

Works on the simplified view (两, 万, 点). Handles Chinese numerals in every
form these texts use (四百八十, 四千零三十五, 一万二千五百, 两万二千, colloquial
二百五 = 250), 百分之X (with 点 decimals), Arabic and full-width digits with
thousands separators and decimal points (normalization made them ASCII),
and Arabic numbers with 万/亿. cn2an reads bare numerals; scanning, offsets,
dates, ordinals and idioms are ours (see LIBRARY_NOTES.md).

Not numbers: ordinals (第一年, 第九条), dates (一九五五年九月, 十月底), and
words that contain numeral characters (一般, 统一, 三定: schemas/qualifiers.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from pipeline import vocab

CN_DIGITS = "〇零一二三四五六七八九两"
CN_MULT = "十百千万亿"
CN_CHARS = CN_DIGITS + CN_MULT + "廿卅"
_CN_RUN = re.compile(rf"[{CN_CHARS}]+(?:点[{CN_DIGITS}]+)?")
_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?P<mult>[万亿])?")
_PERCENT = re.compile(rf"百分之(?P<num>[{CN_CHARS}]+(?:点[{CN_DIGITS}]+)?|\d+(?:\.\d+)?)")
_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_MONTH_AFTER = "底初中上下份间末"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    value: float
    text: str
    percent: bool = False


def parse_chinese(s: str) -> float | None:
    """Value of a bare Chinese numeral, or None. `二百五` → 250, `二十点二` → 20.2."""
    if not s:
        return None
    if "点" in s:
        whole, frac = s.split("点", 1)
        w = parse_chinese(whole)
        if w is None or not frac or any(c not in _DIGIT_VALUE for c in frac):
            return None
        return float(f"{int(w)}.{''.join(str(_DIGIT_VALUE[c]) for c in frac)}")
    if all(c in _DIGIT_VALUE for c in s) and len(s) > 1:
        return float("".join(str(_DIGIT_VALUE[c]) for c in s))  # digit by digit: 一九五五
    s2 = s.replace("廿", "二十").replace("卅", "三十")
    if s2[0] in "百千万亿":  # 百余个: a bare multiplier counts one of it
        s2 = "一" + s2
    s2 = s2[0] + s2[1:].replace("两", "二") if s2 else s2
    if s2.startswith("两"):
        s2 = "二" + s2[1:]
    try:
        return float(cn2an.cn2an(s2, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def parse_number_text(s: str) -> float | None:
    """Value of a written number: Chinese, Arabic (with , and . ), or 百分之X (its X)."""
    s = s.strip().translate(_FULLWIDTH)
    if m := _PERCENT.fullmatch(s):
        s = m.group("num")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    return parse_chinese(s)


@lru_cache(maxsize=1)
def _idioms() -> tuple[frozenset[str], re.Pattern | None]:
    """Numeral idioms: those written only in numeral characters (万一), which count when a run is
    exactly one of them, and the others (一般, 统一), which hide any run they overlap. The others
    are one pattern, longest first, looked for at every position (a lookahead, so they may overlap)."""
    words = vocab.words("qualifiers", "numeral_idioms")
    alone = frozenset(w for w in words if all(c in CN_CHARS for c in w))
    inside = sorted((w for w in words if w not in alone), key=len, reverse=True)
    pattern = re.compile("(?=(" + "|".join(map(re.escape, inside)) + "))") if inside else None
    return alone, pattern


def _idiom_mask(text: str) -> bytearray:
    """1 at every character of `text` that lies inside a numeral idiom such as 一般 or 统一."""
    mask = bytearray(len(text) + 1)
    pattern = _idioms()[1]
    if pattern is not None:
        for m in pattern.finditer(text):
            mask[m.start(1):m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
    return mask


def _is_date(text: str, start: int, end: int, run: str) -> bool:
    after = text[end:end + 1]
    before = text[start - 1:start] if start else ""
    if after == "年":
        digits = all(c in _DIGIT_VALUE for c in run) and len(run) == 4
        arabic = run.isdigit() and 1800 <= int(run) <= 2100
        return digits or arabic
    if after == "月":
        if before == "年":
            return True
        nxt = text[end + 1:end + 2]
        value = parse_chinese(run) if not run.isdigit() else float(run)
        return value is not None and 1 <= value <= 12 and (nxt in _MONTH_AFTER or bool(re.match(
            rf"[{CN_CHARS}\d]+[日号]", text[end + 1:end + 5])))
    if after in "日号" and before == "月":
        return True
    return False


def find_numbers(text: str) -> list[Number]:
    """Every number in `text` (simplified view), in order, without ordinals, dates or idioms."""
    found: list[Number] = []
    taken = [False] * (len(text) + 1)

    def add(n: Number) -> None:
        found.append(n)
        for k in range(n.start, n.end):
            taken[k] = True

    for m in _PERCENT.finditer(text):
        value = parse_number_text(m.group("num"))
        if value is not None:
            add(Number(m.start(), m.end(), value, m.group(0), percent=True))
    for m in _ARABIC.finditer(text):
        if taken[m.start()] or (m.start() and text[m.start() - 1] == "第"):
            continue
        run = m.group(0)
        if _is_date(text, m.start(), m.end(), run.rstrip("万亿")):
            continue
        value = float(m.group(1).replace(",", "") + (f".{m.group(2)}" if m.group(2) else ""))
        value *= {"万": 1e4, "亿": 1e8}.get(m.group("mult") or "", 1)
        add(Number(m.start(), m.end(), value, run))
    idioms_alone, idiom_mask = _idioms()[0], None
    for m in _CN_RUN.finditer(text):
        start, run = m.start(), m.group(0)
        if taken[start]:
            continue
        # a 两 after other numerals is the unit liang: 十二两, 八两
        cut = next((k for k in range(1, len(run)) if run[k] == "两"), None)
        if cut is not None:
            run = run[:cut]
        end = start + len(run)
        if start and text[start - 1] == "第":
            continue
        if start and text[start - 1] in "百" and text[start - 1:start + 3].startswith("百分之"):
            continue
        if run in idioms_alone:
            continue
        if idiom_mask is None:  # made once per text, and only for a text with a numeral run
            idiom_mask = _idiom_mask(text)
        if any(idiom_mask[start:end]) or _is_date(text, start, end, run):
            continue
        value = parse_chinese(run)
        if value is None:
            continue
        add(Number(start, end, value, run))
    return sorted(found, key=lambda n: n.start)
