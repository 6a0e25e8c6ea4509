"""What a build tells the maintainers after it: where its report goes, and what their errata and reviews did.

The build prints this summary and writes it into the report (`report_file`): decisions applied and withdrawn,
the flagged rows no decision has resolved yet, the documents without a date.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.build.results import Issue
from pipeline.load.tables import tables

WITHDRAWN = ("E205", "E207", "E211", "E212", "E213")  # errata and reviews that did not apply, each with a warning
LISTED = 10  # flagged rows and undated documents named in the summary; the report lists them all


def report_file(db: Path) -> Path:
    """Where a build of `db` writes its report: beside it and named after it (outputs/corpus.build_report.json),
    so that two databases built in one folder keep their own."""
    return db.with_name(f"{db.stem}.build_report.json")


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
