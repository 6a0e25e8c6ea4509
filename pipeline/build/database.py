"""The database written from the kept documents' cached parts, with the steps that need every document
(external citations, errata, review decisions) and the small tables (dataset, build_issues)."""
from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from pipeline.build.results import BuildReport, DocumentResult, Issue
from pipeline.load.cache import fingerprint
from pipeline.vocab import simplified


def load_database(corpus: Path, db: Path, cache_dir: Path, kept: list[DocumentResult], inputs: str,
                  report: BuildReport) -> dict[str, int]:
    """Write the database from the kept documents' parts, with the steps that need every document."""
    from pipeline import __version__
    from pipeline.load.crossrefs import resolve_external_rows
    from pipeline.load.database import validate, write_database
    from pipeline.load.errata import apply_errata, load_errata
    from pipeline.load.parts import PER_DOCUMENT
    from pipeline.load.reviews import apply_reviews
    from pipeline.load.tables import frame

    batches = sorted({(cache_dir / r.batch).resolve().as_posix() for r in kept})
    parts = {name: [f"{b}/{name}.parquet" for b in batches] for name in PER_DOCUMENT}
    live = [(r.cache_key, (cache_dir / r.batch).resolve().as_posix(), r.doc_id, r.source_file)
            for r in kept]

    def corpus_steps(con) -> list[Issue]:
        """Steps that need every document: external citations, errata, review decisions."""
        titles = {simplified(r.title or "").replace(" ", ""): r.doc_id for r in kept}
        resolve_external_rows(con, titles)
        errata, problems = load_errata(corpus / "errata")
        problems += apply_errata(con, errata, {r.source_file: r.doc_id for r in kept})
        issues = [Issue(p.where.split(" ")[0], "errata", p.code, "warning", str(p)) for p in problems]
        issues += [Issue(p.where.split(" ")[0], "reviews", p.code, "warning", str(p))
                   for p in apply_reviews(con, corpus / "reviews")]
        report.issues.extend(issues)
        return issues

    def small_tables() -> dict:
        built_at = datetime.now(UTC).replace(tzinfo=None)
        corpus_hash = hashlib.sha256("".join(sorted(f"{r.source_file}:{r.content_sha256}\n"
                                                    for r in kept)).encode()).hexdigest()
        records = {
            "dataset": [{
                "build_id": built_at.strftime("%Y%m%dT%H%M%S%fZ"), "built_at": built_at,
                "pipeline_version": f"{__version__}+{fingerprint()}", "corpus_dir": str(corpus),
                "corpus_sha256": corpus_hash, "inputs_sha256": inputs, "documents_loaded": len(kept),
                "files_skipped": len(report.skipped),
                "licence": "Each text keeps the licence of its source (documents.licence); the extracted data "
                           "follow it.",
                "description": "Historical Chinese grain-regulation texts, their structure and the numbers they "
                               "set, each with its exact characters in the original.",
            }],
            "build_issues": [asdict(i) for i in report.issues],
        }
        # what a build with nothing changed carries over from build_issues (`corpus.unchanged_database`), in the report
        report.carried_issues = [i for i in report.issues if i.stage != "ingest"]
        frames = {name: frame(name, rows) for name, rows in records.items()}
        validate(frames, {}, db.parent)
        return frames

    return write_database(parts, live, small_tables, corpus_steps, db)


