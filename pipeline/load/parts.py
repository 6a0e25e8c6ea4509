"""Per-document results as validated Parquet parts, cached by content.

A document's rows are validated (pandera, with its own text for the span
checks) and written as one Parquet file per table into a folder named by a
key over the file's bytes, its sidecar and the pipeline's fingerprint. The
folder is written under a temporary name and renamed when complete, so a
killed build never leaves a half-written part; a later build reuses it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.load.database import validate
from pipeline.load.tables import arrow_schema, frame

PER_DOCUMENT = ("documents", "units", "cross_references", "standards", "conversion_rates", "facts", "numbers")
PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The pipeline's identity: its version, code and vocabulary. A change invalidates the cache."""
    from pipeline.vocab import SCHEMAS_DIR

    h = hashlib.sha256(__version__.encode())
    for path in sorted([*PACKAGE.rglob("*.py"), *Path(SCHEMAS_DIR).glob("*.yaml")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def file_key(path: Path) -> str:
    from pipeline.ingest import sidecar_path

    h = hashlib.sha256(fingerprint().encode())
    h.update(path.read_bytes())
    side = sidecar_path(path)
    if side.exists():
        h.update(side.read_bytes())
    return h.hexdigest()[:32]


def cached(cache_dir: Path, key: str) -> dict | None:
    """The summary of a document processed before, with the batch folder holding its rows."""
    summary = cache_dir / "docs" / f"{key}.json"
    if summary.exists():
        return json.loads(summary.read_text(encoding="utf-8"))
    return None


def write_parts(batch: list[tuple[dict[str, list[dict]], str, str, str, dict]], cache_dir: Path,
                failures_dir: Path) -> None:
    """Validate a batch of documents' rows together and write them as one Parquet file per table.

    `batch` holds (records, original text, doc_id, cache key, summary) per document. Validating and
    writing a batch at once spreads pandera's and Parquet's fixed costs over many documents. Rows
    carry their document's cache key (`cache_key`), so a load takes only the current version of
    each document. The batch folder appears by rename, then each document's summary: a killed
    build leaves at most an unreferenced folder, never a half-written part.
    """
    if not batch:
        return
    frames = {name: frame(name, [r for records, *_ in batch for r in records.get(name, [])])
              for name in PER_DOCUMENT}
    validate(frames, {doc_id: text for _, text, doc_id, _, _ in batch}, failures_dir)
    keys = {doc_id: key for _, _, doc_id, key, _ in batch}
    batch_id = hashlib.sha256("".join(sorted(keys.values())).encode()).hexdigest()[:24]
    folder = cache_dir / "batches" / batch_id
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
    for _, _, _, key, summary in batch:
        part = docs / f".{key}.tmp-{os.getpid()}"
        part.write_text(json.dumps(summary | {"batch": str(folder), "cache_key": key}, ensure_ascii=False),
                        encoding="utf-8")
        part.replace(docs / f"{key}.json")
