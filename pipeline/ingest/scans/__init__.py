"""Scans: a PDF (with or without a text layer), or TIFF, PNG and JPEG pages → the text the document is.

    read_scan(path, data) → Scan: the text, in reading order, and a line for every line of it with its
    page, its box on the page image and its confidence

A PDF whose text layer holds the text is read from that layer (`Scan.how` says so); every other page
is recognised offline (pipeline/ingest/scans/ocr.py) and laid out in reading order, horizontal or
vertical (layout.py). The result goes on through normalize → structure → extract like any text: the
original text of a scan is the recognised text, and every row's character span points into it, and
through the lines here to its page and box.

Recognition is cached by the file's content and the engine, in the build's cache folder (`ocr/`; or
`PIPELINE_OCR_CACHE`): a rebuild never recognises a page twice, whatever else changed.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest.scans.pages import scan_format

__all__ = ["Scan", "ScanLine", "read_scan", "scan_format", "use_cache", "LOW_CONFIDENCE"]

LOW_CONFIDENCE = 0.8  # a character recognised with less is uncertain: a number holding one is flagged
MAX_PAGES = 300  # the most pages one file may have (PIPELINE_SCAN_MAX_PAGES)


@dataclass(frozen=True)
class ScanLine:
    """One line of a scan's text: text[start:end] stands on `page` (from 1) in `box` (x0, y0, x1, y1, in the
    pixels of the page image), recognised with `confidence` (its least certain character's; 1.0 for a PDF's
    text layer); `uncertain`: offsets into the text of the characters recognised below LOW_CONFIDENCE."""

    page: int
    line_no: int
    box: tuple[int, int, int, int]
    start: int
    end: int
    confidence: float
    uncertain: tuple[int, ...] = ()
    vertical: bool = False


@dataclass
class Scan:
    text: str
    lines: list[ScanLine]
    how: str  # what read it: the text layer, or the engine, and how many pages
    pages: int
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def read_scan(path: Path, data: bytes, fmt: str) -> Scan:
    """The text of a scan file (`fmt` from `scan_format`), laid out, with its lines' places."""
    from pipeline.ingest.scans import pages

    where = path.name
    n = pages.page_count(data, fmt, where)
    limit = int(os.environ.get("PIPELINE_SCAN_MAX_PAGES", MAX_PAGES))
    if n > limit:
        raise InputError("E119", where, {"pages": n, "limit": limit})
    if fmt == "pdf" and (layer := pages.text_layer(data, where)) is not None:
        return _from_text_layer(layer)
    return _recognised(path, data, fmt, n)


def _from_text_layer(layer) -> Scan:
    from pipeline.ingest.scans.layout import PlacedLine

    placed = [[PlacedLine(ln.box, ln.text, tuple(1.0 for _ in ln.text), True, 0) for ln in page] for page in layer]
    text, lines = _assemble(placed, [False] * len(placed))
    return Scan(text, lines, f"the PDF's text layer, {len(layer)} pages", len(layer))


def _recognised(path: Path, data: bytes, fmt: str, n: int) -> Scan:
    from pipeline.ingest.scans import layout, ocr, pages

    sha = hashlib.sha256(data).hexdigest()
    cached = _cache_read(sha)
    raw: list[dict] = []
    for k, image in enumerate(pages.images(data, fmt, path.name)):
        if cached is not None and k < len(cached):
            raw.append(cached[k])
            continue
        if n > 1:
            print(f"{path.name}: recognising page {k + 1} of {n}", file=sys.stderr, flush=True)
        found = ocr.recognise(image)
        raw.append({"size": list(image.size), "lines": [[list(ln.box), ln.text, list(ln.confidences)]
                                                         for ln in found]})
    if cached is None or len(cached) < len(raw):
        _cache_write(sha, raw)
    placed, vertical, warnings = [], [], []
    for k, page in enumerate(raw):
        lines = [ocr.OcrLine(tuple(b), t, tuple(c)) for b, t, c in page["lines"]]
        ordered, is_vertical = layout.order(lines, first_page=k == 0)
        if not ordered:
            warnings.append(("E120", {"page": k + 1}))
        placed.append(ordered)
        vertical.append(is_vertical)
    text, lines = _assemble(placed, vertical)
    kinds = sorted({"vertical" if v else "horizontal" for v, p in zip(vertical, placed, strict=True) if p})
    return Scan(text, lines, f"recognised by {ocr.ENGINE}, {len(raw)} pages ({', '.join(kinds) or 'blank'})",
                len(raw), warnings)


def _assemble(placed, vertical) -> tuple[str, list[ScanLine]]:
    """The pages' lines as one text: a paragraph's lines joined, paragraphs apart by a blank line, headings as
    Markdown headings; a paragraph that runs on to the next page goes on there."""
    parts: list[str] = []
    out: list[ScanLine] = []
    pos = 0
    for page_no, (page, is_vertical) in enumerate(zip(placed, vertical, strict=True), start=1):
        for k, ln in enumerate(page):
            if parts and ln.opens:
                parts.append("\n\n")
                pos += 2
            if ln.heading and ln.opens:
                mark = "#" * ln.heading + " "
                parts.append(mark)
                pos += len(mark)
            start = pos
            parts.append(ln.text)
            pos += len(ln.text)
            uncertain = tuple(start + i for i, c in enumerate(ln.confidences) if c < LOW_CONFIDENCE)
            out.append(ScanLine(page_no, k + 1, tuple(int(v) for v in ln.box), start, pos,
                                min(ln.confidences) if ln.confidences else 0.0, uncertain, is_vertical))
    return "".join(parts) + "\n", out


_CACHE: list[Path] = []  # the build's OCR cache folder (use_cache)


def use_cache(folder: Path) -> None:
    """Keep recognised pages in `folder` (the build's cache; PIPELINE_OCR_CACHE, where set, wins)."""
    _CACHE[:] = [folder]


def _cache_dir() -> Path | None:
    where = os.environ.get("PIPELINE_OCR_CACHE")
    return Path(where) if where else (_CACHE[0] if _CACHE else None)


def _cache_key(sha: str) -> str:
    from pipeline.ingest.scans.ocr import ENGINE, READER

    return hashlib.sha256(f"{sha}\0{ENGINE}\0{READER}".encode()).hexdigest()


def _cache_read(sha: str) -> list[dict] | None:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / f"{_cache_key(sha)}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _cache_write(sha: str, pages: list[dict]) -> None:
    folder = _cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{_cache_key(sha)}.json"
        tmp = target.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(pages), "utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # a cache that cannot be written costs a second recognition, never the build
