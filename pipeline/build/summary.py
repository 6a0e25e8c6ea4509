"""What a build tells the maintainers after it: where its report goes, and what their errata and reviews did.

The build prints this summary and writes it into the report (`report_file`): decisions applied and withdrawn,
the flagged rows no decision has resolved yet, the documents without a date.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.build.results import BuildReport, Issue
from pipeline.load.tables import tables

WITHDRAWN = ("E205", "E207", "E211", "E212", "E213")  # errata and reviews that did not apply, each with a warning
LISTED = 10  # flagged rows and undated documents named in the summary; the report lists them all


def report_file(db: Path) -> Path:
    """Where a build of `db` writes its report: beside it and named after it (outputs/corpus.build_report.json),
    so that two databases built in one folder keep their own."""
    return db.with_name(f"{db.stem}.build_report.json")


def file_signature(path: Path) -> list[int]:
    """What changes when a file is rewritten or replaced: its size, modification time (ns) and inode."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def write_report(report: BuildReport, db: Path) -> Path:
    """Write the report beside the database (`report_file`). It holds the database file's signature, taken by
    the build under its lock: a later build with the same inputs learns from it, without opening DuckDB, that
    the file there is the one this report describes."""
    out = report_file(db)
    out.write_text(report.to_json(), encoding="utf-8")
    return out


def _report(db: Path) -> dict | None:
    """The report beside `db` when it describes this very file (its signature), else None."""
    try:
        rep = json.loads(report_file(db).read_text("utf-8"))
        return rep if isinstance(rep, dict) and rep.get("database_file") == file_signature(db) else None
    except (OSError, ValueError):
        return None


def described(db: Path) -> bool:
    """Whether the report beside `db` was written for this very file, by the build that wrote it."""
    return _report(db) is not None


def recorded(db: Path, inputs: str) -> tuple[dict[str, int], list[Issue], dict] | None:
    """The table sizes, carried warnings (see `corpus.unchanged_database`) and `decisions` the report beside
    `db` gives, when it describes this very file built from exactly `inputs`; else None (no report, another
    file, other inputs, a report of an older layout)."""
    rep = _report(db)
    if rep is None or rep.get("inputs_sha256") != inputs:
        return None
    try:
        tables = {str(k): int(v) for k, v in rep["tables"].items()}
        carried = [Issue(**i) for i in rep["carried_issues"]]
        made = dict(rep["decisions"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return tables, carried, made


def decisions(db: Path, issues: list[Issue]) -> dict:
    """What the maintainers' work did in the database `db`: errata and review decisions applied and
    withdrawn, the flagged rows no decision has resolved yet (the first LISTED, with their flags), and the
    documents without a date."""
    import duckdb

    from pipeline.load.reviews import ID_FIELDS

    out: dict = {"errata_applied": 0, "reviews_applied": 0,
                 "withdrawn": sum(1 for i in issues if i.code in WITHDRAWN), "flagged_open": 0,
                 "flagged_rows": [], "undated": []}
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return out
    try:
        for table, id_field in ID_FIELDS.items():
            if "erratum" in tables()[table].column_names:
                out["errata_applied"] += con.execute(
                    f'select count(*) from "{table}" where erratum is not null').fetchall()[0][0]
            out["reviews_applied"] += con.execute(
                f"select count(*) from \"{table}\" where review_status <> 'unreviewed'").fetchall()[0][0]
            where = "len(flags) > 0 and review_status = 'unreviewed'"
            out["flagged_open"] += con.execute(f'select count(*) from "{table}" where {where}').fetchall()[0][0]
            out["flagged_rows"] += [[row_id, list(flags)] for row_id, flags in con.execute(
                f'select "{id_field}", flags from "{table}" where {where} order by 1 limit {LISTED}').fetchall()]
        out["flagged_rows"] = sorted(out["flagged_rows"])[:LISTED]
        out["undated"] = [f for (f,) in con.execute(
            "select source_file from documents where date is null order by 1").fetchall()]
    except duckdb.Error:
        pass
    finally:
        con.close()
    return out
