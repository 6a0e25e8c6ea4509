"""Normalize: SourceDocument → NormalizedDocument, with an offset map.

The normalized text holds the structured regions (body, headline, byline,
procedure, translation) as paragraphs separated by "\\n". It joins hard-wrap
breaks and the stray spaces they left inside words and numbers (`第 九條`,
`二百 五`), unifies punctuation width (Chinese text gets full-width ，：（）;
digits, letters and % become ASCII; a full stop between digits is a decimal
point) and keeps table rows' spacing. The simplified view is OpenCC t2s of
the normalized text, character for character, so both share one offset map.

Entry point: `normalize(doc)`.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass

from pipeline.chars import Line, lines
from pipeline.ingest.model import SourceDocument
from pipeline.markers import starts_with_marker
from pipeline.normalize.offsets import OffsetMap
from pipeline.normalize.paragraphs import split_paragraphs
from pipeline.normalize.text import normalize_lines
from pipeline.vocab import simplified

STRUCTURED = ("headline", "procedure", "body", "byline", "translation")
ONE_PARAGRAPH_PER_LINE = ("headline", "procedure", "byline")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the normalized text: text[start:end]."""

    start: int
    end: int
    region: str
    language: str
    table_row: bool = False


@dataclass
class NormalizedDocument:
    source: SourceDocument
    text: str
    simplified: str
    offsets: OffsetMap
    paragraphs: list[Paragraph]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.span(start, end)

    def original(self, start: int, end: int) -> str:
        a, b = self.offsets.span(start, end)
        return self.source.text[a:b]


def normalize(doc: SourceDocument) -> NormalizedDocument:
    """The normalize stage: the ingested text's paragraphs, unwrapped (a hard wrap's line break and spaces
    dropped), with full-width digits and letters folded and punctuation repaired, and its simplified view
    (OpenCC), each character mapped back to its offset in the original (`NormalizedDocument.origin`)."""
    parts: list[str] = []
    origin = array("l")
    paragraphs: list[Paragraph] = []
    pos = 0
    for region in doc.regions:
        if region.kind not in STRUCTURED:
            continue
        region_lines = lines(doc.text, region.start, region.end)
        groups: list[tuple[list[Line], bool]]
        if region.kind in ONE_PARAGRAPH_PER_LINE:
            groups = [([ln], False) for ln in region_lines if not ln.blank]
        else:
            groups = split_paragraphs(region_lines)
        for group, table_row in groups:
            text, offs = normalize_lines(doc.text, group, region.language, table_row)
            if not text:
                continue
            if parts:  # the separator points at the break before this paragraph
                parts.append("\n")
                origin.append(max(group[0].start - 1, 0))
                pos += 1
            parts.append(text)
            origin.extend(offs)
            paragraphs.append(Paragraph(pos, pos + len(text), region.kind, region.language, table_row))
            pos += len(text)
    text = "".join(parts)
    return NormalizedDocument(doc, text, simplified(text), OffsetMap(origin, len(doc.text)), paragraphs)


__all__ = ["normalize", "NormalizedDocument", "Paragraph", "OffsetMap", "starts_with_marker"]
