"""Helpers the layout readers share: furniture lines, issuers, procedure lines (lines with offsets and the
CJK character class are pipeline.chars', which normalization reads too)."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline import vocab
from pipeline.chars import CJK_RE, Line, lines  # noqa: F401 (the layout readers' own names for them)
from pipeline.ingest.dates import find_date
from pipeline.ingest.model import Metadata, Region

SENTENCE_END = "。！？；：.!?;:，,"


def has_cjk(s: str) -> bool:
    return bool(CJK_RE.search(s))


def is_site_line(s: str) -> bool:
    simp = vocab.simplified(s)
    return any(w in simp for w in vocab.words("documents", "site_lines"))


def is_licence_line(s: str) -> bool:
    simp = vocab.simplified(s)
    return any(w in simp for w in vocab.words("documents", "licence_markers"))


def issuer_from_label(s: str) -> str | None:
    """`發布機關:江西省人民委員會` → 江西省人民委員會 (as written)."""
    simp = vocab.simplified(s.strip())
    for label in vocab.words("documents", "issuer_labels"):
        if simp.startswith(label):
            rest = s.strip()[len(label):].lstrip(":：　 ")
            return rest or None
    return None


ISSUER_ENDS = ("关于", "批转", "转发", "批发")


def issuer_from_title(title: str) -> str | None:
    """The organs that open a title: `國務院關於…的規定` → 國務院; `中共中央、國務院關於…` → 中共中央、國務院;
    `中共中央批轉…的報告` → 中共中央 (before 關於, 批轉, 轉發 or 批發, where every part is an organ)."""
    simp = vocab.simplified(title)
    idx = min((k for k in (simp.find(w) for w in ISSUER_ENDS) if k > 0), default=-1)
    if idx <= 0:
        return None
    head = simp[:idx]
    parts = [x for x in re.split("[、和及与]", head) if x]
    if parts and all(is_issuer(x) for x in parts):
        return title[:idx]
    return None


@lru_cache(maxsize=1)
def issuer_suffixes() -> tuple[str, ...]:
    return tuple(vocab.simplified(e["word"]) for e in vocab.load("documents")["issuers"]["suffixes"])


def is_issuer(name: str) -> bool:
    """Is `name` (either script) an organ: a listed one, or one with an organ suffix?"""
    simp = vocab.simplified(name)
    return simp in vocab.words("documents", "issuers") or any(
        simp.endswith(s) and len(simp) > len(s) for s in issuer_suffixes()
    )


def procedure_step(s: str) -> tuple[str, date] | None:
    """A parenthesised adoption line → ('adopted'|'approved'|'promulgated', date); also as a Markdown heading."""
    t = s.strip().lstrip("#").strip()
    if not t or t[0] not in "(（" or t[-1] not in ")）":
        return None
    simp = vocab.simplified(t)
    d, _ = find_date(t)
    if d is None:
        return None
    steps = vocab.load("documents")["procedure"]
    for step in ("approved", "adopted", "promulgated"):
        if any(vocab.simplified(w) in simp for w in steps[step]):
            return step, d
    return None


def dated_step(s: str) -> tuple[str, date, str | None] | None:
    """A line under a title that starts with a date and ends with a step of adoption, without brackets:
    `一九五六年三月十日浙江省人民委員會發布` → ('promulgated', 1956-03-10, 浙江省人民委員會)."""
    t = s.strip()
    d, m = find_date(t)
    if d is None or m is None or m.start() != 0 or len(t) > 60:
        return None
    simp = vocab.simplified(t)
    steps = vocab.load("documents")["procedure"]
    for step in ("approved", "adopted", "promulgated"):
        word = next((vocab.simplified(w) for w in steps[step] if simp.endswith(vocab.simplified(w))), None)
        if word:
            organ = t[m.end():len(t) - len(word)].strip() or None
            return step, d, organ if organ and is_issuer(organ) else None
    return None


def source_name(text: str) -> str | None:
    simp = vocab.simplified(text)
    for entry in vocab.load("documents")["sources"]["names"]:
        if any(vocab.simplified(w) in simp for w in entry["words"]):
            return entry["key"]
    return None


def looks_like_title(s: str) -> bool:
    t = s.strip()
    return bool(t) and len(t) <= 80 and has_cjk(t) and t[-1] not in SENTENCE_END


def apply_procedure_lines(body: list[Line], meta: Metadata, regions: list[Region]) -> set[int]:
    """Mark parenthesised adoption/approval lines; return the indexes used."""
    used = set()
    for i, ln in enumerate(body[:8]):
        step = procedure_step(ln.text)
        if step is None:
            continue
        kind, d = step
        field = "date" if kind == "promulgated" else kind
        if getattr(meta, field) is None:
            setattr(meta, field, d)
        regions.append(Region("procedure", ln.start + ln.indent, ln.end))
        used.add(i)
    return used


MERGEABLE = ("body", "translation")


def merged(regions: list[Region], text: str) -> list[Region]:
    """Sort regions and join neighbours of one mergeable kind separated only by blanks."""
    out: list[Region] = []
    for r in sorted(regions, key=lambda r: r.start):
        prev = out[-1] if out else None
        if prev and prev.kind == r.kind and prev.language == r.language and r.kind in MERGEABLE \
                and not text[prev.end:r.start].strip():
            out[-1] = Region(r.kind, prev.start, r.end, r.language)
        else:
            out.append(r)
    return out
