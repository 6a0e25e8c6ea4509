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

PER_DOCUMENT = ("documents", "units", "cross_references", "standards", "conversion_rates", "facts")
PACKAGE = Path(__file__).resolve().parents[1]
SUMMARY = "summary.json"


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


def cached(folder: Path) -> dict | None:
    summary = folder / SUMMARY
    if summary.exists():
        return json.loads(summary.read_text(encoding="utf-8"))
    return None


def write_parts(batch: list[tuple[dict[str, list[dict]], str, str, Path, dict]], failures_dir: Path) -> None:
    """Validate a batch of documents' rows together, then write each document's parts, all or nothing.

    `batch` holds (records, original text, doc_id, part folder, summary) per document. Validating a
    batch at once spreads pandera's fixed cost (about 0.1 s a call) over many documents.
    """
    if not batch:
        return
    frames = {name: frame(name, [r for records, *_ in batch for r in records.get(name, [])])
              for name in PER_DOCUMENT}
    validate(frames, {doc_id: text for _, text, doc_id, _, _ in batch}, failures_dir)
    groups = {name: dict(tuple(df.groupby("doc_id", sort=False))) for name, df in frames.items()}
    for _, _, doc_id, folder, summary in batch:
        tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name in PER_DOCUMENT:
            df = groups[name].get(doc_id, frames[name].iloc[0:0])
            pq.write_table(pa.Table.from_pandas(df, schema=arrow_schema(name), preserve_index=False),
                           tmp / f"{name}.parquet")
        (tmp / SUMMARY).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
        try:
            tmp.rename(folder)
        except OSError:  # another build wrote the same part meanwhile: theirs is as good
            shutil.rmtree(tmp, ignore_errors=True)
