"""Read-only queries on a built database."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from pipeline.errors import PipelineError


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection; many readers may hold one while a build swaps the file."""
    if not Path(db).exists():
        raise PipelineError("E301", str(db), {"db": db})
    # no extra config: DuckDB refuses a second connection to one file with a different configuration
    return duckdb.connect(str(db), read_only=True)


def run_query(db: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = connect(db)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        return columns, cur.fetchall()
    except duckdb.Error as exc:
        raise PipelineError("E302", str(db), {"detail": str(exc).splitlines()[0]}) from None
    finally:
        con.close()
