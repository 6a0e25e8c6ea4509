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
        con.execute(f"ATTACH ? AS {ALIAS} (READ_ONLY)", [str(db.resolve())])
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
