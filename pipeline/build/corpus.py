"""The corpus as a whole: which results are loaded (no failures, no duplicates), and whether anything changed.

Of two files with the same text or the same document id, one is kept, the same one every time (the one the
errata and reviews name, else the first by name), and the other is skipped naming it. A build whose inputs
(`inputs_sha256`) are those of the database already there leaves the database as it is.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.build.results import BuildReport, DocumentResult, Issue
from pipeline.errors import InputError, PipelineError
from pipeline.load.cache import fingerprint
from pipeline.load.tables import tables


def inputs_sha256(corpus: Path, results: list[DocumentResult]) -> str:
    """A hash of everything a build reads: the pipeline, the corpus folder, each file's cache key (its bytes,
    sidecar and the pipeline) or why it could not be read, and the errata and review files."""
    h = hashlib.sha256(f"{fingerprint()}\n{corpus.resolve()}\n".encode())
    for r in results:
        what = r.cache_key or json.dumps({"code": r.error.code, "message": r.error.message} if r.error else None,
                                         sort_keys=True, ensure_ascii=False)
        h.update(f"{r.source_file}\t{what}\n".encode())
    for folder in (corpus / "errata", corpus / "reviews"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                h.update(f"{path.relative_to(corpus)}\n".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def named_by_decisions(corpus: Path) -> set[str]:
    """The file names and document ids the corpus's errata and reviews name: of two copies of one text, the
    one they name is kept, whatever the database held before (a fresh `add` build, or a lost database)."""
    from pipeline.load.errata import entries_of

    named: set[str] = set()
    for folder, key, field_name in (("errata", "errata", "document"), ("reviews", "reviews", "id")):
        entries, _ = entries_of(corpus / folder, key, "E206")
        for _, e in entries:
            value = e.get(field_name) if isinstance(e, dict) else None
            if isinstance(value, str):
                named.add(value.split("/", 1)[0] if field_name == "id" else value)
    return named


def keep(results: list[DocumentResult], report: BuildReport, named: set[str] = frozenset()) -> list[DocumentResult]:
    """The results to load: not failed, not a duplicate text or id of another file. The rest become issues.

    Of two files with the same text or id, the one the errata and reviews name is kept (by its file name or
    document id), else the first by name: the same file every time, whatever the database held before."""
    kept: list[DocumentResult] = []
    seen_content: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for r in sorted(results, key=lambda r: (r.source_file not in named and r.doc_id not in named, r.source_file)):
        if r.error is not None:
            report.issues.append(Issue(r.source_file, "ingest", r.error.code, "error", r.error.message))
            continue
        other = seen_content.get(r.content_sha256) or seen_ids.get(r.doc_id)
        if other is not None:
            code = "E104" if r.content_sha256 in seen_content else "E108"
            exc = InputError(code, r.source_file, {"other": other})
            report.issues.append(Issue(r.source_file, "ingest", code, "error", str(exc)))
            continue
        seen_content[r.content_sha256] = seen_ids[r.doc_id] = r.source_file
        kept.append(r)
        for code, detail in r.warnings:
            report.issues.append(Issue(r.source_file, "ingest", code, "warning",
                                       str(PipelineError(code, r.source_file, detail))))
        for stage, seconds in r.timings.items():
            report.timings[stage] = report.timings.get(stage, 0.0) + seconds
        report.documents.append(r.summary)
        report.processed += not r.cached
        report.cached += r.cached
    report.documents.sort(key=lambda d: d.source_file)
    return sorted(kept, key=lambda r: r.source_file)


def unchanged_database(db: Path, inputs: str) -> tuple[dict[str, int], list[Issue]] | None:
    """The table sizes and corpus-step warnings of the database a previous build wrote at `db` when it was
    built from exactly `inputs`, else None (none there, unreadable, other inputs, an older layout)."""
    import duckdb

    if not db.is_file():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        return _unchanged(con, inputs)
    finally:
        con.close()


def _unchanged(con, inputs: str) -> tuple[dict[str, int], list[Issue]] | None:
    import duckdb

    try:
        if con.execute("select inputs_sha256 from dataset").fetchall() != [(inputs,)]:
            return None
        counts = {name: con.execute(f'select count(*) from "{name}"').fetchall()[0][0] for name in tables()}
        warnings = [Issue(*row) for row in con.execute(
            "select source_file, stage, code, severity, message from build_issues where stage <> 'ingest'").fetchall()]
        return counts, warnings
    except duckdb.Error:  # a database of an older layout: rebuild it
        return None
