"""Validate the frames and write the DuckDB file atomically.

The database is written to a temporary file beside the target and renamed
over it only when complete and valid: an interrupted or failed build leaves
the previous database intact, and readers holding the old file keep reading
it. A lock file keeps two builds from writing the same target at once.
"""
from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pandera.errors

from pipeline.errors import PipelineError
from pipeline.load.checks import make_checks
from pipeline.load.tables import Column, comments, ddl, pandera_schema, primary_key, tables
from pipeline.load.views import create_views

# DuckDB spills beyond this, so the load's memory stays bounded whatever the corpus size. Loading 20,000
# documents: 128MB → 12.5 s, peak 571 MB; 256MB → 11.8 s, 673 MB; 1GB → 11.2 s, 1,134 MB (the main process).
MEMORY_LIMIT = os.environ.get("PIPELINE_DUCKDB_MEMORY", "256MB")
# The storage format the database is written in: what DuckDB 1.1 and every later release reads (the
# DuckDB CLI or Python package a data user has may be older than the one that builds).
STORAGE_VERSION = "v1.1.0"


def validate(frames: dict[str, pd.DataFrame], texts: dict[str, str], failures_dir: Path | None,
             prefix: str = "") -> None:
    """Validate every table lazily; save failure cases (in `failures_dir`, unless None, to a file named by
    `prefix` and the table) and raise naming the table."""
    checks = make_checks(texts)
    for name, df in frames.items():
        if df.empty:  # made by `frame` with the declared columns and dtypes: no row to check (pandera's fixed
            continue  # cost per table is most of a small batch's validation)
        try:
            pandera_schema(name, checks).validate(df, lazy=True)
        except pandera.errors.SchemaErrors as err:
            if failures_dir is None:
                raise PipelineError("E204", name, {"table": name, "count": len(err.failure_cases),
                                                   "path": "(not saved)"}) from None
            failures_dir.mkdir(parents=True, exist_ok=True)
            path = failures_dir / f"validation_failures_{prefix + '_' if prefix else ''}{name}.csv"
            err.failure_cases.to_csv(path, index=False)
            raise PipelineError("E204", name, {"table": name, "count": len(err.failure_cases), "path": path}) from None


def _named(column: Column) -> str:
    """The select expression that names a cached row's document: its own doc_id for the content id."""
    c = f'p."{column.name}"'
    if column.name == "source_file":
        return "l.source_file"
    if column.name.endswith("_id") and column.type == "VARCHAR":
        return (f"CASE WHEN starts_with({c}, '@' || p.cache_key) THEN l.doc_id || substr({c}, length(p.cache_key) + 2)"
                f' ELSE {c} END AS "{column.name}"')
    return c


_HELD: dict[str, object] = {}


def hold_interrupts() -> None:
    """Record Ctrl-C instead of raising it, until `release_interrupts`: once the new database replaces the
    old one, the build has succeeded, and an interrupt must not make it exit as if it had failed."""
    if threading.current_thread() is not threading.main_thread() or "handler" in _HELD:
        return
    _HELD["caught"] = False
    _HELD["handler"] = signal.signal(signal.SIGINT, lambda *_: _HELD.__setitem__("caught", True))


def release_interrupts() -> bool:
    """Restore Ctrl-C; True when one came while it was held."""
    if "handler" not in _HELD:
        return False
    signal.signal(signal.SIGINT, _HELD.pop("handler"))
    return bool(_HELD.pop("caught", False))


def write_database(parts: dict[str, list[str]], live: list[tuple[str, str, str, str]],
                   small_tables: Callable[[], dict[str, pd.DataFrame]],
                   corpus_steps: Callable[[duckdb.DuckDBPyConnection], object], db: Path) -> dict[str, int]:
    """Write every declared table to `db` through a temporary file and an atomic rename.

    Per-document tables are loaded in bulk from their Parquet parts, keeping the rows of each
    (cache_key, batch folder) pair in `live` (the current version of each document, from the one
    batch its summary names: a killed build may have left the same document in another batch). The
    rows carry a content id for the document (pipeline.load.parts.content_id): each `*_id` column
    gets the file's own doc_id in its place, and `source_file` its name, both from `live`. Then
    `corpus_steps(con)` runs the cross-document updates, and `small_tables()`
    supplies the tables that depend on them (dataset, build_issues).
    """
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.tmp-{os.getpid()}")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config={"autoinstall_known_extensions": False,
                                               "autoload_known_extensions": False,
                                               "storage_compatibility_version": STORAGE_VERSION,
                                               "memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})
        try:
            con.execute("create temp table live (cache_key varchar primary key, batch varchar, doc_id varchar, "
                        "source_file varchar)")
            con.execute("insert into live select unnest(?), unnest(?), unnest(?), unnest(?)",
                        [list(column) for column in zip(*live, strict=True)] if live else [[], [], [], []])
            for name in tables():
                con.execute(ddl(name))
                for stmt in comments(name):  # comment before any index exists
                    con.execute(stmt)
            for name, files in parts.items():
                if files:
                    cols = ", ".join(_named(c) for c in tables()[name].columns)
                    con.execute(f'INSERT INTO "{name}" SELECT {cols} FROM read_parquet(?, filename = true) p '
                                f"JOIN live l ON p.cache_key = l.cache_key "
                                f"AND p.filename = l.batch || '/{name}.parquet'", [files])
            corpus_steps(con)
            for name, df in small_tables().items():
                if len(df):
                    con.register("incoming", df)
                    con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
                    con.unregister("incoming")
            for name in tables():
                if stmt := primary_key(name):
                    con.execute(stmt)
            create_views(con)
            counts = {name: con.execute(f'select count(*) from "{name}"').fetchall()[0][0] for name in tables()}
            con.execute("CHECKPOINT")
        finally:
            con.close()
        hold_interrupts()  # from here on the new database is in place: Ctrl-C no longer undoes the build
        os.replace(tmp, db)
        return counts
    except BaseException:
        for left in (tmp, tmp.with_name(tmp.name + ".wal")):  # a full disk leaves the write-ahead log too
            left.unlink(missing_ok=True)
        raise
