"""Place names in a text: gazetteer entries, names before a place suffix, party committees."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline import vocab

_CJK = r"[\u4e00-\u9fff]"
# characters that show a suffix match is a phrase, not a name: 全省, 今年全省, 各县, 本市, 的县
NOT_IN_NAMES = "全该本各每今年的和与及在"


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    name: str  # as in the text (simplified view)
    level: str


@lru_cache(maxsize=1)
def _gazetteer() -> list[tuple[str, str]]:
    data = vocab.load("places")
    return sorted(((vocab.simplified(p["name"]), p["level"]) for p in data["places"]), key=lambda e: -len(e[0]))


@lru_cache(maxsize=1)
def _gazetteer_patterns() -> list[tuple[str, str, re.Pattern]]:
    return [(name, level, re.compile(re.escape(name))) for name, level in _gazetteer()]


@lru_cache(maxsize=1)
def _gazetteer_names() -> frozenset[str]:
    return frozenset(n for n, _ in _gazetteer())


@lru_cache(maxsize=1)
def _suffix_res() -> list[tuple[re.Pattern, str, bool, str]]:
    """(pattern, level, is a committee, the suffix word) of each suffix rule."""
    data = vocab.load("places")
    out = []
    for e in data["committee_suffixes"]:
        w = vocab.simplified(e["word"])
        out.append((re.compile(rf"({_CJK}{{2}}){w}"), e["level"], True, w))
    for e in data["suffixes"]:
        w = vocab.simplified(e["word"])
        out.append((re.compile(rf"({_CJK}{{2,3}}?{w})"), e["level"], False, w))
    return out


@lru_cache(maxsize=1)
def anaphora() -> tuple[str, ...]:
    return tuple(vocab.words("places", "anaphora"))


def find_places(text: str, tagged: list[tuple[int, str, str]] | None = None) -> list[Place]:
    """Places in order of appearance; overlapping finds keep the gazetteer's, then the longest.

    `tagged` holds the text's words as (start, word, part-of-speech tag); a word tagged `ns` is a place.
    """
    found: list[Place] = []
    taken = [False] * (len(text) + 1)

    def add(start: int, end: int, name: str, level: str) -> None:
        if any(taken[start:end]):
            return
        found.append(Place(start, end, name, level))
        for k in range(start, end):
            taken[k] = True

    for name, level, pattern in _gazetteer_patterns():
        if name in text:
            for m in pattern.finditer(text):
                add(m.start(), m.end(), name, level)
    gazetteer_names = _gazetteer_names()
    for rx, level, committee, suffix in _suffix_res():
        if suffix not in text:
            continue
        for m in rx.finditer(text):
            name = m.group(1)
            stem = name if committee else name[:-1]
            if name in anaphora() or any(c in stem for c in NOT_IN_NAMES):
                continue
            if not committee and name not in gazetteer_names and len(name) < 3:
                continue
            if committee:  # 长治地委 stands for the gazetteer's 长治专区 where there is one
                name = next((g for g, lv in _gazetteer() if g.startswith(name) and lv == level), name)
            add(m.start(1), m.end(1), name, level)
    for start, word, flag in tagged or ():
        # jieba's place tag misfires on short words (入春): trust it for longer names only
        if flag == "ns" and len(word) >= 3:
            add(start, start + len(word), word, "place")
    return sorted(found, key=lambda p: p.start)
