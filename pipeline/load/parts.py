"""Per-document results as validated Parquet parts, cached by content.

A document's rows are validated (pandera, with its own text for the span
checks) and written as one Parquet file per table into a batch folder. Each
document is keyed by its content alone: the file's bytes, its sidecar and the
pipeline's fingerprint. Its rows carry a content id (`content_id(key)`) where
the document id goes, and the load puts the file's own name and id in its
place: a renamed file or a byte-identical copy is never processed again, and
never shows a name it no longer has. Paths inside the cache are relative to
the cache folder, so a build may run from any folder. Folders are written under
a temporary name and renamed when complete, so a killed build never leaves a
half-written part; a later build reuses it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PipelineError
from pipeline.load.database import validate
from pipeline.load.tables import arrow_schema, frame

if TYPE_CHECKING:
    from pipeline.build.results import DocumentResult

PER_DOCUMENT = ("documents", "units", "cross_references", "standards", "conversion_rates", "facts", "numbers",
                "scan_lines", "places")


@dataclass(frozen=True)
class DocumentRows:
    """One processed document on its way into the cache: its rows (table name → rows as dicts), its original
    text (for the span checks), the document id its rows carry, its cache key, and its result (kept in the
    cache beside the rows)."""

    records: dict[str, list[dict]]
    text: str
    doc_id: str
    cache_key: str
    result: DocumentResult


def write_parts(batch: list[DocumentRows], cache_dir: Path, failures_dir: Path) -> dict[str, PipelineError]:
    """Validate a batch of documents' rows together and write them as one Parquet file per table.

    Validating and
    writing a batch at once spreads pandera's and Parquet's fixed costs over many documents. When
    the batch fails validation, the documents that fail are found (see `_valid`), left out and
    returned (cache key → the error, naming the file; their failure cases saved in `failures_dir`),
    and the rest are written. Rows carry their
    document's cache key (`cache_key`), so a load takes only the current version of each document.
    The batch folder appears by rename, then each document's summary: a killed build leaves at most
    an unreferenced folder, never a half-written part.
    """
    failed: dict[str, PipelineError] = {}
    if not batch:
        return failed
    frames = _frames(batch)
    try:
        validate(frames, {d.doc_id: d.text for d in batch}, None)
    except PipelineError:
        batch = _valid(batch, failures_dir, failed)
        if not batch:
            return failed
        frames = _frames(batch)
    keys = {d.doc_id: d.cache_key for d in batch}
    batch_id = hashlib.sha256("".join(sorted(keys.values())).encode()).hexdigest()[:24]
    relative = f"batches/{batch_id}"
    folder = cache_dir / relative
    tmp = folder.with_name(f".{batch_id}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, df in frames.items():
        table = pa.Table.from_pandas(df, schema=arrow_schema(name), preserve_index=False)
        table = table.append_column("cache_key", pa.array(df["doc_id"].map(keys).astype(object).tolist(),
                                                          type=pa.string()))
        pq.write_table(table, tmp / f"{name}.parquet")
    try:
        tmp.rename(folder)
    except OSError:  # the same batch was written meanwhile: theirs is as good
        shutil.rmtree(tmp, ignore_errors=True)
    docs = cache_dir / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for d in batch:
        part = docs / f".{d.cache_key}.tmp-{os.getpid()}"
        part.write_text(replace(d.result, batch=relative, cache_key=d.cache_key).to_cache(), encoding="utf-8")
        part.replace(docs / f"{d.cache_key}.json")
    return failed


def _valid(batch: list[DocumentRows], failures_dir: Path, failed: dict[str, PipelineError]) -> list:
    """The documents of `batch` whose rows validate. A failing batch is halved until each failing document
    stands alone (a few validations more than the batch's one), so one bad document costs little; each
    failing document goes into `failed` (cache key → the error, naming its file)."""
    alone = len(batch) == 1
    try:
        validate(_frames(batch), {d.doc_id: d.text for d in batch},
                 failures_dir if alone else None, prefix=_safe(batch[0].result.source_file))
        return batch
    except PipelineError as exc:
        if len(batch) == 1:
            failed[batch[0].cache_key] = PipelineError(exc.code, batch[0].result.source_file, exc.detail)
            return []
    half = len(batch) // 2
    return _valid(batch[:half], failures_dir, failed) + _valid(batch[half:], failures_dir, failed)


def _frames(batch: list[DocumentRows]) -> dict:
    return {name: frame(name, [r for d in batch for r in d.records.get(name, [])]) for name in PER_DOCUMENT}


def _safe(name: str) -> str:
    """A file name as a harmless part of another file's name."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
