"""Facts: the counts, amounts, shares and durations that report what is or was, or a plan's figures.

Chinese facts are the quantities whose role is `fact` (pipeline/extract/roles.py;
headlines restate the body in rounded figures and are not read). Each gets
its qualifier, unit, value (a range keeps both ends), subject (the words it
measures), place (the last place named before it, carried across paragraphs;
全区 refers back to it) and the document's date.
English facts are the numbers of the translation, with English qualifiers;
each is matched to the Chinese fact of the same value in the aligned unit,
and flagged when none is found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline import vocab
from pipeline.extract.places import Place
from pipeline.extract.quantities import Quantity
from pipeline.extract.roles import FACT, Role
from pipeline.extract.subjects import subject_of

EN_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*(percent|per cent|%))?(?![\w])")
EN_SCALE = re.compile(r"^\s+(thousand|million|billion)\b")
EN_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


@dataclass
class Fact:
    start: int  # paragraph-relative
    end: int
    value: float
    qualifier: str
    unit: str | None
    unit_start: int | None
    unit_end: int | None
    subject: str | None
    place: str | None
    language: str
    flags: list[str] = field(default_factory=list)
    value_min: float | None = None
    value_max: float | None = None
    reason: str | None = None


def chinese_facts(text: str, quantities: list[Quantity], roles: list[Role], places: list[Place],
                  place_before: str | None) -> tuple[list[Fact], str | None]:
    """Facts of one paragraph; returns them and the last place named (for the next paragraph)."""
    out = []
    for q, role in zip(quantities, roles, strict=True):
        if role.role != FACT:
            continue
        place = _place_at(places, q.start, place_before)
        lo = q.value_min if q.value_min is not None else q.value_max
        hi = q.value_max if q.value_max is not None else q.value_min
        out.append(Fact(q.start, q.end, lo, q.qualifier, q.unit, q.unit_start, q.unit_end, subject_of(text, q),
                        place, "zh", list(q.flags), lo, hi, role.reason))
    last = places[-1].name if places else place_before
    return out, last


def _place_at(places: list[Place], pos: int, default: str | None) -> str | None:
    before = [p for p in places if p.end <= pos]
    if not before:
        return default
    # 山西省长治专区: adjacent names, the later one is the more precise
    return before[-1].name


@lru_cache(maxsize=1)
def _english_qualifiers() -> list[tuple[str, str]]:
    entries = [(w, e["qualifier"]) for e in vocab.load("qualifiers")["english"]["entries"] for w in e["words"]]
    return sorted(entries, key=lambda e: -len(e[0]))


def english_facts(text: str) -> list[Fact]:
    """Numbers of an English paragraph (years and ordinals left out)."""
    out = []
    for m in EN_NUMBER.finditer(text):
        whole, frac, pct = m.group(1), m.group(2), m.group(3)
        value = float(whole.replace(",", "") + (f".{frac}" if frac else ""))
        end = m.end()
        if not pct and (sm := EN_SCALE.match(text[end:])):
            value *= EN_SCALES[sm.group(1)]
            end += sm.end()
        if not pct and "," not in whole and not frac and 1800 <= value <= 2100:
            continue  # a year
        if re.match(r"(st|nd|rd|th)\b", text[m.end():]):
            continue
        before = text[:m.start()].rstrip().lower()
        qual = next((q for w, q in _english_qualifiers() if before.endswith(w)), "exact")
        start = m.start()
        if qual != "exact":
            start = len(text[:m.start()].rstrip()) - len(next(w for w, q in _english_qualifiers()
                                                                if before.endswith(w)))
        unit = "%" if pct else None
        out.append(Fact(start, end, value, qual, unit, None, None, None if pct else _english_subject(text[end:]),
                        None, "en"))
    return out


def _english_subject(rest: str) -> str | None:
    """Up to four words after the number, stopping at a function word or punctuation."""
    stops = set(vocab.load("qualifiers")["english"]["subject_stop_words"])
    words = []
    for m in re.finditer(r"\s*([A-Za-z][A-Za-z\-]*)|\s*(\S)", rest):
        word = m.group(1)
        if word is None or word.lower() in stops or len(words) == 4:
            break
        words.append(word)
    return " ".join(words) or None

