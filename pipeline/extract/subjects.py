"""The subject of a number: the words it measures, as the text says them.

    四十个集体伙食单位      → 集体伙食单位   (a count: the noun after its measure word)
    公社一级的任期两年      → 任期           (otherwise: the noun phrase before it in its clause)
    全省共需大豆二万二千五百吨 → 大豆
    占年计划的35.2%         → 年计划

Words are jieba's, tagged from its dictionary and the project lexicon (only the
few characters around each number are segmented).
"""
from __future__ import annotations

from pipeline.extract.quantities import Quantity

SUBJECT_MAX = 12
STOP = "，。；：、！？（）「」“”《》,;:()!?"
NOUNISH = ("n", "vn", "j", "nz", "ng", "an")


def _nounish(flag: str) -> bool:
    return flag.startswith(NOUNISH) or flag in ("nr", "ns", "nt")


def _cut(text: str) -> list[tuple[str, str]]:
    from pipeline.extract.nlp import tagged_words

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
    for word, flag in reversed(tagged):
        if _nounish(flag) or word.startswith("每"):
            if sum(map(len, words)) + len(word) > SUBJECT_MAX:
                break
            words.insert(0, word)
        elif words:
            break
    return "".join(words) or None


def what_follows(text: str, q: Quantity) -> str | None:
    """For a duration or a frequency with no noun before it, what it is the time of: 付清 in 一般在三年内付清."""
    rest = text[q.end:]
    cut = min([k for k in (rest.find(c) for c in STOP) if k >= 0] or [len(rest)])
    words = rest[:cut].lstrip("内的里后前")
    return words[:SUBJECT_MAX] or None


def subject_of(text: str, q: Quantity) -> str | None:
    if q.unit_kind == "count" and q.unit_end is not None:
        return subject_after(text, q) or subject_before(text, q)
    subject = subject_before(text, q) or (subject_after(text, q) if q.unit_kind in ("mass", "length") else None)
    if subject is None and q.unit_kind in ("time", "multiple"):
        subject = what_follows(text, q)
    return subject
