"""Records produced by the ingest stage."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Region:
    """A stretch of the original text with one role.

    kind: `body` (the Chinese text that is structured), `translation`
    (English text), `headline`, `byline`, `procedure` (adoption/approval
    lines), `header` (site or page furniture, kept but not structured),
    `footer` (licence lines). start/end are offsets into the original text.
    """

    kind: str
    start: int
    end: int
    language: str = "zh"


@dataclass
class Metadata:
    title: str | None = None
    title_en: str | None = None
    date: date | None = None
    issuer: str | None = None
    page: int | None = None
    column: str | None = None
    adopted: date | None = None
    approved: date | None = None
    source: str | None = None
    licence: str | None = None
    languages: list[str] = field(default_factory=list)
    kind: str | None = None  # regulation, instruction, report, speech, news (see ingest/kind.py)


@dataclass
class SourceDocument:
    """One corpus file as read: its original text is never altered."""

    doc_id: str
    source_file: str
    text: str
    encoding: str
    layout: str
    regions: list[Region]
    metadata: Metadata
    sha256: str
    script: str = "mixed"
    metadata_sources: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, dict]] = field(default_factory=list)  # (code, detail): read, but look at it
    scan_lines: list = field(default_factory=list)  # a scan's lines with their pages and boxes (ingest/scans)
