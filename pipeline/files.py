"""The files of a corpus folder and what their names give: the documents, their ids and sidecars.

Light on purpose: a build that finds nothing changed needs only this, pipeline.load.cache and DuckDB.
"""
from __future__ import annotations

import re
from pathlib import Path

SKIP_SUFFIXES = {".yaml", ".yml", ".json", ".csv", ".parquet", ".duckdb", ".lock"}


def corpus_files(corpus: Path) -> list[Path]:
    """The text files of a corpus folder: every regular file but sidecars, data and hidden files."""
    return sorted(
        p for p in corpus.iterdir()
        if p.is_file() and not p.name.startswith((".", "README")) and p.suffix.lower() not in SKIP_SUFFIXES
    )


def doc_id_for(path: Path) -> str:
    """A stable id from the file name: survives edits to the text and to other files."""
    return re.sub(r"[^0-9A-Za-z_\-\u3400-\u9fff]+", "_", path.stem).strip("_") or "doc"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.yaml")
