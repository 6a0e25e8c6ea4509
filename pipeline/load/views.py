"""Views for data users (schemas/views.yaml), created and described with every build.

Every view column gets a COMMENT: its own description from views.yaml, or, for a column the view takes
over from a table by name, that table's. A view column with neither is an error, so the database never
holds an undocumented column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import duckdb

from pipeline import vocab
from pipeline.load.tables import tables


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    source: str | None = None  # the table whose column descriptions it takes over
    columns: dict[str, str] = field(default_factory=dict)


@cache
def views() -> dict[str, View]:
    return {name: View(name, " ".join(spec["description"].split()), _carried(spec["sql"], spec.get("from")),
                       spec.get("from"), dict(spec.get("columns", {})))
            for name, spec in vocab.load("views").items()}


def _carried(sql: str, source: str | None) -> str:
    """The SQL with `{carried:ALIAS}` spelt out: the columns of `source` declared `effective: true` in
    schemas/tables.yaml, each as ALIAS.column."""
    return re.sub(r"\{carried:(\w+)\}", lambda m: ", ".join(f"{m[1]}.{c}" for c in tables()[source].effective), sql)


def _text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def column_descriptions(con: duckdb.DuckDBPyConnection, view: View) -> dict[str, str]:
    """Each column of a created view with its description; KeyError naming a column that has none."""
    inherited = {c.name: c.description for c in tables()[view.source].columns} if view.source else {}
    names = [r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = ? "
                                       "order by column_index", [view.name]).fetchall()]
    out = {}
    for name in names:
        text = view.columns.get(name) or inherited.get(name)
        if not text:
            raise KeyError(f"view {view.name}: column {name} has no description; add it to schemas/views.yaml")
        out[name] = text
    return out


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create and describe every view on a database that holds the tables."""
    for view in views().values():
        con.execute(f'CREATE VIEW "{view.name}" AS {view.sql}')
        con.execute(f'COMMENT ON VIEW "{view.name}" IS {_text(view.description)}')
        for column, text in column_descriptions(con, view).items():
            con.execute(f'COMMENT ON COLUMN "{view.name}"."{column}" IS {_text(text)}')
