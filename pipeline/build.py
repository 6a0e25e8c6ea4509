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
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError, PipelineError
from pipeline.files import corpus_listing, doc_id_for, not_a_document_name
from pipeline.load.cache import cached, content_id, file_key, fingerprint
from pipeline.load.locks import build_lock, remove_stale
from pipeline.load.tables import tables
from pipeline.vocab import simplified

if TYPE_CHECKING:
    from pipeline.structure import StructuredDocument

# What a build that finds nothing changed needs is imported above; the stages (pandas, pandera, pyarrow,
# OpenCC's readers, cn2an, spaCy) are imported by the functions that run them, so a no-change rebuild
# starts in a fraction of a second.

PARALLEL_FROM = 8  # fewer files to process than this: one process (worker start-up costs ~2 s)
# Documents a worker validates and writes together. Validation has a large fixed cost per batch
# (400 documents validated in batches of 8: 4.8 s, of 32: 1.5 s, of 128: 0.56 s), so batches are
# as large as keeps every worker busy (two batches each at least), up to BATCH_MAX.
BATCH_MAX = 256
BATCHES_PER_WORKER = 6  # two keep the workers busy; six make the progress move every few seconds


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
    processed: int = 0  # documents processed in this build (the rest came from the cache)
    cached: int = 0
    workers: int = 1  # processes that processed them
    executor: str = "this process"  # what ran them: this process, a process pool, or a given executor's class
    up_to_date: bool = False  # nothing the database is built from had changed: it was left as it was
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: dict[str, float] = field(default_factory=dict)  # main process, largest worker process
    decisions: dict = field(default_factory=dict)  # what the maintainers' errata and reviews did (`decisions`)

    @property
    def skipped(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)


def process(path: Path, doc_id: str | None = None) -> StructuredDocument:
    """Ingest, normalize and structure one file (`doc_id`: what its rows carry instead of the file's id)."""
    from pipeline.ingest import read_document
    from pipeline.normalize import normalize
    from pipeline.structure import structure

    return structure(normalize(read_document(path, doc_id)))


def document_tables(sd: StructuredDocument) -> tuple[dict[str, list[dict]], DocumentSummary]:
    """All rows one document contributes, and its summary."""
    from pipeline.extract import extract  # the language pipelines: only where documents are processed
    from pipeline.load.records import crossref_records, document_record, unit_records
    from pipeline.load.scans import scan_rows

    extracted = extract(sd)
    typed = {"documents": [document_record(sd)], "units": unit_records(sd),
             "cross_references": crossref_records(sd), **extracted.tables()}
    records = {name: [r.as_dict() for r in rows] for name, rows in typed.items()}
    src = sd.normalized.source
    for name, rows in scan_rows(src.doc_id, src.text, src.scan_lines, records).items():
        records[name] = [r.as_dict() for r in rows]
    kinds: dict[str, int] = {}
    for u in sd.units:
        kinds[u.kind] = kinds.get(u.kind, 0) + 1
    flags = sum(1 for name in ("standards", "conversion_rates", "facts") for r in records[name] if r.get("flags"))
    summary = DocumentSummary(src.source_file, src.doc_id, src.layout, src.encoding, src.script, src.metadata.title,
                              kinds, len(sd.cross_references), len(records["standards"]),
                              len(records["conversion_rates"]), len(records["facts"]), flags)
    return records, summary


def _process_batch(paths: list[str], cache_dir: str, failures_dir: str,
                   on_document: Callable[[str], None] | None = None) -> list[dict]:
    """Files → cached parts. Runs in a worker process; returns small, picklable results (in this process,
    `on_document(name)` is called as each file is done).

    Whatever goes wrong with one file (unreadable input, or a fault of the pipeline's own on a text it
    does not expect) becomes that file's error, naming the file, the stage and the reason; the other
    files of the batch go on.
    """
    import time

    from pipeline.ingest.scans import use_cache
    from pipeline.load.parts import write_parts

    results, batch = [], []
    startup = _start_worker()
    use_cache(Path(cache_dir) / "ocr")  # a page is recognised once, whatever else changes
    for k, path in enumerate(paths):
        if on_document is not None and k:
            on_document(Path(paths[k - 1]).name)
        p = Path(path)
        t0 = time.perf_counter()
        try:
            key = file_key(p)
        except OSError as exc:
            results.append(_error(p.name, InputError("E107", p.name, {"detail": exc.strerror or str(exc)})))
            continue
        hit = cached(Path(cache_dir), key)  # cached meanwhile by another build, or a caller that did not look
        if hit is not None:
            results.append(hit | {"cached": True, "timings": {"cache_lookup_s": time.perf_counter() - t0}})
            continue
        stage = "read, normalize, structure"
        try:
            sd = process(p, content_id(key))
            t1 = time.perf_counter()
            stage = "extract"
            records, summary = document_tables(sd)
            content = content_sha256(sd.normalized.source.text)
        except InputError as exc:
            results.append(_error(p.name, exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one document's fault must not sink the build
            results.append(_error(p.name, PipelineError("E109", p.name, {"stage": stage, "detail": _fault(exc)})))
            continue
        t2 = time.perf_counter()
        result = {"source_file": p.name, "content_sha256": content, "summary": asdict(summary),
                  "title": sd.normalized.source.metadata.title, "bytes": p.stat().st_size,
                  "warnings": [[code, detail] for code, detail in sd.normalized.source.warnings]}
        batch.append((records, sd.normalized.source.text, sd.doc_id, key, result))
        timings = {"read_normalize_structure_s": t1 - t0, "extract_s": t2 - t1}
        if startup:  # booked once, with the first document this process made
            timings["worker_startup_s"], startup = startup, 0.0
        results.append(result | {"cached": False, "cache_key": key, "timings": timings})
    if on_document is not None and paths:
        on_document(Path(paths[-1]).name)
    t3 = time.perf_counter()
    failed = write_parts(batch, Path(cache_dir), Path(failures_dir))
    for k, r in enumerate(results):
        if r.get("cached") is False:
            if r["cache_key"] in failed:
                results[k] = _error(r["source_file"], failed[r["cache_key"]])
            else:
                r["batch"] = cached(Path(cache_dir), r["cache_key"])["batch"]
    written = [r for r in results if r.get("cached") is False]
    for r in written:
        r["timings"]["validate_write_s"] = (time.perf_counter() - t3) / len(written)
    return results


_started = False


def _start_worker() -> float:
    """Import the stages and make the language pipelines, once per process: the seconds it took the first
    time (the build report's worker_startup_s), 0 after."""
    global _started
    if _started:
        return 0.0
    import time

    t0 = time.perf_counter()
    from pipeline.extract import warm_up
    from pipeline.ingest import read_document  # noqa: F401 (imported here to be timed as start-up)
    from pipeline.load.parts import write_parts  # noqa: F401

    warm_up()
    _started = True
    return time.perf_counter() - t0


def content_sha256(text: str) -> str:
    """What makes two files the same text: their whole text (headers and dates included) in the
    simplified script without white space, so that copies in other encodings, scripts or wrapping
    match, and versions that differ only in a date line do not."""
    return hashlib.sha256(simplified("".join(text.split())).encode("utf-8")).hexdigest()


def _error(name: str, exc: PipelineError) -> dict:
    return {"error": {"code": exc.code, "message": str(exc)}, "source_file": name}


def _fault(exc: BaseException) -> str:
    """An unexpected exception in one line: its type, message and the pipeline line that raised it."""
    import traceback

    package = Path(__file__).resolve().parent
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(package)]
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}{where}"


def _die_with_parent(parent: int) -> None:
    """Worker initializer: a worker ends when the build that started it ends, even by `kill -9` (which
    no handler in the build can see). Linux ends it at once (PR_SET_PDEATHSIG); elsewhere, or when the
    build was gone before that took hold, a watchdog notices within a second that its parent changed."""
    import ctypes
    import signal
    import threading
    import time

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def split_batches(items: list, workers: int) -> list[list]:
    """`items` in order, cut into batches of nearly equal size (within one): BATCHES_PER_WORKER per worker,
    as far as there are items, and as many more as keep each within BATCH_MAX."""
    if not items:
        return []
    count = max(min(len(items), BATCHES_PER_WORKER * workers), -(-len(items) // BATCH_MAX))
    size, larger = divmod(len(items), count)
    out, start = [], 0
    for k in range(count):
        end = start + size + (k < larger)
        out.append(items[start:end])
        start = end
    return out


def _run(files: list[Path], cache_dir: Path, failures_dir: Path, workers: int | None,
         progress: Callable[[str, int, int], None] | None, report: BuildReport,
         executor: Executor | None = None) -> list[dict]:
    """Every file's result, from the cache or processed in batches (cache look-up time and workers go to `report`).

    Batches run in this process, in a pool of `workers` processes, or on `executor` (any
    concurrent.futures executor, such as a Dask cluster's: `workers` is then its number of workers).
    """
    import time

    t0 = time.perf_counter()
    results: dict[str, dict] = {}  # by file name
    todo: dict[str, list[Path]] = {}  # cache key → the files holding those bytes: processed once
    for f in files:
        try:
            key = file_key(f)
        except OSError as exc:
            results[f.name] = _error(f.name, InputError("E107", f.name, {"detail": exc.strerror or str(exc)}))
            continue
        hit = cached(cache_dir, key)
        if hit is None:
            todo.setdefault(key, []).append(f)
        else:
            results[f.name] = _named(hit | {"cached": True}, f)
    report.timings["cache_lookup_s"] = time.perf_counter() - t0
    done = len(results)
    if progress:
        progress(f"{done} from the cache" if done else "reading", done, len(files))
    n = (workers or os.cpu_count() or 1) if len(todo) >= PARALLEL_FROM or executor is not None else 1
    batches = split_batches([same[0] for same in todo.values()], n)
    copies = {same[0].name: same for same in todo.values()}

    def collect(batch: list[Path], out: list[dict]) -> None:
        nonlocal done
        for f, r in zip(batch, out, strict=True):
            for copy in copies[f.name]:
                results[copy.name] = _named(r, copy, f.name)
                done += 1
        if progress and report.workers > 1:  # a serial build says each document as it finishes (below)
            progress(f"processed {batch[-1].name}", done, len(files))

    report.workers = min(n, len(batches)) or 1
    if executor is not None:
        report.executor = f"{type(executor).__module__}.{type(executor).__qualname__}"
    elif report.workers > 1:
        report.executor = "process pool"
    if report.workers == 1 and executor is None:
        for batch in batches:
            counter = iter(range(done + 1, len(files) + 1))

            def one_done(name: str, counter=counter) -> None:
                if progress:
                    progress(f"processed {name}", next(counter), len(files))

            collect(batch, _process_batch([str(f) for f in batch], str(cache_dir), str(failures_dir), one_done))
    else:
        pool = nullcontext(executor) if executor is not None else ProcessPoolExecutor(
            max_workers=report.workers, initializer=_die_with_parent, initargs=(os.getpid(),))
        with pool as runner:
            futures = {runner.submit(_process_batch, [str(f) for f in b], str(cache_dir), str(failures_dir)): b
                       for b in batches}
            for fut in as_completed(futures):
                collect(futures[fut], fut.result())
    return [results[f.name] for f in files]


def _named(result: dict, path: Path, processed_as: str | None = None) -> dict:
    """A document's result (processed or cached under any name) with the name and id of the file `path`."""
    out = dict(result, source_file=path.name)
    if "error" in out:
        message = out["error"]["message"]
        if processed_as and processed_as != path.name and message.startswith(processed_as):
            message = path.name + message[len(processed_as):]
        out["error"] = dict(out["error"], message=message)
        return out
    out["doc_id"] = doc_id_for(path)
    out["summary"] = dict(out["summary"], source_file=path.name, doc_id=out["doc_id"])
    return out


def inputs_sha256(corpus: Path, results: list[dict]) -> str:
    """A hash of everything a build reads: the pipeline, the corpus folder, each file's cache key (its bytes,
    sidecar and the pipeline) or why it could not be read, and the errata and review files."""
    h = hashlib.sha256(f"{fingerprint()}\n{corpus.resolve()}\n".encode())
    for r in results:
        what = r.get("cache_key") or json.dumps(r.get("error"), sort_keys=True, ensure_ascii=False)
        h.update(f"{r['source_file']}\t{what}\n".encode())
    for folder in (corpus / "errata", corpus / "reviews"):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                h.update(f"{path.relative_to(corpus)}\n".encode())
                h.update(path.read_bytes())
    return h.hexdigest()


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
    import duckdb

    if db.is_symlink():
        db = db.resolve()
    if db.is_dir():
        raise PipelineError("E216", str(db), {"what": "is a folder"})
    if not db.exists() or force:
        return db
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("select pipeline_version from dataset limit 1").fetchall()
        return db
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():  # being written by another build: the build lock will say so
            return db
        raise PipelineError("E216", str(db), {"what": "is not a database this pipeline built"}) from None


def _open_previous(db: Path):
    """A read-only connection to the database a previous build wrote, or None when there is none readable."""
    import duckdb

    try:
        return duckdb.connect(str(db), read_only=True) if db.is_file() else None
    except duckdb.Error:
        return None


def _unchanged(con, inputs: str) -> tuple[dict[str, int], list[Issue]] | None:
    """The table sizes and corpus-step warnings of the previous database (`con`) when it was built from
    exactly `inputs`, else None."""
    import duckdb

    if con is None:
        return None
    try:
        if con.execute("select inputs_sha256 from dataset").fetchall() != [(inputs,)]:
            return None
        counts = {name: con.execute(f'select count(*) from "{name}"').fetchall()[0][0] for name in tables()}
        warnings = [Issue(*row) for row in con.execute(
            "select source_file, stage, code, severity, message from build_issues where stage <> 'ingest'").fetchall()]
        return counts, warnings
    except duckdb.Error:  # a database of an older layout: rebuild it
        return None


def build(corpus: Path, db: Path, progress: Callable[[str, int, int], None] | None = None,
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
        results = _run(files, cache_dir, db.parent, workers, progress, report, executor)
        results += [_error(p.name, InputError(p.code, p.name, p.detail)) for p in passed_over]
        report.timings["documents_s"] = time.perf_counter() - t0
        old = _open_previous(db)  # opened once: what it holds, and whether it is up to date
        try:
            kept = _keep(results, report, named_by_decisions(corpus))
            if not kept:
                why = [i.message for i in report.skipped]
                listed = "; ".join(why[:5]) + (f"; and {len(why) - 5} more" if len(why) > 5 else "")
                raise PipelineError("E202", str(corpus), {"path": corpus,
                                                          "why": listed or "the folder holds no text file"})
            inputs = inputs_sha256(corpus, results)
            previous = None if force else _unchanged(old, inputs)
        finally:
            if old is not None:
                old.close()
        if previous is not None:
            report.tables, warnings = previous
            report.issues.extend(warnings)
            report.up_to_date = True
        else:
            import duckdb

            from pipeline.load.database import release_interrupts

            t1 = time.perf_counter()
            if progress:
                progress(f"writing {db.name}", len(results), len(results))
            try:
                report.tables = _load(corpus, db, cache_dir, kept, inputs, report)
            except (OSError, duckdb.IOException) as exc:  # a full disk: the old database stays, no temp is left
                raise PipelineError("E218", str(db), {"detail": getattr(exc, "strerror", None) or str(exc)}) from None
            finally:
                if release_interrupts():  # Ctrl-C after the new database was in place: the build is done
                    report.issues.append(Issue(None, "load", "E219", "warning",
                                               str(PipelineError("E219", str(db), {}))))
            report.timings["load_s"] = time.perf_counter() - t1
    report.decisions = decisions(db, report.issues)
    report.peak_memory_mb = _peak_memory_mb(report.workers > 1 and executor is None)
    return report


WITHDRAWN = ("E205", "E207", "E211", "E212", "E213")  # errata and reviews that did not apply, each with a warning
LISTED = 10  # flagged rows and undated documents named in the summary; the report lists them all


def report_file(db: Path) -> Path:
    """Where a build of `db` writes its report: beside it and named after it (outputs/corpus.build_report.json),
    so that two databases built in one folder keep their own."""
    return db.with_name(f"{db.stem}.build_report.json")


def decisions(db: Path, issues: list[Issue]) -> dict:
    """What the maintainers' work did in the database `db`: errata and review decisions applied and
    withdrawn, the flagged rows no decision has resolved yet (the first LISTED, with their flags), and the
    documents without a date."""
    import duckdb

    from pipeline.load.reviews import ID_FIELDS

    out: dict = {"errata_applied": 0, "reviews_applied": 0,
                 "withdrawn": sum(1 for i in issues if i.code in WITHDRAWN), "flagged_open": 0,
                 "flagged_rows": [], "undated": []}
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return out
    try:
        for table, id_field in ID_FIELDS.items():
            if "erratum" in tables()[table].column_names:
                out["errata_applied"] += con.execute(
                    f'select count(*) from "{table}" where erratum is not null').fetchall()[0][0]
            out["reviews_applied"] += con.execute(
                f"select count(*) from \"{table}\" where review_status <> 'unreviewed'").fetchall()[0][0]
            where = "len(flags) > 0 and review_status = 'unreviewed'"
            out["flagged_open"] += con.execute(f'select count(*) from "{table}" where {where}').fetchall()[0][0]
            out["flagged_rows"] += [[row_id, list(flags)] for row_id, flags in con.execute(
                f'select "{id_field}", flags from "{table}" where {where} order by 1 limit {LISTED}').fetchall()]
        out["flagged_rows"] = sorted(out["flagged_rows"])[:LISTED]
        out["undated"] = [f for (f,) in con.execute(
            "select source_file from documents where date is null order by 1").fetchall()]
    except duckdb.Error:
        pass
    finally:
        con.close()
    return out


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


def _keep(results: list[dict], report: BuildReport, named: set[str] = frozenset()) -> list[dict]:
    """The results to load: not failed, not a duplicate text or id of another file. The rest become issues.

    Of two files with the same text or id, the one the errata and reviews name is kept (by its file name or
    document id), else the first by name: the same file every time, whatever the database held before."""
    kept, seen_content, seen_ids = [], {}, {}
    for r in sorted(results, key=lambda r: (r["source_file"] not in named and r.get("doc_id") not in named,
                                            r["source_file"])):
        if "error" in r:
            report.issues.append(Issue(r["source_file"], "ingest", r["error"]["code"], "error", r["error"]["message"]))
            continue
        other = seen_content.get(r["content_sha256"]) or seen_ids.get(r["doc_id"])
        if other is not None:
            code = "E104" if r["content_sha256"] in seen_content else "E108"
            exc = InputError(code, r["source_file"], {"other": other})
            report.issues.append(Issue(r["source_file"], "ingest", code, "error", str(exc)))
            continue
        seen_content[r["content_sha256"]] = seen_ids[r["doc_id"]] = r["source_file"]
        kept.append(r)
        for code, detail in r.get("warnings", []):
            report.issues.append(Issue(r["source_file"], "ingest", code, "warning",
                                       str(PipelineError(code, r["source_file"], detail))))
        for stage, seconds in r.get("timings", {}).items():
            report.timings[stage] = report.timings.get(stage, 0.0) + seconds
        report.documents.append(DocumentSummary(**r["summary"]))
        report.processed += not r["cached"]
        report.cached += r["cached"]
    report.documents.sort(key=lambda d: d.source_file)
    return sorted(kept, key=lambda r: r["source_file"])


def _load(corpus: Path, db: Path, cache_dir: Path, kept: list[dict], inputs: str,
          report: BuildReport) -> dict[str, int]:
    """Write the database from the kept documents' parts, with the steps that need every document."""
    from pipeline import __version__
    from pipeline.load.crossrefs import resolve_external_rows
    from pipeline.load.database import validate, write_database
    from pipeline.load.errata import apply_errata, load_errata
    from pipeline.load.parts import PER_DOCUMENT
    from pipeline.load.reviews import apply_reviews
    from pipeline.load.tables import frame

    batches = sorted({(cache_dir / r["batch"]).resolve().as_posix() for r in kept})
    parts = {name: [f"{b}/{name}.parquet" for b in batches] for name in PER_DOCUMENT}
    live = [(r["cache_key"], (cache_dir / r["batch"]).resolve().as_posix(), r["doc_id"], r["source_file"])
            for r in kept]

    def corpus_steps(con) -> list[Issue]:
        """Steps that need every document: external citations, errata, review decisions."""
        titles = {simplified(r["title"] or "").replace(" ", ""): r["doc_id"] for r in kept}
        resolve_external_rows(con, titles)
        errata, problems = load_errata(corpus / "errata")
        problems += apply_errata(con, errata, {r["source_file"]: r["doc_id"] for r in kept})
        issues = [Issue(p.where.split(" ")[0], "errata", p.code, "warning", str(p)) for p in problems]
        issues += [Issue(p.where.split(" ")[0], "reviews", p.code, "warning", str(p))
                   for p in apply_reviews(con, corpus / "reviews")]
        report.issues.extend(issues)
        return issues

    def small_tables() -> dict:
        built_at = datetime.now(UTC).replace(tzinfo=None)
        corpus_hash = hashlib.sha256("".join(sorted(f"{r['source_file']}:{r['content_sha256']}\n"
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
        frames = {name: frame(name, rows) for name, rows in records.items()}
        validate(frames, {}, db.parent)
        return frames

    return write_database(parts, live, small_tables, corpus_steps, db)


def _peak_memory_mb(had_workers: bool) -> dict[str, float]:
    """Peak resident memory of this process and, after a parallel build, of its largest (finished) worker."""
    import resource
    import sys

    per_mb = 1 / 1024 if sys.platform != "darwin" else 1 / 2**20  # ru_maxrss: KiB on Linux, bytes on macOS
    out = {"main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * per_mb, 1)}
    if had_workers:
        out["largest_worker"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * per_mb, 1)
    return out


def _sidecar_text(value):
    """A sidecar value as it is written: a month date as YYYY-MM (its precision kept), another date ISO."""
    from pipeline.ingest.dates import MonthDate

    if isinstance(value, MonthDate):
        return f"{value.year:04d}-{value.month:02d}"
    return value


def add_document(file: Path, corpus: Path, db: Path, metadata: dict) -> tuple[BuildReport, str]:
    """Copy `file` into the corpus (never over a different file), write a sidecar, rebuild.

    All or nothing: the options are checked before anything is written, the database is rebuilt into
    a temporary file, and when the new text cannot be built (unreadable, a duplicate, a fault) the
    copy and its sidecar are removed, an earlier sidecar is restored, and the database is left as it
    was; the error names the file and the reason.
    """
    import shutil

    import yaml

    from pipeline.ingest import sidecar_path, sidecar_value

    file, corpus, db = Path(file), Path(corpus), Path(db)
    if not file.is_file():
        raise InputError("E107", str(file), {"detail": "no such file"})
    try:
        given = {k: sidecar_value(k, v) for k, v in metadata.items() if v is not None and v != ""}
    except ValueError as exc:
        raise InputError("E110", str(file), {"detail": exc}) from None
    if why := not_a_document_name(file.name):
        raise InputError("E110", str(file), {"detail": f"the build does not read {why} as a document; rename it "
                                                       "(rules_1955.txt) and add it again"})
    target = corpus / file.name
    if target.exists() and target.read_bytes() != file.read_bytes():
        raise InputError("E107", str(target), {"detail": "a different file of that name is already in the corpus"})
    side = sidecar_path(target)
    had_target, old_side = target.exists(), side.read_bytes() if side.exists() else None
    tmp = db.with_name(f".{db.name}.add.tmp-{os.getpid()}")
    db.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(db):
        undone = undo_killed_adds(db)
        journal = _journal(db, os.getpid())
        journal.write_text(json.dumps({"target": str(target), "had_target": had_target, "side": str(side),
                                       "old_side": old_side.decode("utf-8", "surrogateescape") if old_side else None,
                                       "wrote_side": bool(given)}), encoding="utf-8")
        try:
            corpus.mkdir(parents=True, exist_ok=True)
            if not had_target:
                shutil.copyfile(file, target)
            if given:
                side.write_text(yaml.safe_dump({k: _sidecar_text(v) for k, v in given.items()}, allow_unicode=True),
                                encoding="utf-8")
            report = build(corpus, tmp, cache_dir=db.parent / ".cache" / "documents", force=True)
            report.issues += [Issue(e.where, "add", e.code, "warning", str(e)) for e in undone]
            failed = [i for i in report.skipped if i.source_file == target.name]
            if failed:
                raise PipelineError("E111", str(file), {"detail": failed[0].message})
            os.replace(tmp, db)
        except BaseException:
            if not had_target:
                target.unlink(missing_ok=True)
            if old_side is not None:
                side.write_bytes(old_side)
            elif given:
                side.unlink(missing_ok=True)
            raise
        finally:
            for leftover in (tmp, tmp.with_name(f".{tmp.name}.lock"), journal):
                leftover.unlink(missing_ok=True)
    report.db = str(db)
    return report, target.name


def _journal(db: Path, pid: int) -> Path:
    """What an `add` in process `pid` changes in the corpus, written before it changes it, removed after."""
    return db.with_name(f".{db.name}.add-{pid}.json")


def undo_killed_adds(db: Path) -> list[PipelineError]:
    """Undo the corpus changes of every `add` into `db` whose process was killed (kill -9, power loss): its copy
    of the text is removed and the sidecar restored, as a failed `add` does. Returns one E125 warning each."""
    from pipeline.load.locks import alive

    undone = []
    for journal in sorted(db.parent.glob(f".{db.name}.add-*.json")):
        pid = journal.name.removeprefix(f".{db.name}.add-").removesuffix(".json")
        if not pid.isdigit() or alive(int(pid)):
            continue
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            target, side = Path(entry["target"]), Path(entry["side"])
        except (OSError, ValueError, KeyError, TypeError):
            journal.unlink(missing_ok=True)
            continue
        what = []
        if not entry.get("had_target") and target.exists():
            target.unlink()
            what.append("its copy in the corpus was removed")
        if entry.get("old_side") is not None:
            side.write_bytes(entry["old_side"].encode("utf-8", "surrogateescape"))
            what.append("its sidecar was restored")
        elif entry.get("wrote_side") and side.exists():
            side.unlink()
            what.append("the sidecar it wrote was removed")
        journal.unlink(missing_ok=True)
        undone.append(PipelineError("E125", target.name, {"pid": pid, "undone": " and ".join(what) or
                                                          "it had changed nothing"}))
    return undone
