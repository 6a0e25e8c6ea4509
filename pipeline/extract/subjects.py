"""The subject of a number: the words it measures, as the text says them.

    四十个集体伙食单位      → 集体伙食单位   (a count: the noun after its measure word)
    公社一级的任期两年      → 任期           (otherwise: the noun phrase before it in its clause)
    全省共需大豆二万二千五百吨 → 大豆
    占年计划的35.2%         → 年计划

Words are jieba's, tagged from its dictionary and the project lexicon (only the
few characters around each number are segmented).
"""
from __future__ import annotations

from functools import lru_cache

from pipeline import vocab
from pipeline.extract.quantities import Quantity
from pipeline.extract.segmenter import tagged_words

SUBJECT_MAX = 12
STOP = "，。；：、！？（）「」“”《》,;:()!?"
MAJOR_STOP = "。；：！？;:!?"
_STRAY_BEFORE = "个头只名位"  # a measure word a basis leaves behind (每|个社员)
NUMERAL_START = "一二三四五六七八九十两半"
_STRAY_AFTER = "时"  # 农忙时: when, not what
MEASURES = ("mass", "area", "length", "currency", "volume")  # an amount of a thing, often written before it
NOUNISH = ("n", "vn", "j", "nz", "ng", "an")


def _nounish(flag: str) -> bool:
    return flag.startswith(NOUNISH) or flag in ("nr", "ns", "nt")


def _cut(text: str) -> list[tuple[str, str]]:
    return list(tagged_words(text))


def subject_after(text: str, q: Quantity) -> str | None:
    """The noun phrase right after a count: 农业生产合作社 in 八千个农业生产合作社。"""
    rest = text[q.end:]
    rest = rest[1:] if rest.startswith("的") else rest
    cut = min([k for k in (rest.find(c) for c in STOP) if k >= 0] or [len(rest)])
    out = ""
    tagged = _cut(rest[:min(cut, 16)])
    for k, (word, flag) in enumerate(tagged):
        verb_before_noun = flag.startswith("v") and k == 0 and k + 1 < len(tagged) and _nounish(tagged[k + 1][1])
        if not (_nounish(flag) or verb_before_noun) or len(out) + len(word) > SUBJECT_MAX:
            break
        out += word
    return out or None


def subject_before(text: str, q: Quantity) -> str | None:
    """The last noun phrase before a number in its clause: 大豆 in 全省共需大豆二万二千五百吨."""
    start = max((text.rfind(c, 0, q.start) for c in STOP), default=-1) + 1
    head = text[start:q.start]
    if not head:
        return None
    tagged = _cut(head[-16:])
    words: list[str] = []
    for k in range(len(tagged) - 1, -1, -1):
        word, flag = tagged[k]
        if not words and flag == "f" and word in _compound_heads() and k and tagged[k - 1][1].startswith("v"):
            words = [tagged[k - 1][0], word]  # 雇佣期间: a verb and a light noun of place or time
            break
        if _nounish(flag) or word.startswith("每"):
            if sum(map(len, words)) + len(word) > SUBJECT_MAX:
                break
            words.insert(0, word)
        elif words and flag.startswith("v") and "".join(words) in _compound_heads() \
                and sum(map(len, words)) + len(word) <= SUBJECT_MAX:
            words.insert(0, word)  # 雇佣时间, 收购数量: a verb before a light noun makes the compound it heads
            break
        elif words:
            break
    return "".join(words) or None


def what_follows(text: str, q: Quantity) -> str | None:
    """For a duration or a frequency with no noun before it, what it is the time of: 付清 in 一般在三年内付清."""
    rest = text[q.end:]
    cut = min([k for k in (rest.find(c) for c in STOP) if k >= 0] or [len(rest)])
    words = rest[:cut].lstrip("内的里后前")
    if words.startswith(_fixed()):  # 三年不变: how long a rule holds, not what it is the time of
        return None
    return words[:SUBJECT_MAX] or None


@lru_cache(maxsize=1)
def _fixed() -> tuple[str, ...]:
    """The words of a fixed period (schemas/roles.yaml fixed_period: 不变, 一订 …)."""
    return vocab.words("roles", "fixed_period")


def subject_of(text: str, q: Quantity) -> str | None:
    if q.unit_kind == "count" and q.unit_end is not None:
        return subject_after(text, q) or subject_before(text, q)
    subject = subject_before(text, q) or (subject_after(text, q) if q.unit_kind in ("mass", "length") else None)
    if subject is None and q.unit_kind in ("time", "multiple"):
        subject = what_follows(text, q)
    return subject


@lru_cache(maxsize=1)
def _light() -> frozenset[str]:
    return frozenset(vocab.words("subjects", "light"))


@lru_cache(maxsize=1)
def _compound_heads() -> frozenset[str]:
    return frozenset(vocab.words("subjects", "compound_heads"))


@lru_cache(maxsize=1)
def _basis_words() -> tuple[str, ...]:
    words = {vocab.simplified(w) for e in vocab.load("units")["bases"]["entries"] for w in e["words"]}
    return tuple(sorted(words | {"平均", "每"}, key=len, reverse=True))


def _named(phrase: str | None) -> str | None:
    """`phrase` without a basis before or after it (每人每月, 平均每; 男社员每月: 男社员) or a measure word left from
    one (每个社员: 个), and unless what is left is one character or a light noun."""
    if not phrase:
        return None
    changed = True
    while changed and phrase:
        changed = False
        for w in _basis_words():
            if phrase.startswith(w) or phrase.endswith(w):
                phrase, changed = (phrase[len(w):] if phrase.startswith(w) else phrase[:-len(w)]), True
                break
        if phrase[:1] in _STRAY_BEFORE or phrase[-1:] in _STRAY_AFTER:
            phrase, changed = phrase.lstrip(_STRAY_BEFORE).rstrip(_STRAY_AFTER), True
    if len(phrase) < 2 or phrase in _light() or phrase[0] in NUMERAL_START:
        return None  # 一订 of 一年一订: a word of the rule's form, not what it measures
    return phrase


def topic_of(text: str, q: Quantity) -> str | None:
    """The topic of the number's major clause: the nearest clause before the number's own that is a noun phrase
    alone (合作社的公积金、公益金，今年一般不要超过总收入的5%: 合作社的公积金)."""
    start = max((text.rfind(c, 0, q.start) for c in MAJOR_STOP), default=-1) + 1
    own = max((text.rfind(c, 0, q.start) for c in STOP), default=-1) + 1
    for clause in reversed(_split(text[start:max(start, own - 1)])):
        words = _cut(clause)
        if words and all(_nounish(f) or w in "的、和及与" for w, f in words) and _nounish(words[-1][1]):
            head = [w for w, f in words if _nounish(f)]
            return head[-1] if len("".join(head)) > SUBJECT_MAX else "".join(w for w, _ in words)[-SUBJECT_MAX:]
    return None


def first_noun_phrase(text: str, q: Quantity) -> str | None:
    """The first noun phrase of the number's major clause, before it."""
    start = max((text.rfind(c, 0, q.start) for c in MAJOR_STOP), default=-1) + 1
    words: list[str] = []
    for word, flag in _cut(text[start:q.start][:24]):
        if _nounish(flag) and word not in _light():
            if sum(map(len, words)) + len(word) > SUBJECT_MAX:
                break
            words.append(word)
        elif words and flag not in ("uj",):  # 合作社的公积金: the noun after 的 is the head
            break
        elif words:
            words = []
    return "".join(words) or None


def _split(text: str) -> list[str]:
    out, k = [], 0
    for i, c in enumerate(text):
        if c in STOP:
            out.append(text[k:i])
            k = i + 1
    out.append(text[k:])
    return [c for c in out if c]


def rule_subject(text: str, q: Quantity) -> str | None:
    """What a rule's number measures, as a user would search for it: for a count, the noun it counts; for an
    amount, the noun after it (发给三十斤口粮) or before it (口粮每人三百斤); else the noun phrase before it in its
    clause (for a share of something, 总收入的5%, the topic of its major clause first), the topic, the heading
    before a colon, or what a duration is the time of. Never one character, a basis
    (每人每月) or a light noun alone (schemas/subjects.yaml).

        >>> from pipeline.extract.numerals import find_numbers
        >>> from pipeline.extract.quantities import build_quantities
        >>> t = "合作社的公积金，今年一般地区不要超过总收入的5%"
        >>> rule_subject(t, build_quantities(t, find_numbers(t))[0])
        '合作社的公积金'
        >>> t = "全年口粮标准：一般地区应保证365斤"
        >>> rule_subject(t, build_quantities(t, find_numbers(t))[0])
        '口粮标准'
    """
    candidates = []
    if q.unit_kind == "count" and q.unit_end is not None or q.unit_kind in MEASURES:
        candidates.append(lambda: subject_after(text, q))
    if q.unit_kind in ("pct", "tenth", "multiple") and text.endswith("的", 0, q.start):
        candidates.append(lambda: topic_of(text, q))  # 公积金…不超过总收入的5%: a share of its base measures the topic
    candidates.append(lambda: subject_before(text, q))
    if q.unit_kind in ("time", "multiple"):
        candidates.append(lambda: what_follows(text, q))  # 一般在三年内付清: the time of what follows
    candidates += [lambda: topic_of(text, q), lambda: _previous_topic(text, q), lambda: first_noun_phrase(text, q)]
    for candidate in candidates:
        if found := _named(candidate()):
            return found
    return None


def _previous_topic(text: str, q: Quantity) -> str | None:
    """全年口粮标准：一般地区应保证365斤: the heading before a colon names what the rules after it measure."""
    colon = max(text.rfind("：", 0, q.start), text.rfind(":", 0, q.start))
    if colon < 0 or any(c in text[colon + 1:q.start] for c in "。；！？"):
        return None
    start = max((text.rfind(c, 0, colon) for c in "。；：！？，"), default=-1) + 1
    tagged = _cut(text[start:colon][-16:])
    if not tagged or not _nounish(tagged[-1][1]):
        return None  # 会议最后确定：… is who decided, not a heading of what the rules measure
    words = [w for w, f in tagged if _nounish(f)]
    return "".join(words)[-SUBJECT_MAX:] or None
