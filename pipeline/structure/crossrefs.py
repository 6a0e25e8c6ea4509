"""Cross-references: 本細則第三章第九條, 第九條二、三款, 「…細則」第五條, 國務院…辦法第四十條.

Found on the simplified view, so both scripts read alike. A citation is
internal when 本<doc-type> or nothing names another document before it;
external when a quoted title or a run of text ending in a document-type word
(辦法, 細則, 章程 …) stands before it. Internal ones are resolved to unit ids
here; external ones to a corpus document by `resolve_external` once every
document is read.
"""
from __future__ import annotations

import re

from pipeline import vocab
from pipeline.markers import NUMERAL_CHARS, parse_number
from pipeline.structure.model import CrossReference, StructuredDocument, Unit

_N = rf"[{NUMERAL_CHARS}]+"
REF_RE = re.compile(
    rf"(?:第(?P<chapter>{_N})章)?第(?P<article>{_N})条"
    rf"(?:第?(?P<items>{_N}(?:[、和及]{_N})*)[款项])?"
)
# in a text whose provisions are numbered 一、二、, 第六项 cites provision six
PROVISION_RE = re.compile(rf"(?<![条條])第(?P<article>{_N})[项項](?!目)")
QUOTED_TITLE_RE = re.compile(r"[「《“\"『](?P<title>[^「」《》“”\"『』]{2,60})[」》”\"』]$")
LOOKBACK = 48
STOP_CHARS = "，。；：、（）！？「」《》“”\"『』\n "


def _title_before(text: str, pos: int) -> tuple[str, tuple[int, int] | None]:
    """What stands before a citation at `pos`: its kind and the span of a cited title.

    kind is `external` (a title, quoted or ending in a document-type word),
    `internal` (本細則…) or `bare` (nothing: the same document).
    """
    base = max(0, pos - LOOKBACK)
    before = text[base:pos]
    m = QUOTED_TITLE_RE.search(before)
    if m:
        return "external", (base + m.start("title"), base + m.end("title"))
    if any(before.endswith("本" + w) for w in vocab.words("documents", "self_references")):
        return "internal", None
    run = re.split(f"[{re.escape(STOP_CHARS)}]", before)[-1]
    core = run
    for suffix in vocab.words("documents", "draft_suffixes"):  # 示范章程草案: a draft is still a charter
        if core.endswith(suffix):
            core = core[:-len(suffix)]
            break
    if not any(core.endswith(w) for w in vocab.words("documents", "doc_types")):
        return "bare", None
    triggers = vocab.words("documents", "citation_triggers")
    cut = max((run.rfind(t) + len(t) for t in triggers if t in run), default=0)
    if len(run) - cut < 3:
        return "bare", None
    return "external", (pos - len(run) + cut, pos)


def _issuer_length(simplified_title: str) -> int:
    """Length of a leading organ name in a cited title (国务院农村…办法 → 3), else 0."""
    for organ in sorted(vocab.words("documents", "issuers"), key=len, reverse=True):
        if simplified_title.startswith(organ) and len(simplified_title) > len(organ) + 2:
            return len(organ)
    return 0


def find_cross_references(sd: StructuredDocument) -> list[CrossReference]:
    """Every reference the text makes to an article (第九条, 第三条第二款, 前条): to one of its own, or to another
    document's when a title stands before it (《农业生产合作社示范章程》第十七条), each with its span."""
    nd = sd.normalized
    text = nd.simplified
    out: list[CrossReference] = []
    articles = [u for u in sd.units if u.kind == "article" and u.language == "zh"]
    enumerated = bool(articles) and not any((u.number_text or "").startswith("第") for u in articles)
    for idx, p in enumerate(nd.paragraphs):
        if p.language != "zh":
            continue
        unit_id = sd.paragraph_unit[idx]
        article = sd.enclosing(unit_id, "article")
        if enumerated:
            for m in PROVISION_RE.finditer(text, p.start, p.end):
                number = parse_number(m.group("article"))[0]
                if number is None or number > max(a.number or 0 for a in articles):
                    continue
                out.append(CrossReference(unit_id, article.number if article else None, None, None, None, number,
                                          None, "internal", m.start(), m.end(),
                                          target_unit_id=resolve_in(sd.units, None, number, None)))
        for m in REF_RE.finditer(text, p.start, p.end):
            if m.start() == p.start:  # the paragraph's own marker, not a citation
                continue
            kind, title_span = _title_before(text, m.start())
            title = issuer = None
            start = m.start()
            if title_span is not None:
                start = title_span[0]
                a, b = title_span
                cut = a + _issuer_length(text[a:b])
                issuer, title = (nd.text[a:cut] or None), nd.text[cut:b]
            chapter_no = parse_number(m.group("chapter"))[0] if m.group("chapter") else None
            article_no = parse_number(m.group("article"))[0]
            items = [parse_number(x)[0] for x in re.split("[、和及]", m.group("items"))] if m.group("items") else [None]
            for item_no in items:
                ref = CrossReference(
                    from_unit_id=unit_id,
                    from_article_no=article.number if article else None,
                    target_title=title,
                    target_issuer=issuer,
                    target_chapter_no=chapter_no,
                    target_article_no=article_no,
                    target_item_no=item_no,
                    kind="external" if kind == "external" else "internal",
                    start=start,
                    end=m.end(),
                )
                if ref.kind == "internal":
                    ref.target_unit_id = resolve_in(sd.units, chapter_no, article_no, item_no)
                out.append(ref)
    return out


def resolve_in(units: list[Unit], chapter_no: int | None, article_no: int | None, item_no: int | None) -> str | None:
    """The unit id of 第N條 (in 第M章) and of its item or paragraph (款) N, if present."""
    by_id = {u.unit_id: u for u in units}
    arts = [u for u in units if u.kind == "article" and u.number == article_no and u.language == "zh"]
    if chapter_no is not None:
        in_chapter = [a for a in arts if a.parent_id in by_id and by_id[a.parent_id].number == chapter_no]
        arts = in_chapter or arts
    if not arts:
        return None
    art = arts[0]
    if item_no is None:
        return art.unit_id
    for kind in ("item", "paragraph"):
        hit = next((u for u in units if u.parent_id == art.unit_id and u.kind == kind and u.number == item_no), None)
        if hit:
            return hit.unit_id
    return art.unit_id


def cited_document(title: str, titles: dict[str, str]) -> str | None:
    """The corpus document a cited title names, across scripts, or None.

    `titles` maps a simplified, space-free title to its doc_id. A cited title
    matches a document title that equals it or ends with it (the corpus copy
    may carry the issuer: 国务院农村粮食统购统销暂行办法).
    """
    want = vocab.simplified(title).replace(" ", "")
    return next((doc_id for t, doc_id in titles.items() if t == want or t.endswith(want)), None)
