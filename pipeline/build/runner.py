"""Every file's result: from the cache, or processed in batches here, in worker processes or on an executor.

A file whose bytes (with its sidecar and the pipeline's fingerprint) were processed before comes from the
cache; byte-identical copies are processed once. The rest is cut into batches (`split_batches`) that run in
this process (a few files), in a pool of worker processes, or on any concurrent.futures executor (Dask).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from pathlib import Path

from pipeline.build.results import BuildReport, DocumentResult
from pipeline.build.worker import die_with_parent, failed, process_batch
from pipeline.errors import InputError
from pipeline.files import doc_id_for
from pipeline.load.cache import cached, file_key

PARALLEL_FROM = 8  # fewer files to process than this: one process (worker start-up costs ~2 s)
# Documents a worker validates and writes together. Validation has a large fixed cost per batch
# (400 documents validated in batches of 8: 4.8 s, of 32: 1.5 s, of 128: 0.56 s), so batches are
# as large as keeps every worker busy (two batches each at least), up to BATCH_MAX.
BATCH_MAX = 256
BATCHES_PER_WORKER = 6  # two keep the workers busy; six make the progress move every few seconds
# ... but no batch smaller than this where fewer batches still give every worker one: a 16-document build
# in twelve batches of one or two paid the fixed cost twelve times (4.0 of its 9.0 s), in two it pays it twice
BATCH_MIN = 16

Progress = Callable[[str, int, int], None]


def split_batches(items: list, workers: int) -> list[list]:
    """`items` in order, cut into batches of nearly equal size (within one): BATCHES_PER_WORKER per worker,
    as far as batches of BATCH_MIN go round (one per worker at least, as far as there are items), and as many
    more as keep each within BATCH_MAX."""
    if not items:
        return []
    n = len(items)
    count = min(n, BATCHES_PER_WORKER * workers, max(workers, -(-n // BATCH_MIN)))
    count = max(count, -(-n // BATCH_MAX))
    size, larger = divmod(len(items), count)
    out, start = [], 0
    for k in range(count):
        end = start + size + (k < larger)
        out.append(items[start:end])
        start = end
    return out


def run(files: list[Path], cache_dir: Path, failures_dir: Path, workers: int | None, progress: Progress | None,
        report: BuildReport, executor: Executor | None = None) -> list[DocumentResult]:
    """Every file's result, in the order of `files` (cache look-up time, workers and executor go to `report`).

    Batches run in this process, in a pool of `workers` processes, or on `executor` (any
    concurrent.futures executor, such as a Dask cluster's: `workers` is then its number of workers).
    """
    t0 = time.perf_counter()
    results: dict[str, DocumentResult] = {}  # by file name
    todo: dict[str, list[Path]] = {}  # cache key → the files holding those bytes: processed once
    for f in files:
        try:
            key = file_key(f)
        except OSError as exc:
            results[f.name] = failed(f.name, InputError("E107", f.name, {"detail": exc.strerror or str(exc)}))
            continue
        hit = cached(cache_dir, key)
        if hit is None:
            todo.setdefault(key, []).append(f)
        else:
            results[f.name] = DocumentResult.from_cache(hit).named(f, doc_id_for(f))
    report.timings["cache_lookup_s"] = time.perf_counter() - t0
    done = len(results)
    if progress:
        progress(f"{done} from the cache" if done else "reading", done, len(files))
    n = (workers or os.cpu_count() or 1) if len(todo) >= PARALLEL_FROM or executor is not None else 1
    batches = split_batches([same[0] for same in todo.values()], n)
    copies = {same[0].name: same for same in todo.values()}

    def collect(batch: list[Path], out: list[DocumentResult]) -> None:
        nonlocal done
        for f, r in zip(batch, out, strict=True):
            for copy in copies[f.name]:
                results[copy.name] = r.named(copy, doc_id_for(copy), f.name)
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

            collect(batch, process_batch([str(f) for f in batch], str(cache_dir), str(failures_dir), one_done))
    else:
        pool = nullcontext(executor) if executor is not None else ProcessPoolExecutor(
            max_workers=report.workers, initializer=die_with_parent, initargs=(os.getpid(),))
        with pool as runner:
            futures = {runner.submit(process_batch, [str(f) for f in b], str(cache_dir), str(failures_dir)): b
                       for b in batches}
            for fut in as_completed(futures):
                collect(futures[fut], fut.result())
    return [results[f.name] for f in files]
