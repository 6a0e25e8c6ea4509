"""Standards: the quantities a rule sets (pipeline/extract/roles.py), with concept, relation, basis and condition.

The concept is a label from schemas/concepts.yaml where the words around the
quantity signal one, else `unclassified`: it never decides whether the row
exists. The context is read at three distances before the quantity — its
minor clause (since the last ，、), its major clause (since ；：), its sentence
(since 。) — and the rest of its major clause after it; nearer words weigh
more. Earlier sentences of the paragraph are another rule's context and are
not read. A concept must find every one of its word groups; the concept with
most groups found wins, then the heavier.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline import vocab
from pipeline.extract.families import MAJOR_TIER, MINOR_TIER, family_cue, names_family, yields_to
from pipeline.extract.quantities import Quantity, negated_bound, negated_comparison_source
from pipeline.extract.roles import STANDARD, Role
from pipeline.extract.subjects import rule_subject
from pipeline.grammar import MAJOR, MINOR
from pipeline.grammar import SENTENCE_ENDS as SENTENCE

STANDARD_UNIT_KINDS = {"mass", "area", "pct", "tenth", "time", "currency"}
SHARE_KINDS = ("pct", "tenth")  # a share of a whole: counted per nothing but what its own clause names
WEIGHTS = {"minor": 4, "major": 3, "after": 2, "sentence": 2}
WORD_REACH = 100  # a concept's word in a nearer window outweighs any longer word in a farther one
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Concept:
    name: str
    family: str  # what it governs (schemas/families.yaml): declared, or the first part of its name
    description: str
    all_of: tuple[tuple[str, ...], ...]
    none_of: tuple[str, ...]
    units: tuple[str, ...]
    per: str | None
    relation: str | None
    reference: str | None


@dataclass
class Standard:
    quantity: Quantity
    family: str
    concept: str
    relation: str
    value_min: float | None
    value_max: float | None
    per: str | None
    condition: str | None
    subject: str | None
    reference: str | None
    reason: str = ""
    flags: list[str] = field(default_factory=list)
    quote_start: int = 0  # paragraph-relative offsets of the evidence
    quote_end: int = 0
    context_start: int = 0
    context_end: int = 0


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    out = []
    for name, c in vocab.load("concepts")["concepts"].items():
        out.append(Concept(
            name, c.get("family") or name.split(".")[0], c["description"],
            tuple(tuple(vocab.simplified(w) for w in group) for group in c["all_of"]),
            tuple(vocab.simplified(w) for w in c.get("none_of", [])),
            tuple(c.get("units", [])), c.get("per"), c.get("relation"), c.get("reference"),
        ))
    return tuple(out)


@lru_cache(maxsize=1)
def _conditions() -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((tuple(vocab.simplified(w) for w in e["words"]), e["condition"])
                 for e in vocab.load("concepts")["conditions"])


@lru_cache(maxsize=1)
def _condition_stops() -> tuple[str, ...]:
    return tuple(vocab.words("concepts", "condition_stop_words"))


@lru_cache(maxsize=1)
def _bases() -> list[tuple[str, str]]:
    entries = [(vocab.simplified(w), e["per"]) for e in vocab.load("units")["bases"]["entries"] for w in e["words"]]
    return sorted(entries, key=lambda e: -len(e[0]))


@lru_cache(maxsize=1)
def _household_words() -> tuple[str, ...]:
    return tuple(vocab.words("units", "household_words"))


@lru_cache(maxsize=1)
def _clause_bounds() -> tuple[tuple[str, str], ...]:
    """Qualifier words that set a max or min, longest first."""
    out = [(vocab.simplified(q["word"]), q["relation"]) for q in vocab.load("qualifiers")["qualifiers"]
           if q["position"] == "before" and q.get("relation") in ("max", "min")]
    return tuple(sorted(out, key=lambda e: -len(e[0])))


@lru_cache(maxsize=1)
def _negated_in_clause() -> re.Pattern:
    """A negated comparison anywhere in a clause (不应超过, 不宜少于): the bound it makes is the verb's other side."""
    return re.compile(negated_comparison_source())


@lru_cache(maxsize=1)
def _reductions() -> tuple[str, ...]:
    return tuple(sorted(vocab.words("qualifiers", "reductions"), key=len, reverse=True))


@lru_cache(maxsize=256)
def _stops(text: str, chars: str) -> list[int]:
    """Where `chars` stand in a paragraph, in order (paragraphs are read several times over)."""
    return [k for k, c in enumerate(text) if c in chars]


def _last_boundary(text: str, pos: int, chars: str) -> int:
    at = _stops(text, chars)
    k = bisect_left(at, pos)
    return at[k - 1] + 1 if k else 0


def _next_stop(text: str, pos: int, chars: str) -> int:
    at = _stops(text, chars)
    k = bisect_left(at, pos)
    return at[k] if k < len(at) else len(text)


def _windows(text: str, q: Quantity) -> dict[str, tuple[int, int]]:
    sentence = _last_boundary(text, q.start, SENTENCE)
    major = _last_boundary(text, q.start, MAJOR + SENTENCE)
    minor = _last_boundary(text, q.start, MINOR + MAJOR + SENTENCE)
    ends = _stops(text, MAJOR + SENTENCE)
    k = bisect_left(ends, q.end)
    after_end = ends[k] if k < len(ends) else len(text)
    return {"minor": (minor, q.start), "major": (major, q.start), "sentence": (sentence, q.start),
            "after": (q.end, after_end)}


def _level(text: str, windows: dict[str, tuple[int, int]], word: str) -> str | None:
    """The nearest window holding `word`: minor, major, after (the rest of the major clause) or sentence."""
    for level in ("minor", "major", "after", "sentence"):
        a, b = windows[level]
        if word in text[a:b]:
            return level
    return None


def _find(text: str, windows: dict[str, tuple[int, int]], word: str) -> int:
    """Weight of the nearest window holding `word` (0 when none)."""
    level = _level(text, windows, word)
    return WEIGHTS[level] if level else 0


def choose_concept(text: str, q: Quantity, family: str | None = None) -> tuple[Concept, list[str]] | None:
    """The best concept for quantity `q` in paragraph `text` (of `family` only, where one is given), and the words
    that chose it."""
    windows = _windows(text, q)
    near = text[windows["major"][0]:windows["after"][1]]
    best = None
    for c in concepts():
        if q.unit_kind not in c.units or (family and c.family != family):
            continue
        if any(w in near for w in c.none_of):
            continue
        score, words = 0, []
        for group in c.all_of:
            hits = [(_find(text, windows, w), w) for w in group]
            weight, word = max(hits)
            if weight == 0:
                break
            score += weight * WORD_REACH + len(word)  # the nearer window first, then the longer word
            words.append(word)
        else:
            key = (len(c.all_of), score)
            if best is None or key > best[0]:
                best = (key, c, words)
    return (best[1], best[2]) if best else None


def _condition(text: str, q: Quantity, quantities: list[Quantity], windows: dict) -> str | None:
    """Household size from a preceding N口…人家 quantity, else a word-borne condition."""
    major_start = windows["major"][0]
    prior = [x for x in quantities if major_start <= x.start and x.end <= q.start]
    last_standard_end = max((x.end for x in prior if x.unit_kind in STANDARD_UNIT_KINDS), default=major_start)
    for x in reversed(prior):
        if x.unit == "口" and x.start >= last_standard_end and any(
                text.startswith(w, x.end) for w in _household_words()):
            if x.relation == "range":
                return f"household_size in {x.value_min:g}..{x.value_max:g}"
            if x.relation == "min":
                return f"household_size >= {x.value_min:g}"
            if x.relation == "max":
                return f"household_size <= {x.value_max:g}"
            return f"household_size = {x.value_min:g}"
    clause = text[windows["major"][0]:q.start]
    # the words after 按/照 describe the measure or the standard referred to, not who it applies to
    stops = [k for k in (clause.find(w) for w in _condition_stops()) if k >= 0]
    if stops:
        clause = clause[:min(stops)]
    found = [cond for words, cond in _conditions() if any(w in clause for w in words)]
    return "; ".join(dict.fromkeys(found)) or None


def _per(text: str, windows: dict, concept: Concept | None, share: bool = False) -> str | None:
    """The basis the number is counted per: the longest basis word of its minor clause, else of its major clause
    (口粮每人每年不低于四百斤，种子每亩留十斤: per mu, not the clause before's per person). A share is counted per
    a basis of its own minor clause only (每亩油菜籽的派购任务…，超过任务部分，收购百分之五十: no basis)."""
    own = concept.per if concept else None
    for window in ("minor",) if share else ("minor", "major"):
        a, b = windows[window]
        clause = text[a:b]
        for word, per in _bases():
            if word in clause:
                if own and own.endswith(per.split("_")[-1]) and per != own:
                    return own  # the concept is more precise (pig_year for 每年)
                return per
    return own


def find_standards(text: str, quantities: list[Quantity], roles: list[Role], heading: str = "") -> list[Standard]:
    """The standards of one paragraph (simplified view): its quantities whose role is `standard`, each with
    its family (pipeline/extract/families.py; `heading`: the headings of the units the paragraph is under) and
    its concept, `FAMILY.unclassified` where no concept of schemas/concepts.yaml fits."""
    out = []
    for q, role in zip(quantities, roles, strict=True):
        if role.role != STANDARD:
            continue
        windows = _windows(text, q)
        concept, words = _concept_and_words(text, q, windows, heading)
        family = concept.family if concept else family_cue(text, q.start, q.end, heading, q.unit, q.unit_kind)[0]
        relation, lo, hi = _relation(text, q, concept)
        flags = list(q.flags)
        if q.missing_bound:
            flags += ["ocr_suspect", "missing_bound"]
        if lo is not None and hi is not None and lo > hi:  # kept as printed, never swapped
            flags += ["ocr_suspect", "reversed_range"]
        if any(n.percent for n in q.numbers) and max(v for v in (lo, hi, 0.0) if v is not None) > 100:
            flags += ["share_over_100"]  # a rule's share of a whole (统购比例为百分之九千九百九十九)
        out.append(Standard(
            quantity=q, family=family, concept=concept.name if concept else f"{family}.{UNCLASSIFIED}",
            relation=relation, value_min=lo,
            value_max=hi, per=_per(text, windows, concept, q.unit_kind in SHARE_KINDS),
            condition=_condition(text, q, quantities, windows),
            subject=rule_subject(text, q) or ("、".join(dict.fromkeys(words)) or None),
            reference=concept.reference if concept else None, reason=role.reason, flags=list(dict.fromkeys(flags)),
            quote_start=windows["minor"][0], quote_end=q.end,
            context_start=windows["major"][0], context_end=windows["after"][1],
        ))
    return out


def _concept_and_words(text: str, q: Quantity, windows: dict, heading: str) -> tuple[Concept | None, list[str]]:
    """The concept for `q` and the words that chose it, unless some of the concept's words stand only outside the
    number's major clause and a word of another family stands inside it
    (种子…（平均每亩三十斤）；口粮…（每人三百六十斤）:
    the ration, not the seed concept the sentence also holds): then no concept, and the row is that family's
    `unclassified`. Where the number's own minor clause names a family and none of the concept's words stands in
    that clause, the concept is chosen among that family's (保证每人每年口粮不低于四百斤，种子每亩留十斤: the
    ration, not the seed that the next clause's words would make it)."""
    chosen = choose_concept(text, q)
    if not chosen:
        return None, []
    concept, words = chosen
    family, tier = family_cue(text, q.start, q.end, heading, unit_kind=q.unit_kind)
    if family == concept.family:
        return concept, words
    if family in yields_to(concept.family):  # 每头奖售饲料粮五十斤: the feed sold as a reward is the bonus's
        return None, []
    outside = any(_level(text, windows, w) == "sentence" for w in words)
    if outside and tier <= MAJOR_TIER:
        return None, []
    a, b = windows["minor"][0], _next_stop(text, q.end, MINOR + MAJOR + SENTENCE)
    if tier == MINOR_TIER and names_family(text, a, b, family) and not any(w in text[a:b] for w in words):
        return choose_concept(text, q, family) or (None, [])
    return concept, words


@lru_cache(maxsize=1)
def _top_up_words() -> tuple[str, ...]:
    return vocab.words("qualifiers", "top_up")


def _tops_up(text: str, q: Quantity) -> bool:
    """不足280斤的要补足, 七两以下的补到八两 (no: a new amount): a bound from above whose clause says the ones
    below it are topped up to it, which makes it a floor."""
    after = text[q.end:q.end + 8]
    if not after.startswith(("的", "者")):
        return False
    if any(0 <= after.find(w) <= 3 for w in _top_up_words()):
        return True
    # …不足三百六十斤的，由国家供应补足到三百六十斤: the clause after the condition tops up to the same amount
    if not text.startswith(("，", ","), q.end + 1):
        return False
    then = text[q.end + 2:_next_stop(text, q.end + 2, MINOR + MAJOR + SENTENCE)]
    word = next((w for w in _top_up_words() if w in then), None)
    rest = then[then.find(word) + len(word):].lstrip("到至为") if word else ""
    # the amount itself, its number and unit without the bound words around them (不足三百六十斤: 三百六十斤)
    amount = text[q.numbers[0].start:q.unit_end or q.numbers[-1].end] if q.numbers else ""
    return word is not None and (not rest or bool(amount) and rest.startswith(amount))


def _relation(text: str, q: Quantity, concept: Concept | None) -> tuple[str, float | None, float | None]:
    lo, hi = q.value_min, q.value_max
    reduced = q.unit_kind in SHARE_KINDS and any(text.endswith(w, 0, q.start) for w in _reductions())
    if reduced and text.endswith(("的", "者"), q.end, _next_stop(text, q.end, MINOR + MAJOR + SENTENCE)):
        reduced = False  # 收成减少三成（以上，不到五成）的，减征…: a condition's threshold, not a cut the rule applies
    if ((concept and concept.relation == "reduction_pct") or reduced) and not (q.is_range and lo != hi):
        v = hi if hi is not None else lo
        return "reduction_pct", v, v
    if concept and concept.relation == "exact" and q.relation != "range":
        v = lo if lo is not None else hi
        return "exact", v, v
    if q.relation == "max" and _tops_up(text, q):
        return "min", hi, None  # 不足280斤的要补足: the bound is the floor the rule tops up to
    if q.relation in ("range", "max", "min"):
        return q.relation, lo, hi
    # 不超过每人平均土地的百分之五: a bound word earlier in the clause still bounds the value; a negated comparison
    # first (一般不应超过总产量的百分之二十五: at most, not the 超过 it ends with)
    clause = text[_windows(text, q)["minor"][0]:q.start]
    if m := _negated_in_clause().search(clause):
        relation = negated_bound(m.group("verb"))
        return (relation, None, hi) if relation == "max" else (relation, lo, None)
    for word, relation in _clause_bounds():
        if word in clause:
            return (relation, None, hi) if relation == "max" else (relation, lo, None)
    return "exact", lo, hi
