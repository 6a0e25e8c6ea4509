"""Ingest: bytes on disk → SourceDocument (original text, layout regions, metadata).

Entry point: `read_document(path)`.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import opencc
import yaml

from pipeline.chars import FORMAT_CHARS
from pipeline.errors import InputError
from pipeline.files import doc_id_for, sidecar_path
from pipeline.ingest.datelines import read_body_dates, source_line
from pipeline.ingest.dates import MonthDate
from pipeline.ingest.encoding import decode
from pipeline.ingest.kind import KINDS, document_kind
from pipeline.ingest.layouts import READERS, choose
from pipeline.ingest.layouts.common import CJK_RE, issuer_from_title
from pipeline.ingest.model import Metadata, Region, SourceDocument
from pipeline.ingest.scans.pages import scan_format
from pipeline.yamlfiles import loader_with, read_yaml, shown

__all__ = ["read_document", "SourceDocument", "Region", "Metadata", "doc_id_for", "READERS"]

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", ""}
FORMAT_RE = re.compile(f"[{FORMAT_CHARS}]")


def _visible(s: str) -> str:
    """`s` with its format characters written as U+XXXX and its line breaks as spaces, for a message."""
    return FORMAT_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", s).replace("\n", " ")


@lru_cache(maxsize=2)
def _opencc(config: str) -> opencc.OpenCC:
    """OpenCC's converter of `config` (t2s, s2t), made on first use: a tenth of a second that the commands
    importing this package without reading a text (the load, `query`) need not pay."""
    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def _char_script(ch: str) -> str | None:
    """`traditional` or `simplified` for a character that has another form in the other script."""
    if _opencc("t2s").convert(ch) != ch:
        return "traditional"
    if _opencc("s2t").convert(ch) != ch:
        return "simplified"
    return None


def detect_script(text: str) -> str:
    """`traditional`, `simplified` or `mixed`, from the characters that differ between scripts."""
    counts: Counter[str | None] = Counter()
    for ch, n in Counter(CJK_RE.findall(text)).items():
        counts[_char_script(ch)] += n
    trad, simp = counts["traditional"], counts["simplified"]
    total = trad + simp
    if total == 0:
        return "simplified"  # no script-specific character: both readings agree
    share = trad / total
    if share >= 0.9:
        return "traditional"
    if share <= 0.1:
        return "simplified"
    return "mixed"


def read_document(path: Path, doc_id: str | None = None) -> SourceDocument:
    """Read one corpus file; raise InputError naming the file when it cannot be used.

    `doc_id` replaces the id from the file name (the build gives a content id, named at load time)."""
    where = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError("E107", where, {"detail": exc.strerror or str(exc)}) from exc
    scan = None
    if fmt := scan_format(data):  # a scan is read by its content, whatever its name
        from pipeline.ingest.scans import read_scan

        scan = read_scan(path, data, fmt)
        text, encoding = scan.text, scan.how
    else:
        text, encoding = decode(data, where)
    if not CJK_RE.search(text):
        raise InputError("E105", where)
    visible, regions = without_format_chars(text)  # layouts and dates read what a reader sees (195\u20604年)
    reader = choose(visible)
    layout = reader.read(visible)
    layout.regions = regions(layout.regions)
    meta = layout.metadata
    sources = {f.name: reader.name for f in fields(Metadata) if getattr(meta, f.name) not in (None, [])}
    if meta.date is None or meta.adopted is None:
        for key, how in read_body_dates(visible, meta).items():
            sources[key] = f"{reader.name} ({how})"
    if meta.issuer is None and meta.title:
        meta.issuer = issuer_from_title(meta.title)
        if meta.issuer:
            sources["issuer"] = f"{reader.name} (title)"
    _apply_sidecar(path, meta, sources)
    if meta.kind is None:
        meta.kind = document_kind(meta.title, text, newspaper=meta.source is not None)
        sources["kind"] = reader.name
    if meta.source is None and (said := source_line(visible)):  # after the kind: a newspaper names its source
        meta.source = said                                        # in its header, a copy in its closing line
        sources["source"] = f"{reader.name} (source line)"
    if meta.kind not in KINDS:
        raise InputError("E106", sidecar_path(path).name, {"text": path.name,
                                                           "detail": f"kind {shown(meta.kind)} is not one of "
                                                                     f"{', '.join(KINDS)}"})
    structured = "".join(text[r.start:r.end] for r in layout.regions if r.kind in ("body", "headline"))
    warnings = list(scan.warnings) if scan else []
    if invisible := FORMAT_RE.findall(text):
        first = FORMAT_RE.search(text).start()
        warnings.append(("E122", {"count": len(invisible), "at": first,
                                  "context": _visible(text[max(0, first - 10):first + 10])}))
    if scan is None and "damaged" in encoding:
        first = text.index("\ufffd")
        warnings.append(("E112", {"what": encoding.split(", ", 1)[1], "at": first,
                                  "context": text[max(0, first - 10):first + 10].replace("\n", " ")}))
    return SourceDocument(
        doc_id=doc_id or doc_id_for(path),
        source_file=path.name,
        text=text,
        encoding=encoding,
        layout=reader.name,
        regions=layout.regions,
        metadata=meta,
        sha256=hashlib.sha256(data).hexdigest(),
        script=detect_script(structured or text),
        metadata_sources=sources,
        warnings=warnings,
        scan_lines=scan.lines if scan else [],
    )


def without_format_chars(text: str) -> tuple[str, Callable[[list[Region]], list[Region]]]:
    """`text` without its invisible format characters, and a function that maps regions of that text back to
    offsets of `text` (a region ends after its last visible character)."""
    if not FORMAT_RE.search(text):
        return text, lambda regions: regions
    kept = [i for i, ch in enumerate(text) if not FORMAT_RE.match(ch)]
    visible = "".join(text[i] for i in kept)

    def back(regions: list[Region]) -> list[Region]:
        def start(k: int) -> int:
            return kept[k] if k < len(kept) else len(text)

        def end(k: int) -> int:
            return kept[k - 1] + 1 if k > 0 else 0

        return [replace(r, start=start(r.start), end=end(r.end)) for r in regions]

    return visible, back


def _apply_sidecar(path: Path, meta: Metadata, sources: dict[str, str]) -> None:
    side = sidecar_path(path)
    if not side.exists():
        return
    try:
        data = read_yaml(side, SIDECAR_LOADER) or {}
        if not isinstance(data, dict):
            raise ValueError("expected a mapping of field: value")
        known = {f.name for f in fields(Metadata)}
        unknown = set(map(str, data)) - known
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(known)}")
        for key, value in data.items():
            setattr(meta, key, sidecar_value(key, value))
            sources[key] = "sidecar"
    except (OSError, ValueError) as exc:
        raise InputError("E106", side.name, {"text": path.name, "detail": " ".join(str(exc).split())}) from exc


DATE_FIELDS = ("date", "adopted", "approved")


class TextDatesLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text until `sidecar_value` reads them, so that 1955-02-30 is
    reported with its field rather than as YAML's own "day is out of range for month"."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
SIDECAR_LOADER = loader_with(TextDatesLoader)  # bounded: depth, aliases, repeated keys (pipeline.yamlfiles)
EARLIEST_YEAR = 1800  # a text of the corpus is a period print; a year before this is a slip (0001-01-01)
MAX_PAGE = 100_000


def _date(key: str, value: object) -> date:
    if isinstance(value, date):
        return value
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip()):  # a month: 1955-09, stored with its precision
        try:
            return MonthDate(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{key}: {shown(value)} is not a date; write YYYY-MM-DD, or YYYY-MM for a month") from None


def _in_period(key: str, value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= date.today().year:
        raise ValueError(f"{key}: {value.isoformat()} is not a date a text of the corpus can have; write the year "
                         f"the text gives (from {EARLIEST_YEAR} to this year)")
    return value


def sidecar_value(key: str, value: object) -> object:
    """A sidecar field's value in its declared type, or ValueError saying what the field takes.

    Dates are ISO dates (1955-10-08), or a month (1955-10: stored as the 1st, with month precision); kind one
    of KINDS; page a whole number from 1; languages a list of language
    codes (zh, en); every other field text. null leaves the field as the text gives it."""
    if value is None:
        return None
    if key in DATE_FIELDS:
        return _in_period(key, _date(key, value))
    if key == "kind" and value not in KINDS:
        raise ValueError(f"kind {shown(value)} is not one of {', '.join(KINDS)}")
    if key == "page":
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit() \
                or not 1 <= int(value) <= MAX_PAGE:
            raise ValueError(f"page: {shown(value)} is not a page number; write a whole number from 1 to {MAX_PAGE:,}")
        return int(value)
    if key == "languages":
        if not isinstance(value, list) or not all(isinstance(v, str) and re.fullmatch(r"[a-z]{2,3}", v)
                                                  for v in value):
            raise ValueError(f"languages: {shown(value)} is not a list of language codes; write for example [zh, en]")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{key}: {shown(value)} is not text; write it in quotes ({key}: \"{shown(value)[:40]}\")")
    if not value.strip():
        raise ValueError(f"{key} is empty; leave it out to read it from the text")
    return value
