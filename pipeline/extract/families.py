"""What a standard governs: its family, from its concept or from the nearest word that names one.

The families and their words are schemas/families.yaml (the fixed list the gold uses). A concept of
schemas/concepts.yaml declares its family. Otherwise the words of every family are looked for
around the number, nearest first by tier: the number's minor clause (since the last ，、), its major
clause (since the last ；：), its sentence, the paragraph before it, then the headings of the units it
stands under. A price or a tax of a thing (耕牛价格) is the thing's family. Inside a
tier the nearest word wins; a word after the number counts only inside its own minor or major clause (发给三十斤
口粮), and its distance half again; a word inside a longer word of another family (饲料 in 饲料地) is
not read.

    >>> family_of("自留地不超过耕地面积的百分之五", 9, 13)
    'land'
    >>> family_of("委员会由委员五至七人组成", 7, 11)
    'organization'
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from pipeline import vocab
from pipeline.grammar import EVERY, MAJOR, MINOR, OF
from pipeline.grammar import SENTENCE_ENDS as SENTENCE

BASIS_REACH = 5  # 每 and at most four characters of its noun right before a number: the basis of its rate
AFTER_WEIGHT = 1.5  # a word after the number is read as this much farther than one before it
TIER_NAMES = ("minor", "major", "sentence")
LEAD_GAP = 4  # a list's lead names its family in its last words before the colon (口粮定量：, 饲料标准：)


@dataclass(frozen=True)
class Cue:
    word: str
    family: str
    rank: int  # the family's place in `order`: the earlier wins a tie


@lru_cache(maxsize=1)
def _data() -> tuple[tuple[Cue, ...], str, tuple[str, ...]]:
    data = vocab.load("families")
    order = list(data["order"])
    cues = []
    for name, entry in data["families"].items():
        for w in entry["words"]:
            cues.append(Cue(vocab.simplified(str(w)), name, order.index(name) if name in order else len(order)))
    cues.sort(key=lambda c: (-len(c.word), c.rank, c.word))
    return tuple(cues), str(data["fallback"]), tuple(data["families"])


def families() -> tuple[str, ...]:
    """The family codes, the fallback (`other`) last."""
    _, fallback, names = _data()
    return (*names, fallback)


@lru_cache(maxsize=256)
def _occurrences(text: str) -> tuple[tuple[int, int, Cue], ...]:
    """Every cue word in `text` (start, end, cue), none inside a longer one, and no generic word right after
    another family's word that makes it specific (饲料留粮: feed; a paragraph's standards share them: kept)."""
    taken = [False] * len(text)
    out = []
    for cue in _data()[0]:  # longest first
        at = text.find(cue.word)
        while at >= 0:
            end = at + len(cue.word)
            if not any(taken[at:end]):
                out.append((at, end, cue))
                for k in range(at, end):
                    taken[k] = True
            at = text.find(cue.word, end)
    ends = {b: c for _, b, c in out}
    generic = _generic()
    families, verbs = _speakers()
    speaking: set[int] = set()  # where a speaker's words start (汇报会议认为: 会议, then 汇报 before it)
    for a, b, c in sorted(out, key=lambda o: -o[0]):
        if c.family in families and (text.startswith(verbs, b) or b in speaking):
            speaking.add(a)
    heads = {a: c for a, _, c in out}
    owners = _yields()[0]
    # 食堂的菜地: a family word before 的 and another family's word modifies it, the one after is the head; unless
    # the head is an attribute of the thing (牛的屠宰税: the tax yields to the cattle) or a kind of text (食堂的报告)
    return tuple((a, b, c) for a, b, c in out
                 if not (c.word in generic and a in ends and ends[a].family != c.family) and a not in speaking
                 and not (text.startswith(OF, b) and (h := heads.get(b + 1)) is not None
                          and c.family not in owners.get(h.family, ()) and h.word not in _genre()))


@lru_cache(maxsize=1)
def _genre() -> frozenset[str]:
    return frozenset(vocab.simplified(str(w)) for w in vocab.load("families")["genre"]["words"])


@lru_cache(maxsize=1)
def _speakers() -> tuple[frozenset[str], tuple[str, ...]]:
    """The families whose word before a verb of saying names the speaker (汇报会议认为), and those verbs."""
    data = vocab.load("families")["speakers"]
    return frozenset(data["families"]), tuple(vocab.simplified(str(w)) for w in data["verbs"])


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset(vocab.simplified(str(w)) for w in vocab.load("families")["generic"]["words"])


def _topical(text: str, start: int, end: int) -> tuple[tuple[int, int, Cue], ...]:
    """The cue words of `text` outside the clauses of purpose (为了…，) that do not hold the number."""
    found = _occurrences(text)
    spans = [(a, b) for a, b in _purpose_spans(text) if not (a <= start and end <= b)]
    # the basis of a rate, 每 and its noun right before the number (平均每头牲畜八十斤: feed, counted per head)
    every = text.rfind(EVERY, max(0, start - BASIS_REACH), start)
    if every >= 0 and not any(c in MINOR + MAJOR + SENTENCE for c in text[every:start]) \
            and _names_basis(text, found, every, start):
        spans.append((every, start))
    # the measure a share is divided by (按劳动日分配的部分占百分之三十: the ration's, not labour's)
    openers, verbs = _criterion()
    spans += [(a, b) for a, b, _ in found if text.endswith(openers, 0, a) and text.startswith(verbs, b)]
    if not spans:
        return found
    return tuple(o for o in found if not any(a <= o[0] < b for a, b in spans))


def _names_basis(text: str, found: tuple[tuple[int, int, Cue], ...], every: int, start: int) -> bool:
    """What stands between 每 with its measure word and the number is the basis's noun, one cue word or nothing
    (每头牲畜八十斤, 每亩三十斤), not a verb and its object (每年留种子十二斤: the seed is what the number counts);
    a period (每月, 每年) takes no noun (每月供应二十五斤: 供应 is the verb)."""
    after = every + 2
    if after >= start:
        return True
    if text[every + 1:after] in _time_measures():
        return False
    return any(a == after and b == start for a, b, _ in found)


@lru_cache(maxsize=1)
def _criterion() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The openers and verbs of `criterion` (按 + a family word + 分配)."""
    data = vocab.load("families")["criterion"]
    return tuple(vocab.simplified(str(w)) for w in data["openers"]), tuple(vocab.simplified(str(w))
                                                                         for w in data["verbs"])


@lru_cache(maxsize=1)
def _any_unit() -> frozenset[str]:
    """Family words read whatever the number's unit (`any_unit`: an animal's 毛重 is counted in 斤)."""
    return frozenset(vocab.simplified(str(w)) for e in vocab.load("families")["families"].values()
                     for w in e.get("any_unit", []))


@lru_cache(maxsize=1)
def _time_measures() -> frozenset[str]:
    """The one-character units of time (年, 月, 日 …, schemas/units.yaml): 每月 is a period, no noun's measure."""
    return frozenset(w for u in vocab.load("units")["units"] if u["kind"] == "time"
                     and len(w := vocab.simplified(str(u["word"]))) == 1)


def _without_share_base(text: str, found: tuple[tuple[int, int, Cue], ...], start: int,
                        end: int) -> tuple[tuple[int, int, Cue], ...]:
    """For a share right after 的 (总收入的3％至5％) that a verb sets against its base, or drawn from a base
    (在全年收入中提取百分之二), where a family word stands
    before that verb in the major clause: the topic, the last family word of the first minor clause that has one
    (its head noun), is the only cue of the major clause read (…上交给公社的公积金，控制在生产队总收入的3％至5％以内:
    fund; 公社一级的储备，…在…公共积累中提取，最高不得超过…储备米的30％: reserve; 干部的补贴工分，…控制在…: labor)."""
    if not _is_share(text[start:end]):
        return found
    plain = _blank_asides(text)  # a stop inside a bracketed gloss ends no clause of the text around it
    lo, _ = _bounds(plain, start, end, MAJOR + SENTENCE)
    clause = plain[lo:start]
    if text.endswith(OF, 0, start):
        verb = max(((clause.rfind(v), v) for v in _share_verbs() if v in clause), default=None)
        if verb is None:
            return found
        cut = lo + verb[0]
    elif frame := _drawn_from().search(clause):  # 公益金，可以在全年收入中提取百分之一至二: the base is 在…中
        cut = lo + frame.start()
    else:
        return found
    before = [o for o in found if lo <= o[0] and o[1] <= cut]
    if not before:
        return found
    # the topic: the head (last family word) of the first minor clause that names a family
    first = _bounds(plain, before[0][0], before[0][1], MINOR + MAJOR + SENTENCE)
    subject = max((o for o in before if first[0] <= o[0] and o[1] <= first[1]), key=lambda o: o[0])
    return tuple(o for o in found if o == subject or not lo <= o[0] < start)


@lru_cache(maxsize=1)
def _drawn_from() -> re.Pattern:
    """在/从 + a base + 中 + a verb of drawing, right before the share (在全年收入中提取百分之二); qualifiers of
    the share may stand between (提取不超过)."""
    data = vocab.load("families")["share_base"]
    alt = "|".join(sorted((re.escape(vocab.simplified(str(w))) for w in data["drawing_verbs"]), key=len, reverse=True))
    return re.compile(rf"[在从自][^，、,；：;:。]{{1,20}}?中(?:{alt})[^，、,；：;:。]{{0,4}}$")


@lru_cache(maxsize=64)
def _blank_asides(text: str) -> str:
    """`text` with what stands inside brackets blanked (same length)."""
    out, depth = [], 0
    for c in text:
        if c in "（(":
            depth += 1
        elif c in "）)" and depth:
            depth -= 1
            out.append(c)
            continue
        out.append("　" if depth else c)
    return "".join(out)


def _is_share(quote: str) -> bool:
    return quote.startswith(("百分之", "千分之")) or quote.rstrip("左右以内上下").endswith(("%", "％", "成")) \
        or "分之" in quote


@lru_cache(maxsize=1)
def _share_verbs() -> tuple[str, ...]:
    return tuple(vocab.simplified(str(w)) for w in vocab.load("families")["share_base"]["verbs"])


@lru_cache(maxsize=256)
def _purpose_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The clauses of purpose of a paragraph: from an opener at a clause's start to its comma (为…使国家和社、队都有
    储备，)."""
    openers = _purpose()
    if not any(o in text for o in openers):
        return ()
    stops = MINOR + MAJOR + SENTENCE
    spans = []
    for k in [0] + [i + 1 for i, c in enumerate(text) if c in stops]:
        at = k + len(text[k:k + 4]) - len(text[k:k + 4].lstrip(" 　\n"))
        if text.startswith(openers, at):
            spans.append(_bounds(text, at, at + 1, "，," + MAJOR + SENTENCE))
    return tuple(spans)


@lru_cache(maxsize=1)
def _purpose() -> tuple[str, ...]:
    return tuple(vocab.simplified(str(w)) for w in vocab.load("families")["purpose"]["openers"])


@lru_cache(maxsize=1024)
def _stop_positions(text: str, stops: str) -> tuple[int, ...]:
    return tuple(k for k, c in enumerate(text) if c in stops)


def _bounds(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    at = _stop_positions(text, stops)
    k = bisect_left(at, start)
    a = at[k - 1] + 1 if k else 0
    j = bisect_left(at, end)
    return a, at[j] if j < len(at) else len(text)


def _nearest(found: tuple[tuple[int, int, Cue], ...], start: int, end: int, lo: int, hi: int,
             after: bool = True) -> Cue | None:
    best = None
    for a, b, cue in found:
        if a < lo or b > hi:
            continue
        if b <= start:
            distance, side = start - b, 0
        elif a >= end and after:
            distance, side = (a - end) * AFTER_WEIGHT, 1
        else:
            continue  # a word the number stands inside (the number's own unit)
        key = (distance, side, cue.rank)  # at equal distance the word before wins (按牌价加价百分之十二收购: price)
        if best is None or key < best[0]:
            best = (key, cue)
    return best[1] if best else None


def _owner(found: tuple[tuple[int, int, Cue], ...], cue: Cue, start: int, lo: int) -> str:
    """A price or a tax of a thing belongs to the thing's family (耕牛价格: livestock; 牛的屠宰税: livestock): the
    cue's family yields to a family it names in `yields_to` found earlier in the same clause."""
    owners = _yields()[0].get(cue.family)
    if not owners:
        return cue.family
    things = [(b, c) for a, b, c in found if lo <= a and b <= start and c.family in owners]
    return max(things, key=lambda t: t[0])[1].family if things else cue.family


@lru_cache(maxsize=1)
def _barred() -> defaultdict[str, frozenset[str]]:
    """Unit kind → the families that never count in it (`not_units` of schemas/families.yaml)."""
    out: defaultdict[str, set[str]] = defaultdict(set)
    for name, e in vocab.load("families")["families"].items():
        for kind in e.get("not_units", []):
            out[kind].add(name)
    return defaultdict(frozenset, {k: frozenset(v) for k, v in out.items()})


@lru_cache(maxsize=1)
def _persons() -> defaultdict[str, frozenset[str]]:
    """Unit kind → the words for persons that name who a number of that kind is about, not what it governs
    (`persons` of schemas/families.yaml: 干部每年参加劳动不少于六十天 is labor, not organization)."""
    data = vocab.load("families")["persons"]
    words = frozenset(vocab.simplified(str(w)) for w in data["words"])
    return defaultdict(frozenset, {kind: words for kind in data["not_units"]})


@lru_cache(maxsize=1)
def _yields() -> tuple[dict[str, tuple[str, ...]]]:
    data = vocab.load("families")["families"]
    return ({name: tuple(e.get("yields_to", [])) for name, e in data.items()},)


def yields_to(family: str) -> tuple[str, ...]:
    """The families `family` gives way to when named earlier in the number's clause (`yields_to`: a price of
    cattle is livestock's, feed grain sold as a reward the bonus's)."""
    return _yields()[0].get(family, ())


# how near a word that names a family stands to the number: its minor clause, major clause, sentence, the
# paragraph before, the headings it stands under, nowhere
MINOR_TIER, MAJOR_TIER, SENTENCE_TIER, PARAGRAPH_TIER, HEADING_TIER, NO_TIER = range(6)


@lru_cache(maxsize=1)
def _person_rates() -> tuple[tuple[tuple[str, ...], frozenset[str], str], ...]:
    """Each rate of `person_rates`: its bases (每人), the units it counts in (a quantity's unit is recorded
    simplified) and its family."""
    units = vocab.load("units")["units"]
    return tuple((tuple(vocab.simplified(str(w)) for w in r["bases"]),
                  frozenset(vocab.simplified(u["word"]) for u in units if u["kind"] in r["kinds"]), str(r["family"]))
                 for r in vocab.load("families")["person_rates"]["rates"])


def _person_rate(text: str, start: int, unit: str | None) -> str | None:
    """The family of an amount counted per person (每人每月三十斤: ration) or per head (每头每年八十斤: feed),
    from `person_rates`, or None."""
    a, _ = _bounds(text, start, start, MINOR + MAJOR + SENTENCE)
    for bases, units, family in _person_rates():
        if unit in units and any(b in text[a:start] for b in bases):
            return family
    return None


@lru_cache(maxsize=1)
def _unit_families() -> dict[str, str]:
    return {vocab.simplified(str(u)): f for u, f in vocab.load("families")["unit_families"]["units"].items()}


def family_cue(text: str, start: int, end: int, heading: str = "", unit: str | None = None,
               unit_kind: str | None = None) -> tuple[str, int]:
    """The family the nearest family word names for the number at text[start:end] (a paragraph, simplified
    view), under `heading`, and the tier it was found at (`MINOR_TIER` … `NO_TIER`). A word of a family that
    never counts in the number's kind of unit (`not_units`: no organization measures grain in 斤) is not read."""
    barred, persons = (_barred()[unit_kind], _persons()[unit_kind]) if unit_kind else (frozenset(), frozenset())
    topical = _topical(text, start, end)
    found = tuple(o for o in topical if (o[2].family not in barred or o[2].word in _any_unit())
                  and o[2].word not in persons)
    # 百分之三到五的公益金: the noun a share or an amount stands before (…的X) is what it is of
    for a, _, cue in found:
        if a == end + 1 and text[end:end + 1] == "的":
            return cue.family, MINOR_TIER
    found = _without_share_base(text, found, start, end)
    for tier, stops in enumerate((MINOR + MAJOR + SENTENCE, MAJOR + SENTENCE, SENTENCE)):
        if tier == SENTENCE_TIER and unit in _unit_families():  # 平均二三十户: the size of a body, its unit says
            return _unit_families()[unit], SENTENCE_TIER
        if tier == SENTENCE_TIER and (family := _person_rate(text, start, unit)):  # 每人每月三十斤: a ration
            return family, SENTENCE_TIER
        lo, hi = _bounds(text, start, end, stops)
        if tier == MINOR_TIER and (then := _consequence(text, found, hi)):  # 私运食油…以上者，…收购: goods
            return _owner(topical, then, start, lo), MINOR_TIER
        if tier == MAJOR_TIER and (lead := _colon_lead(text, found, lo)):
            return lead.family, MAJOR_TIER
        # after the number, only its own clauses name what it is (发给三十斤口粮); in a sentence the topic comes first
        if cue := _nearest(found, start, end, lo, hi, after=tier < 2):
            # the thing priced is read whatever the number's unit (耕牛…每头每年付给租金…稻谷一百五十斤: livestock)
            return _owner(topical, cue, start, min(lo, _bounds(text, start, end, MAJOR + SENTENCE)[0])), tier
    # the paragraph before the sentence: what the rules of the paragraph are about (劳动力…。此控制数五年内不变):
    # the topic of the sentence right before, its first family word (…实行粮食半供给制，即…油、盐由社员个人出钱。
    # 这个办法五年不变: distribution), else the nearest word before
    sa, _ = _bounds(text, start, end, SENTENCE)
    pa, _ = _bounds(text, max(sa - 1, 0), max(sa - 1, 0), SENTENCE)
    previous = [o for o in found if pa <= o[0] and o[1] <= sa]
    if previous:
        return min(previous, key=lambda o: o[0])[2].family, PARAGRAPH_TIER
    if cue := _nearest(found, start, end, 0, start, after=False):
        return cue.family, PARAGRAPH_TIER
    if heading:
        genre = _genre()
        titled = tuple(o for o in _occurrences(heading) if o[2].word not in genre and o[2].family not in barred)
        if cue := _nearest(titled, len(heading), len(heading), 0, len(heading)):
            return cue.family, HEADING_TIER
    # a clause of purpose, read last (为…有粮食储备，今后三年内…)
    full = tuple(o for o in _occurrences(text) if o[2].family not in barred and o[2].word not in persons)
    if len(found) < len(full) and (cue := _nearest(full, start, end, 0, len(text))):
        return cue.family, PARAGRAPH_TIER
    return _data()[1], NO_TIER


def _consequence(text: str, found: tuple[tuple[int, int, Cue], ...], hi: int) -> Cue | None:
    """Where the number's minor clause is a condition closed by 的 or 者 (每户农业收入不满一百五十斤的，免征农业税),
    the first specific family word of the clause that follows, which says what the threshold governs: tax, not
    the income the condition measures."""
    if not text.startswith(("的，", "者，", "的,", "者,"), hi - 1):
        return None
    a, b = _bounds(text, hi + 1, hi + 1, MINOR + MAJOR + SENTENCE)
    generic = _generic()
    then = [o for o in found if a <= o[0] and o[1] <= b and o[2].word not in generic]
    return min(then, key=lambda o: o[0])[2] if then else None


def _colon_lead(text: str, found: tuple[tuple[int, int, Cue], ...], lo: int) -> Cue | None:
    """Where the number's major clause follows a colon, the family word that heads the lead before it (城镇居民口粮
    定量：大中学生每月三十二斤，机关工作人员二十八斤: ration, for every item of the list, not the next item's 机关),
    within `LEAD_GAP` characters of the colon; a generic word (标准：) names none."""
    if lo == 0 or text[lo - 1] not in "：:":
        return None
    a, _ = _bounds(text, lo - 1, lo - 1, MAJOR + SENTENCE)
    generic = _generic()
    lead = [(b, c) for x, b, c in found if a <= x and lo - 1 - LEAD_GAP <= b <= lo - 1 and c.word not in generic]
    return max(lead, key=lambda t: t[0])[1] if lead else None


def names_family(text: str, start: int, end: int, family: str) -> bool:
    """Whether a word of `family` that is not a generic one (留粮, 标准) stands in text[start:end]."""
    generic = _generic()
    return any(start <= a and b <= end and c.family == family and c.word not in generic
               for a, b, c in _occurrences(text))


def family_of(text: str, start: int, end: int, heading: str = "", concept_family: str | None = None,
              unit: str | None = None, unit_kind: str | None = None) -> str:
    """The family of the number at text[start:end] (a paragraph, simplified view), under `heading`: the
    concept's where one is given, else the nearest family word's (`family_cue`)."""
    if concept_family:
        return concept_family
    return family_cue(text, start, end, heading, unit, unit_kind)[0]
