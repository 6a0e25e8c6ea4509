"""The kind of a document: regulation, instruction, report, speech or news.

Read from the text: the last document-type word of the title decides (schemas/
documents.yaml `doc_types`: 批转…的报告 is a report, 转发…《…试行办法》 a
regulation; a covering note that quotes the text it covers, 印发“…制度”的通知,
is of that text's kind); without one, a wire dateline (【…分社…讯】) makes news; else a text
with numbered 第N条 articles is a regulation, a newspaper page news, anything
else a report. A sidecar's `kind:` overrides all this.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline import vocab

KINDS = ("regulation", "instruction", "report", "speech", "news")
ARTICLE_MARK = re.compile(r"第[一二三四五六七八九十百0-9]+[条條]")


QUOTED_TITLE = re.compile(r"《([^《》]+)》|“([^“”]+)”|「([^「」]+)」")


@lru_cache(maxsize=1)
def _doc_types() -> tuple[tuple[str, str, str], ...]:
    """(word, kind, characters it may not follow), from schemas/documents.yaml."""
    return tuple((vocab.simplified(e["word"]), e["kind"], vocab.simplified("".join(e.get("not_after", []))))
                 for e in vocab.load("documents")["doc_types"]["words"])


@lru_cache(maxsize=1)
def _covering_words() -> tuple[str, ...]:
    return tuple(vocab.simplified(e["word"]) for e in vocab.load("documents")["doc_types"]["words"] if e.get("covers"))


@lru_cache(maxsize=1)
def _news_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(vocab.simplified(p)) for p in vocab.load("documents")["news_markers"]["patterns"])


def kind_from_title(title: str | None) -> str | None:
    """The kind the last document-type word of a title gives, or None. A covering note that quotes the text it
    covers (印发“…制度”的通知, 关于《…十项措施》的批示) is of that text's kind."""
    if not title:
        return None
    simp = vocab.simplified(title)
    quoted = [next(g for g in m.groups() if g) for m in QUOTED_TITLE.finditer(simp)]
    if quoted and simp.rstrip("）)").endswith(_covering_words()) and (inner := _last_word_kind(quoted[-1])):
        return inner
    return _last_word_kind(simp)


def _last_word_kind(simp: str) -> str | None:
    best: tuple[int, str] | None = None
    for word, kind, not_after in _doc_types():
        k = simp.rfind(word)
        # a one-character word closes a title only after a longer title (土地改革法), not inside 办法
        if k < 0 or (len(word) == 1 and (k < 4 or simp[k - 1] in not_after)):
            continue
        end = k + len(word)
        if best is None or end > best[0] or (end == best[0] and len(word) > 1):
            best = (end, kind)
    return best[1] if best else None


def document_kind(title: str | None, text: str, newspaper: bool = False) -> str:
    if kind := kind_from_title(title):
        return kind
    head = vocab.simplified(text[:2000])
    if any(p.search(head) for p in _news_patterns()):
        return "news"
    if len(ARTICLE_MARK.findall(vocab.simplified(text))) >= 3:
        return "regulation"
    return "news" if newspaper else "report"
