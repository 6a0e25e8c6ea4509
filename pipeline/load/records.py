"""Rows for the documents, units and cross_references tables from structured documents."""
from __future__ import annotations

import json

from pipeline.ingest.dates import MonthDate
from pipeline.rows import CrossReferenceRow, DocumentRow, UnitRow
from pipeline.structure import StructuredDocument
from pipeline.vocab import simplified


def document_record(sd: StructuredDocument) -> DocumentRow:
    src, meta, nd = sd.normalized.source, sd.normalized.source.metadata, sd.normalized
    return DocumentRow(**{
        "doc_id": src.doc_id,
        "source_file": src.source_file,
        "title": meta.title,
        "title_simplified": simplified(meta.title) if meta.title else None,
        "title_en": meta.title_en,
        "kind": meta.kind,
        "date": meta.date,
        "date_precision": None if meta.date is None else "month" if isinstance(meta.date, MonthDate) else "day",
        "issuer": meta.issuer,
        "adopted": meta.adopted,
        "approved": meta.approved,
        "page": meta.page,
        "column_name": meta.column,
        "source": meta.source,
        "licence": meta.licence,
        "script": src.script,
        "languages": meta.languages or ["zh"],
        "layout": src.layout,
        "encoding": src.encoding,
        "sha256": src.sha256,
        "metadata_sources": json.dumps(src.metadata_sources, ensure_ascii=False, sort_keys=True),
        "text_original": src.text,
        "text_normalized": nd.text,
        "text_simplified": nd.simplified,
    })


def unit_records(sd: StructuredDocument) -> list[UnitRow]:
    nd = sd.normalized
    out = []
    for u in sd.units:
        a, b = nd.original_span(u.start, u.end)
        out.append(UnitRow(
            doc_id=sd.doc_id, unit_id=u.unit_id, kind=u.kind, number=u.number,
            number_text=u.number_text, parent_id=u.parent_id, ordinal=u.ordinal,
            language=u.language, heading=u.heading, aligned_unit_id=u.aligned_unit_id,
            char_start=a, char_end=b, norm_start=u.start, norm_end=u.end,
            text=nd.text[u.start:u.end], flags=u.flags,
        ))
    return out


def crossref_records(sd: StructuredDocument) -> list[CrossReferenceRow]:
    nd = sd.normalized
    out = []
    seen: dict[tuple[str, int], int] = {}
    for r in sd.cross_references:
        a, b = nd.original_span(r.start, r.end)
        place = (r.from_unit_id, a)
        seen[place] = seen.get(place, 0) + 1
        out.append(CrossReferenceRow(
            reference_id=f"{sd.doc_id}/{r.from_unit_id}/{a}/{seen[place]}", doc_id=sd.doc_id,
            from_unit_id=r.from_unit_id, from_article_no=r.from_article_no,
            target_title=r.target_title, target_issuer=r.target_issuer,
            target_chapter_no=r.target_chapter_no, target_article_no=r.target_article_no,
            target_item_no=r.target_item_no, kind=r.kind,
            target_doc_id=sd.doc_id if r.kind == "internal" else r.target_doc_id,
            target_unit_id=r.target_unit_id, quote=nd.source.text[a:b], char_start=a, char_end=b,
        ))
    return out
