"""A fingerprint of every table of a built database: what a refactoring must leave unchanged.

Each table's rows, sorted, are hashed column by column name, leaving out what differs from build to build by
design (the dataset's build id, time, pipeline version, input hash and corpus folder). Two builds of the same
corpus by code that extracts the same have the same fingerprints, whatever folder, workers or executor made
them; `scripts/compare_builds.py OLD NEW` prints the tables that differ.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

VOLATILE = ("build_id", "built_at", "pipeline_version", "inputs_sha256", "corpus_dir")


def fingerprints(db: Path, ignore: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """table → (rows, hash of its sorted rows), columns in `ignore` left out (a column added on purpose)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for (table,) in con.execute("select table_name from duckdb_tables() where not internal order by 1").fetchall():
            columns = [c for (c,) in con.execute("select column_name from duckdb_columns() where table_name = ? "
                                                 "order by column_name", [table]).fetchall()
                       if c not in VOLATILE and c not in ignore]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(repr(r) for r in con.execute(f'select {listed} from "{table}"').fetchall())
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
        return out
    finally:
        con.close()


def differences(old: Path, new: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """One line per table whose rows differ between the two databases (empty: identical)."""
    a, b = fingerprints(old, ignore), fingerprints(new, ignore)
    return [f"{t}: {a.get(t, (0, '—'))[0]} rows → {b.get(t, (0, '—'))[0]} rows"
            + ("" if a.get(t, (0,))[0] != b.get(t, (0,))[0] else " (same count, other values)")
            for t in sorted(set(a) | set(b)) if a.get(t) != b.get(t)]
