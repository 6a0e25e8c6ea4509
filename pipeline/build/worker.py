"""One batch of files, in a worker process (or this one): read, normalize, structure, extract, validate, cache.

    file ──structure_file──▶ StructuredDocument ──document_tables──▶ rows ──write_parts──▶ cached Parquet parts

Whatever goes wrong with one file (unreadable input, or a fault of the pipeline's own on a text it does not
expect) becomes that file's `DocumentResult` error, naming the file, the stage and the reason; the other files
of the batch go on.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build.results import DocumentResult, DocumentSummary
from pipeline.errors import InputError, PipelineError
from pipeline.load.cache import cached, content_id, file_key
from pipeline.vocab import simplified

if TYPE_CHECKING:
    from pipeline.structure import StructuredDocument


def structure_file(path: Path, doc_id: str | None = None) -> StructuredDocument:
    """Ingest, normalize and structure one file (`doc_id`: what its rows carry instead of the file's id): the
    document with its units (title, chapters, articles, items, notes, tables) and cross-references, ready for
    `document_tables`."""
    from pipeline.ingest import read_document
    from pipeline.normalize import normalize
    from pipeline.structure import structure

    return structure(normalize(read_document(path, doc_id)))


def document_tables(sd: StructuredDocument) -> tuple[dict[str, list[dict]], DocumentSummary]:
    """All rows one document contributes (table name → rows as dicts), and its summary."""
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


def process_batch(paths: list[str], cache_dir: str, failures_dir: str,
                  on_document: Callable[[str], None] | None = None) -> list[DocumentResult]:
    """Files → cached parts, one `DocumentResult` per file in order. Runs in a worker process (or on a Dask
    worker); in this process, `on_document(name)` is called as each file is done."""
    from pipeline.ingest.scans import use_cache
    from pipeline.load.parts import DocumentRows, write_parts

    results: list[DocumentResult] = []
    batch: list[DocumentRows] = []
    startup = start_worker()
    use_cache(Path(cache_dir) / "ocr")  # a page is recognised once, whatever else changes
    for k, path in enumerate(paths):
        if on_document is not None and k:
            on_document(Path(paths[k - 1]).name)
        p = Path(path)
        t0 = time.perf_counter()
        try:
            key = file_key(p)
        except OSError as exc:
            results.append(failed(p.name, InputError("E107", p.name, {"detail": exc.strerror or str(exc)})))
            continue
        hit = cached(Path(cache_dir), key)  # cached meanwhile by another build, or a caller that did not look
        if hit is not None:
            result = DocumentResult.from_cache(hit)
            result.timings["cache_lookup_s"] = time.perf_counter() - t0
            results.append(result)
            continue
        stage = "read, normalize, structure"
        try:
            sd = structure_file(p, content_id(key))
            t1 = time.perf_counter()
            stage = "extract"
            records, summary = document_tables(sd)
            content = content_sha256(sd.normalized.source.text)
        except InputError as exc:
            results.append(failed(p.name, exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one document's fault must not sink the build
            results.append(failed(p.name, PipelineError("E109", p.name, {"stage": stage, "detail": fault(exc)})))
            continue
        t2 = time.perf_counter()
        src = sd.normalized.source
        result = DocumentResult(source_file=p.name, content_sha256=content, summary=summary,
                                title=src.metadata.title, bytes=p.stat().st_size,
                                warnings=[(code, detail) for code, detail in src.warnings], cache_key=key,
                                timings={"read_normalize_structure_s": t1 - t0, "extract_s": t2 - t1})
        if startup:  # booked once, with the first document this process made
            result.timings["worker_startup_s"], startup = startup, 0.0
        batch.append(DocumentRows(records, src.text, sd.doc_id, key, result))
        results.append(result)
    if on_document is not None and paths:
        on_document(Path(paths[-1]).name)
    t3 = time.perf_counter()
    errors = write_parts(batch, Path(cache_dir), Path(failures_dir))
    for k, r in enumerate(results):
        if r.error is None and not r.cached:
            if r.cache_key in errors:
                results[k] = failed(r.source_file, errors[r.cache_key])
            else:
                r.batch = cached(Path(cache_dir), r.cache_key)["batch"]
    written = [r for r in results if r.error is None and not r.cached]
    for r in written:
        r.timings["validate_write_s"] = (time.perf_counter() - t3) / len(written)
    return results


_started = False


def start_worker() -> float:
    """Import the stages and make the language pipelines, once per process: the seconds it took the first
    time (the build report's worker_startup_s), 0 after."""
    global _started
    if _started:
        return 0.0
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


def failed(name: str, exc: PipelineError) -> DocumentResult:
    """The result of a file that could not be built: the error's code and message."""
    return DocumentResult.failed(name, exc.code, str(exc))


def fault(exc: BaseException) -> str:
    """An unexpected exception in one line: its type, message and the pipeline line that raised it."""
    import traceback

    package = Path(__file__).resolve().parents[1]
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(package)]
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}{where}"


def die_with_parent(parent: int) -> None:
    """Worker initializer: a worker ends when the build that started it ends, even by `kill -9` (which
    no handler in the build can see). Linux ends it at once (PR_SET_PDEATHSIG); elsewhere, or when the
    build was gone before that took hold, a watchdog notices within a second that its parent changed."""
    import ctypes
    import signal
    import threading

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
