"""Quantities: a number (or a range of two) with its unit and qualifiers.

    四十至五十斤         range 40–50, unit 斤 written once
    四百八十斤至五百二十斤 range, unit written twice
    一分半               1.5 分 (半 after the unit adds a half)
    百分之二十至三十以上  range 20–30 %, then 以上
    近四十万农户          nearly 400000, unit 农户
    以至十斤             a range whose lower bound is lost: flagged, not invented

Units, qualifiers and connectors come from schemas/units.yaml and
schemas/qualifiers.yaml. Offsets are those of the text given (a paragraph
of the simplified view).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pipeline import vocab
from pipeline.extract.numerals import Number

NEEDS_AFTER_WINDOW = 3


@dataclass(frozen=True)
class UnitInfo:
    word: str  # simplified
    kind: str
    to_base: float | None
    by_date: tuple[tuple[date | None, float], ...] = ()
    needs_after: tuple[str, ...] = ()

    def factor(self, on: date | None) -> float | None:
        """Factor to the base unit on a document date (兩 before/after 1959)."""
        if self.by_date:
            for before, factor in self.by_date:
                if before is None or (on is not None and on < before):
                    return factor
            return self.by_date[-1][1]
        return self.to_base


@dataclass
class Quantity:
    start: int
    end: int
    value_min: float | None
    value_max: float | None
    unit: str | None  # simplified; the writer takes the original spelling from the offsets
    unit_kind: str | None
    unit_start: int | None = None
    unit_end: int | None = None
    qualifier: str = "exact"
    relation: str | None = None  # range, max, min (from the words), None = exact
    missing_bound: bool = False
    numbers: list[Number] = field(default_factory=list)

    @property
    def is_range(self) -> bool:
        return self.relation == "range"


@lru_cache(maxsize=1)
def units() -> tuple[UnitInfo, ...]:
    out = []
    for e in vocab.load("units")["units"]:
        by_date = tuple(
            (date.fromisoformat(str(x["before"])) if "before" in x else None, float(x["factor"]))
            for x in e.get("to_base_by_date", [])
        )
        out.append(UnitInfo(vocab.simplified(str(e["word"])), e["kind"], e.get("to_base"), by_date,
                            tuple(vocab.simplified(w) for w in e.get("needs_after", []))))
    return tuple(sorted(out, key=lambda u: len(u.word), reverse=True))


def unit_info(word: str) -> UnitInfo | None:
    w = vocab.simplified(word)
    return next((u for u in units() if u.word == w), None)


@lru_cache(maxsize=1)
def _qualifiers() -> tuple[list[tuple[str, str, str | None]], list[tuple[str, str, str | None]]]:
    before, after = [], []
    for q in vocab.load("qualifiers")["qualifiers"]:
        entry = (vocab.simplified(q["word"]), q["qualifier"], q.get("relation"))
        (before if q["position"] == "before" else after).append(entry)
    key = lambda e: len(e[0])  # noqa: E731
    return sorted(before, key=key, reverse=True), sorted(after, key=key, reverse=True)


@lru_cache(maxsize=1)
def _connectors() -> tuple[str, ...]:
    return tuple(vocab.simplified(str(w)) for w in vocab.load("qualifiers")["range_connectors"]["words"])


@lru_cache(maxsize=1)
def _damaged_prefixes() -> tuple[str, ...]:
    return tuple(vocab.words("qualifiers", "damaged_range_prefixes"))


def _unit_at(text: str, pos: int) -> UnitInfo | None:
    for u in units():
        if text.startswith(u.word, pos):
            if u.needs_after and not any(w in text[pos + len(u.word):pos + len(u.word) + NEEDS_AFTER_WINDOW]
                                         for w in u.needs_after):
                continue
            return u
    return None


def _after_qualifier(text: str, pos: int) -> tuple[str, str, str | None] | None:
    return next((q for q in _qualifiers()[1] if text.startswith(q[0], pos)), None)


def _before_qualifier(text: str, pos: int) -> tuple[str, str, str | None] | None:
    return next((q for q in _qualifiers()[0] if text.endswith(q[0], 0, pos)), None)


def _connector_at(text: str, pos: int) -> str | None:
    return next((c for c in _connectors() if text.startswith(c, pos)), None)


def _tail(text: str, n: Number) -> tuple[int, UnitInfo | None, int | None, str | None, float]:
    """After a number: (end, unit, unit_start, qualifier-before-unit, half)."""
    pos = n.end
    qual = None
    if n.percent:
        return pos, next(u for u in units() if u.kind == "pct"), None, None, 0.0
    if (q := _after_qualifier(text, pos)) and q[1] == "more_than":  # 一万二千五百多个
        qual = q[1]
        pos += len(q[0])
    unit = _unit_at(text, pos)
    unit_start = pos if unit else None
    if unit:
        pos += len(unit.word)
    half = 0.0
    if unit and text.startswith("半", pos):
        half = 0.5
        pos += 1
    return pos, unit, unit_start, qual, half


def build_quantities(text: str, numbers: list[Number]) -> list[Quantity]:
    out: list[Quantity] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        end, unit, unit_start, qual, half = _tail(text, n)
        lo = hi = n.value + half
        relation = None
        used = [n]
        # a range: connector right after the first number (or its unit), then a number
        conn = _connector_at(text, end)
        if conn and i + 1 < len(numbers) and numbers[i + 1].start == end + len(conn):
            m = numbers[i + 1]
            end2, unit2, unit_start2, qual2, half2 = _tail(text, m)
            if n.percent and not m.percent:
                unit2 = unit
            if unit is None or unit2 is None or unit.word == unit2.word:
                hi = m.value + half2
                unit = unit2 or unit
                unit_start = unit_start2 if unit2 is not None and unit_start2 is not None else unit_start
                end, qual = end2, qual2 or qual
                relation = "range"
                used.append(m)
                i += 1
        start = n.start
        missing = False
        before_conn = next((c for c in _connectors() if text.endswith(c, 0, n.start)), None)
        if relation is None and before_conn:
            head = text[:n.start - len(before_conn)]
            if any(head.endswith(p) for p in _damaged_prefixes()):
                relation, lo, missing = "range", None, True
                start = n.start - len(before_conn)
        if bq := _before_qualifier(text, start):
            qual = bq[1]
            relation = relation or bq[2]
            start -= len(bq[0])
        if aq := _after_qualifier(text, end):
            if aq[1] != "more_than" or unit is not None:
                qual = qual if (qual and aq[1] in ("at_least", "at_most") and relation == "range") else aq[1]
                if relation != "range":
                    relation = aq[2] or relation
                end += len(aq[0])
        unit_end = unit_start + len(unit.word) if unit and unit_start is not None else None
        if n.percent:
            unit_start, unit_end = None, None
        if relation == "max":
            lo = None
        elif relation == "min":
            hi = None
        out.append(Quantity(start, end, lo, hi, unit.word if unit else None, unit.kind if unit else None,
                            unit_start, unit_end, qual or "exact", relation, missing, used))
        i += 1
    return out
