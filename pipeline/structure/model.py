"""Records produced by the structure stage."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.normalize import NormalizedDocument


@dataclass
class Unit:
    """A structural unit. start/end are offsets into the normalized text."""

    unit_id: str
    # chapter, section, article, item, paragraph, note, table, headline, byline, procedure, preamble, translation
    kind: str
    number: int | None
    number_text: str | None
    parent_id: str | None
    start: int
    end: int
    language: str = "zh"
    heading: str | None = None
    flags: list[str] = field(default_factory=list)
    aligned_unit_id: str | None = None
    ordinal: int = 0


@dataclass
class CrossReference:
    from_unit_id: str
    from_article_no: int | None
    target_title: str | None  # None for the same document
    target_issuer: str | None
    target_chapter_no: int | None
    target_article_no: int | None
    target_item_no: int | None
    kind: str  # internal / external
    start: int  # normalized offsets of the citation
    end: int
    target_unit_id: str | None = None
    target_doc_id: str | None = None


@dataclass
class StructuredDocument:
    normalized: NormalizedDocument
    units: list[Unit]
    paragraph_unit: list[str]  # for each normalized paragraph, the deepest unit holding it
    cross_references: list[CrossReference] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.normalized.source.doc_id

    def unit(self, unit_id: str) -> Unit:
        return self._by_id()[unit_id]

    def _by_id(self) -> dict[str, Unit]:
        if not hasattr(self, "_index"):
            self._index = {u.unit_id: u for u in self.units}
        return self._index

    def ancestors(self, unit_id: str | None) -> list[Unit]:
        """The unit and its ancestors, innermost first."""
        out, index = [], self._by_id()
        while unit_id is not None and unit_id in index:
            out.append(index[unit_id])
            unit_id = index[unit_id].parent_id
        return out

    def enclosing(self, unit_id: str | None, kind: str) -> Unit | None:
        return next((u for u in self.ancestors(unit_id) if u.kind == kind), None)
