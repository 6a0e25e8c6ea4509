"""The build: every stage over a corpus folder, validated, into one DuckDB file.

    corpus/*.txt ──ingest──▶ SourceDocument ──normalize──▶ NormalizedDocument
      ──structure──▶ StructuredDocument ──extract──▶ rows ──load──▶ DuckDB

A file that cannot be read is reported and skipped; a duplicate text is
skipped naming the copy kept. Nothing is written unless every table
validates, and then only by an atomic rename.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline import __version__
from pipeline.errors import InputError, PipelineError
from pipeline.extract import extract
from pipeline.extract.errata import apply_errata, load_errata
from pipeline.extract.reviews import apply_reviews
from pipeline.ingest import read_document
from pipeline.load.database import build_lock, validate, write_database
from pipeline.load.records import crossref_records, document_record, unit_records
from pipeline.load.tables import frame
from pipeline.load.views import VIEWS
from pipeline.normalize import normalize
from pipeline.structure import StructuredDocument, structure
from pipeline.structure.crossrefs import resolve_external
from pipeline.vocab import simplified

SKIP_SUFFIXES = {".yaml", ".yml", ".json", ".csv", ".parquet", ".duckdb", ".lock"}


@dataclass
class Issue:
    source_file: str | None
    stage: str
    code: str
    severity: str
    message: str


@dataclass
class DocumentSummary:
    source_file: str
    doc_id: str
    layout: str
    encoding: str
    script: str
    title: str | None
    units: dict[str, int]
    cross_references: int
    standards: int = 0
    conversion_rates: int = 0
    facts: int = 0
    flags: int = 0


@dataclass
class BuildReport:
    db: str
    corpus: str
    documents: list[DocumentSummary] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)


def corpus_files(corpus: Path) -> list[Path]:
    """The text files of a corpus folder: every regular file but sidecars, data and hidden files."""
    return sorted(
        p for p in corpus.iterdir()
        if p.is_file() and not p.name.startswith((".", "README")) and p.suffix.lower() not in SKIP_SUFFIXES
    )


def process(path: Path) -> StructuredDocument:
    """Ingest, normalize and structure one file."""
    return structure(normalize(read_document(path)))


def build(corpus: Path, db: Path, progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
    """Build `corpus` into `db`; `progress(file name, done, total)` is called as files are read."""
    corpus, db = Path(corpus), Path(db)
    if not corpus.is_dir():
        raise PipelineError("E201", str(corpus), {"path": corpus})
    report = BuildReport(db=str(db), corpus=str(corpus))
    docs: list[StructuredDocument] = []
    seen: dict[str, str] = {}
    files = corpus_files(corpus)
    for k, path in enumerate(files):
        if progress:
            progress(path.name, k, len(files))
        try:
            sd = process(path)
        except InputError as exc:
            report.issues.append(Issue(path.name, "ingest", exc.code, "error", str(exc)))
            continue
        key = hashlib.sha256(simplified(sd.normalized.text).encode("utf-8")).hexdigest()
        if key in seen:
            exc = InputError("E104", path.name, {"other": seen[key]})
            report.issues.append(Issue(path.name, "ingest", exc.code, "error", str(exc)))
            continue
        seen[key] = path.name
        docs.append(sd)
    if not docs:
        raise PipelineError("E202", str(corpus), {"path": corpus})

    titles = {simplified(d.normalized.source.metadata.title or "").replace(" ", ""): d.doc_id for d in docs}
    for d in docs:
        resolve_external(d.cross_references, titles)

    records: dict[str, list[dict]] = {name: [] for name in
                                      ("documents", "units", "cross_references", "standards",
                                       "conversion_rates", "facts")}
    for d in docs:
        records["documents"].append(document_record(d))
        records["units"].extend(unit_records(d))
        records["cross_references"].extend(crossref_records(d))
        extracted = extract(d)
        for name, rows in extracted.tables().items():
            records[name].extend(rows)
        report.documents.append(_summary(d, extracted))
    errata, problems = load_errata(corpus / "errata")
    problems += apply_errata(errata, records, {d.normalized.source.source_file: d.doc_id for d in docs})
    report.issues.extend(Issue(p.where.split(" ")[0], "errata", p.code, "warning", str(p)) for p in problems)
    report.issues.extend(Issue(p.where.split(" ")[0], "reviews", p.code, "warning", str(p))
                         for p in apply_reviews(corpus / "reviews", records))

    built_at = datetime.now(UTC).replace(tzinfo=None)
    corpus_hash = hashlib.sha256("".join(sorted(f"{d.normalized.source.source_file}:{d.normalized.source.sha256}\n"
                                                for d in docs)).encode()).hexdigest()
    records["dataset"] = [{
        "build_id": built_at.strftime("%Y%m%dT%H%M%S%fZ"), "built_at": built_at,
        "pipeline_version": __version__, "corpus_dir": str(corpus), "corpus_sha256": corpus_hash,
        "documents_loaded": len(docs), "files_skipped": len(report.skipped),
        "licence": "Each text keeps the licence of its source (documents.licence); the extracted data follow it.",
        "description": "Historical Chinese grain-regulation texts, their structure and the numbers they set, "
                       "each with its exact characters in the original.",
    }]
    records["build_issues"] = [asdict(i) for i in report.issues]
    frames = {name: frame(name, rows) for name, rows in records.items()}
    texts = {d.doc_id: d.normalized.source.text for d in docs}
    with build_lock(db):
        validate(frames, texts, db.parent)
        write_database(frames, db, VIEWS)
    report.tables = {name: len(df) for name, df in frames.items()}
    return report


def _summary(d: StructuredDocument, extracted) -> DocumentSummary:
    src = d.normalized.source
    kinds: dict[str, int] = {}
    for u in d.units:
        kinds[u.kind] = kinds.get(u.kind, 0) + 1
    tables = extracted.tables()
    flags = sum(1 for rows in tables.values() for r in rows if r.get("flags"))
    return DocumentSummary(src.source_file, src.doc_id, src.layout, src.encoding, src.script,
                           src.metadata.title, kinds, len(d.cross_references), len(tables["standards"]),
                           len(tables["conversion_rates"]), len(tables["facts"]), flags)



def add_document(file: Path, corpus: Path, db: Path, metadata: dict) -> tuple[BuildReport, str]:
    """Copy `file` into the corpus (never over a different file), write a sidecar, rebuild."""
    import shutil

    import yaml

    from pipeline.ingest import sidecar_path

    file, corpus = Path(file), Path(corpus)
    if not file.is_file():
        raise InputError("E107", str(file), {"detail": "no such file"})
    target = corpus / file.name
    if target.exists() and target.read_bytes() != file.read_bytes():
        raise InputError("E107", str(target), {"detail": "a different file of that name is already in the corpus"})
    corpus.mkdir(parents=True, exist_ok=True)
    if target.resolve() != file.resolve():
        shutil.copyfile(file, target)
    given = {k: v for k, v in metadata.items() if v}
    if given:
        sidecar_path(target).write_text(yaml.safe_dump(given, allow_unicode=True), encoding="utf-8")
    return build(corpus, db), target.name
