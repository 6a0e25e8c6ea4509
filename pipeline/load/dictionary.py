"""The data dictionary (docs/data_dictionary.md): every table and view, every column, from the schemas.

The views' columns are read from an empty database built from the same declarations, so the
dictionary lists exactly what a built database holds.
"""
from __future__ import annotations

import duckdb

from pipeline.load.tables import comments, ddl, primary_key, tables
from pipeline.load.views import create_views, views


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def data_dictionary() -> str:
    """Markdown: every table and view with its columns' types and descriptions."""
    lines = ["# Data dictionary", "",
             "Generated from `schemas/tables.yaml` and `schemas/views.yaml` (`python -m pipeline dictionary`); "
             "the same text is in the database (`COMMENT ON`: see `duckdb_tables()`, `duckdb_views()` and "
             "`duckdb_columns()`). Every table but `dataset` and `build_issues` joins `documents` on `doc_id`; "
             "`standards`, `facts` and `numbers` join `units` on (`doc_id`, `unit_id`), and `numbers.row_id` "
             "names the `standard_id` or `fact_id` a number became.", "", "## Tables", ""]
    for t in tables().values():
        key = f" Primary key: ({', '.join(t.primary_key)})." if t.primary_key else ""
        lines += [f"### {t.name}", "", _cell(t.description) + key, "", "| column | type | null | description |",
                  "|---|---|---|---|"]
        for c in t.columns:
            extra = f" One of: {', '.join(map(str, c.checks['isin']))}." if "isin" in c.checks else ""
            lines.append(f"| {c.name} | {c.type} | {'yes' if c.nullable else 'no'} | {_cell(c.description)}{extra} |")
        lines.append("")
    con = duckdb.connect(":memory:")
    try:
        for name in tables():
            con.execute(ddl(name))
            for stmt in comments(name):
                con.execute(stmt)
            if stmt := primary_key(name):
                con.execute(stmt)
        create_views(con)
        lines += ["## Views", ""]
        for v in views().values():
            lines += [f"### {v.name}", "", _cell(v.description), "", "| column | type | description |",
                      "|---|---|---|"]
            for column, kind, text in con.execute(
                    "select column_name, data_type, comment from duckdb_columns() where table_name = ? "
                    "order by column_index", [v.name]).fetchall():
                lines.append(f"| {column} | {kind} | {_cell(text)} |")
            lines.append("")
    finally:
        con.close()
    return "\n".join(lines)
