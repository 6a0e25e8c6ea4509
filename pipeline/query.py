"""Read-only access to a built database, sealed off from the file system.

Every reader (`query`, `report`, `diff`, `export`, `calc`) connects here. The
connection is an in-memory DuckDB that attaches the database read-only and
then switches off everything that reaches outside it: no file reads or writes
(`read_text`, `read_csv`, `copy … to`, `export database`, `attach`), no
extension install or autoload (no network), and a locked configuration so a
query cannot switch them back on. Because the in-memory instance is private to
the connection, a notebook's own connection to the same file is untouched.
"""
from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import PipelineError

ALIAS = "corpus"
SEALED = ("SET enable_external_access = false", "SET lock_configuration = true")


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `db` that cannot touch anything but `db`."""
    db = Path(db)
    if not db.is_file():
        raise PipelineError("E301", str(db), {"db": db})
    try:
        with open(db, "rb") as fh:
            header = fh.read(12)
    except OSError as exc:
        raise PipelineError("E303", str(db), {"detail": exc.strerror or str(exc)}) from None
    if header[8:12] != b"DUCK":  # every DuckDB file carries its magic bytes there
        raise PipelineError("E303", str(db), {"detail": "it is not a DuckDB database (build one with "
                                                         "`python -m pipeline build`)"})
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    try:
        path = str(db.resolve()).replace("'", "''")  # a literal: ATTACH takes no parameters before DuckDB 2
        con.execute(f"ATTACH '{path}' AS {ALIAS} (READ_ONLY)")
        con.execute(f"USE {ALIAS}")
        for statement in SEALED:
            con.execute(statement)
    except duckdb.Error as exc:
        con.close()
        raise PipelineError("E303", str(db), {"detail": _message(exc)}) from None
    return con


def _message(exc: duckdb.Error) -> str:
    """DuckDB's whole message, hints and the marked place in the SQL included ("Did you mean …")."""
    return str(exc).strip()


def query_frame(db: Path, sql: str):
    """The result of `sql` as a pandas DataFrame, on the sealed connection."""
    con = connect(db)
    try:
        return con.execute(sql).df()
    except duckdb.Error as exc:
        raise PipelineError("E302", str(db), {"detail": _message(exc)}) from None
    finally:
        con.close()


def run_query(db: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = connect(db)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        return columns, cur.fetchall()
    except duckdb.Error as exc:
        raise PipelineError("E302", str(db), {"detail": _message(exc)}) from None
    finally:
        con.close()


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates and times as ISO text, decimals as numbers, lists as lists."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    return value


def render(columns: list[str], rows: list[tuple[Any, ...]], fmt: str) -> str:
    """Rows as csv, json (an array of objects), jsonl (an object per line) or markdown: every value whole."""
    records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in records:
            writer.writerow(["" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for v in r.values()])
        return buffer.getvalue()
    if fmt == "markdown":
        def cell(v: Any) -> str:
            text = "" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, list) else str(v)
            return text.replace("|", "\\|").replace("\n", "<br>")
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cell(v) for v in r.values()) + " |" for r in records]
        return "\n".join(lines) + "\n"
    raise ValueError(fmt)
