"""Structure: NormalizedDocument → StructuredDocument (units and cross-references).

Entry point: `structure(nd)`.
"""
from __future__ import annotations

from pipeline.normalize import NormalizedDocument
from pipeline.structure.crossrefs import find_cross_references
from pipeline.structure.model import CrossReference, StructuredDocument, Unit
from pipeline.structure.parse import StructureParser

__all__ = ["structure", "StructuredDocument", "Unit", "CrossReference"]


def structure(nd: NormalizedDocument) -> StructuredDocument:
    """The structure stage: the normalized document's units (title, chapters, articles, items, notes, tables,
    headlines, translations) and its cross-references between articles (第九条, 本办法第三条, 《…条例》第五条)."""
    units, paragraph_unit = StructureParser(nd).parse()
    sd = StructuredDocument(nd, units, paragraph_unit)
    sd.cross_references = find_cross_references(sd)
    return sd
