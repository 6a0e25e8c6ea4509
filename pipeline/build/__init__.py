"""The build: every stage over a corpus folder, validated, into one DuckDB file.

    corpus/*.txt ──ingest──▶ SourceDocument ──normalize──▶ NormalizedDocument
      ──structure──▶ StructuredDocument ──extract──▶ rows ──▶ Parquet parts ──load──▶ DuckDB

Each document is processed on its own (in parallel worker processes for large
corpora) into validated Parquet parts cached by content, so a rebuild
reprocesses only new or changed files. The database is then loaded from the
parts in bulk; cross-document steps (external citations, errata, review
decisions) run on it before it is swapped in. A file that cannot be read is
reported and skipped; a duplicate text is skipped naming the copy kept.
Nothing is written unless every part validates, and the database only by an
atomic rename.

The package, by job (each module says what it hands on, as the types of results.py):

    worker.py    one batch of files → cached parts and a DocumentResult each (in a worker process)
    runner.py    every file's result: from the cache, or in batches here, in a pool or on an executor
    corpus.py    which results are loaded (no failures, no duplicates); whether anything changed
    database.py  the database from the kept parts, with the steps that need every document
    summary.py   what the errata and reviews did, for the printout and the report
    add.py       one file into the corpus and the database, all or nothing
    results.py   Issue, DocumentSummary, DocumentResult, BuildReport
"""
from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path

from pipeline.build.add import add_document, undo_killed_adds
from pipeline.build.corpus import inputs_sha256, keep, named_by_decisions, unchanged_database
from pipeline.build.database import load_database
from pipeline.build.results import BuildReport, DocumentResult, DocumentSummary, FileError, Issue
from pipeline.build.runner import BATCH_MAX, BATCHES_PER_WORKER, PARALLEL_FROM, Progress, run, split_batches
from pipeline.build.summary import decisions, described, file_signature, recorded, report_file
from pipeline.build.worker import content_sha256, document_tables, failed, structure_file
from pipeline.errors import InputError, PipelineError
from pipeline.files import corpus_listing
from pipeline.load.locks import build_lock, remove_stale

# What a build that finds nothing changed needs is imported above; the stages (pandas, pandera, pyarrow,
# OpenCC's readers, cn2an, spaCy) are imported by the functions that run them, so a no-change rebuild
# starts in a fraction of a second.

__all__ = ["BATCHES_PER_WORKER", "BATCH_MAX", "PARALLEL_FROM", "BuildReport", "DocumentResult", "DocumentSummary",
           "FileError", "Issue", "add_document", "build", "content_sha256", "decisions", "document_tables",
           "inputs_sha256", "report_file", "split_batches", "structure_file", "undo_killed_adds"]


def _writable(folder: Path, what: str, option: str) -> None:
    """Make `folder` and write a file in it, or PipelineError E217 naming it (read-only, a file in the way…)."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise PipelineError("E217", str(folder), {"what": what, "detail": exc.strerror or str(exc),
                                                  "option": option}) from None


def _write_target(db: Path, force: bool) -> Path:
    """The file a build may write: through a symlink to what it points at; never a folder; and, unless `force`,
    never an existing file that is not a database this pipeline built (a source text, notes, another DuckDB
    file): those are refused before any work, naming the file."""
    if db.is_symlink():
        db = db.resolve()
    if db.is_dir():
        raise PipelineError("E216", str(db), {"what": "is a folder"})
    if not db.exists() or force or described(db):  # described: the report of the build that wrote it names it
        return db
    import duckdb

    try:
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("select pipeline_version from dataset limit 1").fetchall()
        return db
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():  # being written by another build: the build lock will say so
            return db
        raise PipelineError("E216", str(db), {"what": "is not a database this pipeline built"}) from None


def build(corpus: Path, db: Path, progress: Progress | None = None,
          workers: int | None = None, cache_dir: Path | None = None, force: bool = False,
          executor: Executor | None = None) -> BuildReport:
    """Build `corpus` into `db`; `progress(what, done, total)` is called as files finish (what: the stage and
    the file, "processed X.txt"), and once more when the database is written.

    Documents are processed in this process or `workers` worker processes, or on `executor` (for
    example a Dask cluster's, see pipeline/cluster.py), whose workers must see the same corpus and
    cache paths. When nothing the database is built from has changed (see `inputs_sha256`), it is
    left as it is (`report.up_to_date`), unless `force`.
    """
    import time

    corpus, db = Path(corpus), _write_target(Path(db), force)
    if not corpus.is_dir():
        raise PipelineError("E201", str(corpus), {"path": corpus})
    cache_dir = Path(cache_dir) if cache_dir else db.parent / ".cache" / "documents"
    _writable(db.parent, "database", "--db")  # checked before any work, never after it
    _writable(cache_dir, "cache", "--db: the cache is kept beside it, in .cache/")
    report = BuildReport(db=str(db), corpus=str(corpus))
    t0 = time.perf_counter()
    with build_lock(db):
        report.issues += [Issue(e.where, "add", e.code, "warning", str(e)) for e in undo_killed_adds(db)]
        remove_stale(db.parent, cache_dir / "batches", cache_dir / "docs")
        files, passed_over = corpus_listing(corpus)
        results = run(files, cache_dir, db.parent, workers, progress, report, executor)
        results += [failed(p.name, InputError(p.code, p.name, p.detail)) for p in passed_over]
        report.timings["documents_s"] = time.perf_counter() - t0
        kept = keep(results, report, named_by_decisions(corpus))
        if not kept:
            why = [i.message for i in report.skipped]
            listed = "; ".join(why[:5]) + (f"; and {len(why) - 5} more" if len(why) > 5 else "")
            raise PipelineError("E202", str(corpus), {"path": corpus, "why": listed or "the folder holds no text file"})
        inputs = report.inputs_sha256 = inputs_sha256(corpus, results)
        # up to date? the report beside the database says so without opening it (DuckDB's import alone is a
        # second no-change build's largest cost), else the database itself
        known = None if force else recorded(db, inputs)
        if known:
            previous = known[:2]
        else:
            previous = None if force else unchanged_database(db, inputs)
        if previous is not None:
            report.tables, warnings = previous
            report.issues.extend(warnings)
            report.carried_issues = list(warnings)
            report.up_to_date = True
        else:
            import duckdb

            from pipeline.load.database import release_interrupts

            t1 = time.perf_counter()
            if progress:
                progress(f"writing {db.name}", len(results), len(results))
            try:
                report.tables = load_database(corpus, db, cache_dir, kept, inputs, report)
            except (OSError, duckdb.IOException) as exc:  # a full disk: the old database stays, no temp is left
                raise PipelineError("E218", str(db), {"detail": getattr(exc, "strerror", None) or str(exc)}) from None
            finally:
                if release_interrupts():  # Ctrl-C after the new database was in place: the build is done
                    report.issues.append(Issue(None, "load", "E219", "warning",
                                               str(PipelineError("E219", str(db), {}))))
            report.timings["load_s"] = time.perf_counter() - t1
        report.database_file = file_signature(db)  # taken under the lock: the file this build left
    report.decisions = known[2] if known else decisions(db, report.issues)
    report.peak_memory_mb = _peak_memory_mb(report.workers > 1 and executor is None)
    return report


def _peak_memory_mb(had_workers: bool) -> dict[str, float]:
    """Peak resident memory of this process and, after a parallel build, of its largest (finished) worker."""
    import resource
    import sys

    per_mb = 1 / 1024 if sys.platform != "darwin" else 1 / 2**20  # ru_maxrss: KiB on Linux, bytes on macOS
    out = {"main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * per_mb, 1)}
    if had_workers:
        out["largest_worker"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * per_mb, 1)
    return out
