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
import re
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import PipelineError

ALIAS = "corpus"
SEALED = ("SET enable_external_access = false", "SET lock_configuration = true")


def connect(db: Path, built: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `db` that cannot touch anything but `db`; unless `built` is false (`query`
    reads any DuckDB file), one that this pipeline built (its `dataset` table says so)."""
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
    if built:
        try:
            con.execute("select pipeline_version from dataset limit 1").fetchall()
        except duckdb.Error:
            con.close()
            raise PipelineError("E303", str(db), {"detail": "it is a DuckDB file this pipeline did not build (it has "
                                                            "no dataset table); give a database `python -m pipeline "
                                                            "build` wrote"}) from None
    return con


def _message(exc: duckdb.Error) -> str:
    """DuckDB's whole message, hints and the marked place in the SQL included ("Did you mean …"), but for
    a hint to change a setting, which this connection has locked."""
    text = str(exc).strip()
    if "max_expression_depth" in text:
        text = re.sub(r'\s*Use "SET max_expression_depth[^"]*"[^.]*\.?', "", text) + (
            " The connection's settings are locked: write the query with less nesting (IN (…) or a join in "
            "place of a long chain of OR, a CTE in place of nested subqueries).")
    return text


@contextmanager
def _statement(db: Path):
    """The sealed connection; DuckDB's errors as E302, and Ctrl-C during a query as KeyboardInterrupt (DuckDB
    raises RuntimeError "Query interrupted"), which the command line reports in one line."""
    con = connect(db, built=False)
    try:
        yield con
    except duckdb.Error as exc:
        raise PipelineError("E302", str(db), {"detail": _message(exc)}) from None
    except RuntimeError as exc:
        if "interrupt" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise
    finally:
        con.close()


def _executed(con: duckdb.DuckDBPyConnection, db: Path, sql: str) -> duckdb.DuckDBPyConnection:
    cur = con.execute(sql)
    if cur is None:  # "", ";", "/* a comment */": DuckDB runs nothing and returns nothing
        raise PipelineError("E302", str(db), {"detail": "the SQL holds no statement"})
    return cur


def query_frame(db: Path, sql: str):
    """The result of `sql` as a pandas DataFrame, on the sealed connection."""
    with _statement(db) as con:
        return _executed(con, db, sql).df()


def run_query(db: Path, sql: str, limit: int | None = None) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """The columns and rows of `sql`, at most `limit` rows, and whether more rows followed."""
    with _statement(db) as con:
        cur = _executed(con, db, sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        if limit is None:
            return columns, cur.fetchall(), False
        rows = cur.fetchmany(limit + 1)
        return columns, rows[:limit], len(rows) > limit


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
