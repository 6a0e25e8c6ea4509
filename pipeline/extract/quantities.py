"""Quantities: a number (or a range of two) with its unit and qualifiers.

    四十至五十斤          range 40–50, unit 斤 written once
    四百八十斤至五百二十斤  range, unit written twice
    四百八十至四百九十亿斤  range, 亿 written once: 48 000 000 000–49 000 000 000
    十天或半月            alternatives read as a range in one unit: 10–15 天 (二次、三次: 2–3 次)
    两三年  三、五年        an approximate number: 2–3, 3–5 年
    一分半  三亩半  一倍半   1.5 分, 3.5 亩, 1.5 倍 (半 after the unit adds a half)
    百分之二十至三十以上   range 20–30 %, then 以上
    60％一70％            a dash printed as 一 between two percentages: a range, flagged
    近四十万农户           nearly 400000, unit 农户
    以至十斤              a range whose lower bound is lost: flagged, not invented

Units, measure words, qualifiers and connectors come from schemas/units.yaml
and schemas/qualifiers.yaml. Offsets are those of the text given (a paragraph
of the simplified view).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pipeline import vocab
from pipeline.extract.numerals import Number
from pipeline.extract.numerals import range_connectors as _connectors  # one reader for numerals and here

NEEDS_AFTER_WINDOW = 3
TOPIC_WINDOW = 20  # how far back a unit's topic word (or_topic) is looked for


@dataclass(frozen=True)
class UnitInfo:
    word: str  # simplified, as written (個月)
    kind: str
    to_base: float | None
    by_date: tuple[tuple[date | None, float], ...] = ()
    needs_after: tuple[str, ...] = ()
    days: float | None = None
    unit: str | None = None  # the unit recorded when it differs from the words written (個月 → 月)
    not_before: tuple[str, ...] = ()  # words the unit's character opens that are no unit (三角形, 角落)
    or_topic: tuple[str, ...] = ()  # words that, earlier in the number's major clause, stand for `needs_after`

    @property
    def recorded(self) -> str:
        return self.unit or self.word

    def factor(self, on: date | None) -> float | None:
        """Factor to the base unit on a document date (兩 before/after 1959); None when the factor depends
        on a date the document does not state (never a guess)."""
        if self.by_date:
            if on is None:
                return None
            for before, factor in self.by_date:
                if before is None or on < before:
                    return factor
            return self.by_date[-1][1]
        return self.to_base


@dataclass
class Quantity:
    start: int
    end: int
    value_min: float | None
    value_max: float | None
    unit: str | None  # simplified, as recorded (月 for 個月); the writer takes the spelling from the offsets
    unit_kind: str | None
    unit_start: int | None = None
    unit_end: int | None = None
    qualifier: str = "exact"
    relation: str | None = None  # range, max, min (from the words), None = exact
    missing_bound: bool = False
    numbers: list[Number] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    approximate: bool = False  # written as one approximate number (两三年)

    @property
    def is_range(self) -> bool:
        return self.relation == "range"

    @property
    def value(self) -> float:
        """The number a statistic reports: the value, or the lower end of a range."""
        return self.value_min if self.value_min is not None else self.value_max  # type: ignore[return-value]

    @property
    def multiplied(self) -> bool:
        """Written with 万 or 亿 (二千万, 830亿): an amount of that scale."""
        return any(n.text.rstrip("多余").endswith(("万", "亿")) or "亿" in n.text for n in self.numbers)


@lru_cache(maxsize=1)
def units() -> tuple[UnitInfo, ...]:
    out = []
    for e in vocab.load("units")["units"]:
        by_date = tuple(
            (date.fromisoformat(str(x["before"])) if "before" in x else None, float(x["factor"]))
            for x in e.get("to_base_by_date", [])
        )
        out.append(UnitInfo(vocab.simplified(str(e["word"])), e["kind"], e.get("to_base"), by_date,
                            tuple(vocab.simplified(w) for w in e.get("needs_after", [])), e.get("days"),
                            vocab.simplified(e["unit"]) if e.get("unit") else None,
                            tuple(vocab.simplified(w) for w in e.get("not_before", [])),
                            tuple(vocab.simplified(w) for w in e.get("or_topic", []))))
    for w in vocab.load("units")["measure_words"]["words"]:
        word = vocab.simplified(str(w))
        if not any(u.word == word for u in out):
            out.append(UnitInfo(word, "count", None))
    return tuple(sorted(out, key=lambda u: len(u.word), reverse=True))


def unit_info(word: str) -> UnitInfo | None:
    w = vocab.simplified(word)
    return next((u for u in units() if u.word == w or u.recorded == w), None)


@lru_cache(maxsize=1)
def _qualifiers() -> tuple[list[tuple], list[tuple]]:
    """(word, qualifier, relation, allowed unit kinds, allowed units, bounds a range from outside), before and
    after, longest first."""
    before, after = [], []
    data = vocab.load("qualifiers")
    for q in data["qualifiers"]:
        entry = (vocab.simplified(q["word"]), q["qualifier"], q.get("relation"), tuple(q.get("kinds", [])),
                 tuple(vocab.simplified(u) for u in q.get("units", [])), bool(q.get("within")))
        (before if q["position"] == "before" else after).append(entry)
    key = lambda e: len(e[0])  # noqa: E731
    return sorted(before, key=key, reverse=True), sorted(after, key=key, reverse=True)


@lru_cache(maxsize=1)
def _alternatives() -> tuple[str, ...]:
    words = vocab.load("qualifiers")["range_alternatives"]["words"]
    return tuple(sorted((vocab.simplified(str(w)) for w in words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _damaged_prefixes() -> tuple[str, ...]:
    return tuple(vocab.words("qualifiers", "damaged_range_prefixes"))


@lru_cache(maxsize=1)
def _units_by_first() -> dict[str, tuple[UnitInfo, ...]]:
    index: dict[str, list[UnitInfo]] = {}
    for u in units():  # longest first, kept in each list
        index.setdefault(u.word[0], []).append(u)
    return {k: tuple(v) for k, v in index.items()}


def _unit_at(text: str, pos: int) -> UnitInfo | None:
    if pos >= len(text):
        return None
    for u in _units_by_first().get(text[pos], ()):
        if text.startswith(u.word, pos):
            if u.needs_after and not any(w in text[pos + len(u.word):pos + len(u.word) + NEEDS_AFTER_WINDOW]
                                         for w in u.needs_after) and not _topic_before(text, pos, u.or_topic):
                continue
            if u.not_before and text.startswith(u.not_before, pos):
                continue
            return u
    return None


def _topic_before(text: str, pos: int, words: tuple[str, ...]) -> bool:
    """Whether one of `words` stands earlier in the major clause of `pos`, at most TOPIC_WINDOW characters back
    (自留地，每人一分至二分: fen of land)."""
    if not words:
        return False
    window = text[max(0, pos - TOPIC_WINDOW):pos]
    cut = max(window.rfind(c) for c in "。；：;:！？!?\n")
    return any(w in window[cut + 1:] for w in words)


def _fits(q: tuple, unit: UnitInfo | None) -> bool:
    kinds, allowed = q[3], q[4]
    if kinds and (unit is None or unit.kind not in kinds):
        return False
    return not allowed or (unit is not None and unit.recorded in allowed)


def _after_qualifier(text: str, pos: int, unit: UnitInfo | None) -> tuple | None:
    return next((q for q in _qualifiers()[1] if text.startswith(q[0], pos) and _fits(q, unit)), None)


@lru_cache(maxsize=1)
def _between() -> tuple[tuple[str, str], ...]:
    return tuple((vocab.simplified(e["word"]), e["qualifier"])
                 for e in vocab.load("qualifiers")["between_number_and_unit"]["entries"])


@lru_cache(maxsize=1)
def _linking() -> tuple[str, ...]:
    return tuple(sorted(vocab.words("qualifiers", "linking_words"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _masks() -> tuple[str, ...]:
    return tuple(vocab.words("qualifiers", "qualifier_masks"))


@lru_cache(maxsize=2)
def negated_comparison_source(limits: bool = False) -> str:
    """The pattern of a negation, a modal or none and a verb of comparison (不应超过, 不宜少于; schemas/qualifiers.yaml
    negated_comparisons), its verb in the group `verb`; with `limits`, only the negations that set a limit (不, 决不:
    not 未, 没有, which report)."""
    data = vocab.load("qualifiers")["negated_comparisons"]

    def alternation(words) -> str:
        return "|".join(sorted((re.escape(vocab.simplified(str(w))) for w in words if w), key=len, reverse=True))

    negations = data["limit_negations" if limits else "negations"]
    return rf"(?:{alternation(negations)})(?:{alternation(data['modals'])})?(?P<verb>{alternation(data['verbs'])})"


@lru_cache(maxsize=1)
def _negated() -> tuple[re.Pattern, dict[str, str]]:
    """The negated comparison ending where the search ends, and the bound each verb makes when negated."""
    verbs = vocab.load("qualifiers")["negated_comparisons"]["verbs"]
    return re.compile(negated_comparison_source() + "$"), {vocab.simplified(v): r for v, r in verbs.items()}


def negated_bound(verb: str) -> str:
    """The bound a verb of comparison makes when negated (超过 → max: 不应超过)."""
    return _negated()[1][verb]


NEGATED_REACH = 8  # the longest negated comparison (绝不应当超过) is shorter


def negated_comparison(text: str, end: int) -> tuple[str, str] | None:
    """The negated comparison ending at `end` (不应超过) and the bound it makes (max, min), or None."""
    pattern, verbs = _negated()
    m = pattern.search(text, max(0, end - NEGATED_REACH), end)
    return (m.group(0), verbs[m.group("verb")]) if m else None


def _before_qualifier(text: str, pos: int) -> tuple[tuple, int] | None:
    """The qualifier written before position `pos`, and where it starts; a linking word may stand
    between (约为十亿斤, 最少有5万个). A negated comparison (不应超过) is read before the words listed, as the
    longer word it is."""
    for gap in ("", *_linking()):
        if gap and not text.endswith(gap, 0, pos):
            continue
        end = pos - len(gap)
        q = next((q for q in _qualifiers()[0] if text.endswith(q[0], 0, end)), None)
        if (neg := negated_comparison(text, end)) and (q is None or len(neg[0]) > len(q[0])):
            word, relation = neg
            q = (word, "at_most" if relation == "max" else "at_least", relation, (), (), False)
        if q is not None:
            start = end - len(q[0])
            if any(text.endswith(m, 0, end) or text[max(0, start - 3):end].endswith(m) for m in _masks()):
                return None
            return q, start
    return None


# the kinds of unit that 半 after the unit halves (三亩半, 一倍半, 一成半, 一尺半); a count's 半 is another word's
HALVED_KINDS = ("mass", "area", "time", "multiple", "tenth", "length")


@dataclass
class _Tail:
    end: int
    unit: UnitInfo | None
    unit_start: int | None
    more: bool  # 多/余 between the number and its unit (四百多个)
    half: float


def _tail(text: str, n: Number) -> _Tail:
    """What follows a number: 多/余, the unit, a trailing 半."""
    pos = n.end
    if n.percent:
        return _Tail(pos, next(u for u in units() if u.kind == "pct"), None, n.more, 0.0)
    if n.implied_unit:
        return _Tail(pos, unit_info(n.implied_unit), None, False, 0.0)
    more = n.more
    between = next(((w, qual) for w, qual in _between() if text.startswith(w, pos)
                    and _unit_at(text, pos + len(w))), None)
    if between:  # 一万二千五百多个, 十来个
        more = between[1] if between[1] != "more_than" else True
        pos += len(between[0])
    unit = _unit_at(text, pos)
    unit_start = pos if unit else None
    if unit:
        pos += len(unit.word)
        if text[pos:pos + 1] in ("多", "余") and (whole := _measure_then_unit(text, unit_start, pos)):
            # 三个多月: more than three months; the unit's rest stands after the 多
            unit, pos, more = whole, pos + 1 + len(whole.word) - (pos - unit_start), True
    half = 0.0
    if unit and text.startswith("半", pos) and unit.kind in HALVED_KINDS:
        half = 0.5
        pos += 1
    return _Tail(pos, unit, unit_start, more, half)


def _measure_then_unit(text: str, start: int, pos: int) -> UnitInfo | None:
    """三个多月, 两个余月: the measure word and the unit a 多 or 余 stands between, read as the unit they make
    (个月: 月), or None."""
    measure = text[start:pos]
    return next((u for u in _units_by_first().get(measure[:1], ()) if len(u.word) > len(measure)
                 and u.word.startswith(measure) and text.startswith(u.word[len(measure):], pos + 1)), None)


def _multiplier(n: Number) -> float:
    """The 万/亿 written at the end of a number (四百九十亿 → 1e8), 1 when none."""
    t = n.text.rstrip("多余")
    f = 1.0
    while t and t[-1] in "万亿":
        f *= 1e4 if t[-1] == "万" else 1e8
        t = t[:-1]
    return f


def _same_kind(a: UnitInfo | None, b: UnitInfo | None) -> bool:
    return a is None or b is None or a.recorded == b.recorded or (
        a.kind == b.kind == "time" and a.days is not None and b.days is not None)


def _in_unit(value: float, unit: UnitInfo | None, target: UnitInfo | None) -> float:
    """A time value in another time unit (半月 in days: 15)."""
    if unit is None or target is None or unit.recorded == target.recorded or not (unit.days and target.days):
        return value
    return value * unit.days / target.days


def _join(text: str, end: int, numbers: list[Number], i: int) -> tuple[str, Number] | None:
    """A connector after position `end` and the number right after it: the second end of a range."""
    if i + 1 >= len(numbers):
        return None
    nxt = numbers[i + 1]
    gap = text[end:nxt.start]
    if gap in _connectors():
        return gap, nxt
    # 十天或半月: two alternatives read as a range; the last two of a list (80％、85％或90％) are its items
    if gap in _alternatives() and not (i > 0 and text[_tail(text, numbers[i - 1]).end:numbers[i].start] == "、"):
        return gap, nxt
    # 两年、三年一包; 一年整顿二次、三次; 按八成、九成吃: two small numbers of one unit, listed, read as
    # alternatives: any two durations going up, or two neighbouring numbers of any one unit
    if gap == "、" and nxt.value <= 10 and numbers[i].value < nxt.value:
        u1, u2 = _unit_at(text, numbers[i].end), _unit_at(text, nxt.end)
        if u1 is not None and u2 is not None and u1.word == u2.word \
                and (u1.kind == u2.kind == "time" or nxt.value == numbers[i].value + 1) \
                and not (i + 2 < len(numbers) and text[_tail(text, nxt).end:numbers[i + 2].start] in (
                    "、", *_alternatives())) \
                and not (i > 0 and text[_tail(text, numbers[i - 1]).end:numbers[i].start] == "、"):
            return "、", nxt  # (a list of three or more is a list, not alternatives)
    # 60％一70％: a dash printed as 一 between two percentages
    if gap == "一" and text[end - 1:end] == "%" and text[nxt.start:nxt.end].isascii():
        return gap, nxt
    return None


@lru_cache(maxsize=1)
def _sub_units() -> dict[str, tuple[tuple[str, float | None], ...]]:
    """unit → its parts and their share of it; None where the share is the ratio of the two units' factors to
    the base, which may depend on the date (斤 and 两)."""
    out = {}
    for e in vocab.load("units")["sub_units"]["entries"]:
        parts = sorted(((vocab.simplified(k), None if v == "by_date" else float(v)) for k, v in e["parts"].items()),
                       key=lambda kv: -len(kv[0]))
        out[vocab.simplified(e["unit"])] = tuple(parts)
    return out


def _dated_share(unit: str, part: str, value: float, on: date | None) -> float | None:
    """The share of a `part` (两) of a `unit` (斤) on the date `on`: a count of parts a scale cannot hold (十一两:
    not tenths) is on the scale that holds it (1/16); else the date's scale, or None where there is no date."""
    whole, piece = unit_info(unit), unit_info(part)
    if whole is None or piece is None or not piece.by_date or not whole.to_base:
        return None
    shares = sorted(f / whole.to_base for _, f in piece.by_date)
    if on is None:
        fits = [s for s in shares if value * s < 1]
        return fits[-1] if len(fits) < len(shares) and fits else None
    share = piece.factor(on) / whole.to_base
    if value * share >= 1:
        fits = [s for s in shares if value * s < 1]
        return fits[-1] if fits else None
    return share


def _compound(text: str, q: Quantity, numbers: list[Number], i: int, on: date | None = None) -> int:
    """一元二角五分: numbers right after q's unit in parts of it are added to q (in q's unit); the index of
    the last number taken. 一斤二两 is 1.2 斤 from 1959, 1.125 斤 before (`on`: the document's date)."""
    # 不超过一斤二两: a bound before the number holds the whole; none after its unit (一元以上，二角…) or a range
    if q.unit not in _sub_units() or q.relation == "range" or (q.relation is not None and q.unit_end != q.end):
        return i
    unit, scale = q.unit, 1.0
    while i + 1 < len(numbers) and numbers[i + 1].start == q.end and not numbers[i + 1].percent:
        nxt = numbers[i + 1]
        part = next(((w, f) for w, f in _sub_units().get(unit, ()) if text.startswith(w, nxt.end)), None)
        if part is None:
            break
        word, share = part
        if share is None and (share := _dated_share(unit, word, nxt.value, on)) is None:
            break
        scale *= share
        part_value = nxt.value * scale
        q.value_min, q.value_max = (None if v is None else float(f"{v + part_value:.12g}")
                                    for v in (q.value_min, q.value_max))
        q.end = nxt.end + len(word)
        q.numbers.append(nxt)
        unit, i = word, i + 1
    return i


def build_quantities(text: str, numbers: list[Number], on: date | None = None) -> list[Quantity]:
    """The quantities of `text` (a paragraph, simplified view) from its numbers: each number with its unit and
    the words that qualify it (约, 以上, 左右), and two numbers joined by a connector (至, —, 到) as one range.

        四百斤至四百六十斤  → one quantity: 400–460 斤, a range
        不超过二十天        → 20 天, a max
    """
    out: list[Quantity] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        t = _tail(text, n)
        unit, unit_start, end, more = t.unit, t.unit_start, t.end, t.more
        lo, hi = n.value + t.half, (n.high if n.high is not None else n.value) + t.half
        relation = "range" if n.high is not None else None
        used, flags = [n], []
        joined = _join(text, end, numbers, i) or (_join(text, n.end, numbers, i) if unit is None else None)
        if joined:
            conn, m = joined
            t2 = _tail(text, m)
            unit2 = t2.unit if not (n.percent and not m.percent) else unit
            if m.percent and not n.percent and unit is None:
                unit = unit2
            hi2 = (m.high if m.high is not None else m.value) + t2.half
            target = unit if unit is not None and unit2 is not None and (unit.days or 0) <= (unit2.days or 0) else \
                unit2 or unit
            lo_c, hi_c = _in_unit(lo, unit, target), _in_unit(hi2, unit2, target)
            if _multiplier(n) == 1 and _multiplier(m) > 1 and lo_c * _multiplier(m) <= hi_c:
                lo_c *= _multiplier(m)  # 四百八十至四百九十亿斤: 亿 written once
            alternative = conn in _alternatives() or conn == "、"
            ok = _same_kind(unit, unit2) and (not alternative or (unit is not None and unit2 is not None))
            if ok and lo_c <= hi_c:
                lo, hi = lo_c, hi_c
                if t2.unit is not None:
                    unit, unit_start = target, (t2.unit_start if target is t2.unit else unit_start)
                end, more = t2.end, more or t2.more
                relation = "range" if lo_c != hi_c or not alternative else None  # 两个或者两个以上: two or more
                used.append(m)
                if conn == "一":
                    flags.append("ocr_suspect")
                i += 1
            elif ok and not alternative:  # a range printed high to low: kept as printed, flagged later
                lo, hi = lo_c, hi_c
                unit = unit or unit2
                end, relation = t2.end, "range"
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
        qual = more if isinstance(more, str) else ("more_than" if more else None)
        before = None
        if found := _before_qualifier(text, start):
            bq, start = found
            before = bq[1]
            qual = bq[1] if not (qual and bq[1] == "exact") else qual
            if relation != "range" and bq[2]:
                relation = bq[2]
        if aq := _after_qualifier(text, end, unit):
            if aq[1] != "more_than" or unit is not None or (lo or 0) >= 10:
                within = aq[5]
                if before in (None, "exact") and not (within and relation == "range"):
                    qual = aq[1] if not (qual == "about" and aq[1] == "more_than") else qual
                if relation != "range" and aq[2] and not (before and relation in ("max", "min")):
                    relation = aq[2]
                end += len(aq[0])
        unit_end = unit_start + len(unit.word) if unit and unit_start is not None else None
        if n.percent or n.implied_unit:
            unit_start, unit_end = None, None
        if relation == "max":
            lo = None
        elif relation == "min":
            hi = None
        flags = list(dict.fromkeys(flags + [f for x in used for f in x.flags]))  # signed_number, implausible_value
        q = Quantity(start, end, lo, hi, unit.recorded if unit else None, unit.kind if unit else None,
                     unit_start, unit_end, qual or "exact", relation, missing, used, flags,
                     approximate=n.high is not None)
        i = _compound(text, q, numbers, i, on)  # 一元二角: one quantity, 1.2 元
        out.append(q)
        i += 1
    return out
