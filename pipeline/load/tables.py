"""Table declarations from schemas/tables.yaml: pandera schemas, DDL, comments, dictionary.

One source of truth: a column is declared once, in the YAML, and everything
that describes or checks it is generated here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from pipeline import vocab

if TYPE_CHECKING:  # pandas and pandera are imported where frames are made: listing the tables needs neither
    import pandas as pd
    import pandera.pandas as pa

PANDAS_DTYPES = {
    "VARCHAR": "string",
    "INTEGER": "Int64",
    "BIGINT": "Int64",
    "DOUBLE": "Float64",
    "BOOLEAN": "boolean",
    "DATE": "datetime64[ms]",
    "TIMESTAMP": "datetime64[ms]",
    "VARCHAR[]": "object",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = True
    unique: bool = False
    checks: dict[str, Any] = field(default_factory=dict)
    compared: bool = False  # `diff` reports its changes between builds
    effective: bool = False  # the table's *_effective view carries it as it is


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    checks: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def effective(self) -> list[str]:
        """The columns the table's *_effective view carries as they are (`effective: true`)."""
        return [c.name for c in self.columns if c.effective]

    @property
    def compared(self) -> list[str]:
        """The columns `diff` compares between two builds (`compared: true` in schemas/tables.yaml)."""
        return [c.name for c in self.columns if c.compared]


@cache
def tables() -> dict[str, Table]:
    out = {}
    for name, spec in vocab.load("tables").items():
        cols = []
        for cname, c in spec["columns"].items():
            checks = {k: c[k] for k in ("isin", "ge", "le", "regex") if k in c}
            cols.append(Column(cname, c["type"], c["description"], c.get("nullable", True), c.get("unique", False),
                               checks, bool(c.get("compared", False)), bool(c.get("effective", False))))
        out[name] = Table(name, spec["description"], tuple(cols), tuple(spec.get("checks", [])),
                          tuple(spec.get("primary_key", [])))
    return out


def empty_frame(table: str) -> pd.DataFrame:
    import pandas as pd

    t = tables()[table]
    return pd.DataFrame({c.name: pd.Series([], dtype=PANDAS_DTYPES[c.type]) for c in t.columns})


def frame(table: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """A frame with exactly the declared columns, in order, with the declared dtypes."""
    import pandas as pd

    t = tables()[table]
    if not records:
        return empty_frame(table)
    extra = set().union(*(r.keys() for r in records)) - set(t.column_names)
    if extra:
        raise KeyError(f"{table}: undeclared columns {sorted(extra)}; declare them in schemas/tables.yaml")
    data = {}
    for c in t.columns:
        values = [r.get(c.name) for r in records]
        if c.type == "VARCHAR[]":
            data[c.name] = pd.Series([list(v) if v is not None else [] for v in values], dtype="object")
        elif c.type in ("DATE", "TIMESTAMP"):
            data[c.name] = pd.to_datetime(pd.Series(values, dtype="object")).astype(PANDAS_DTYPES[c.type])
        else:
            data[c.name] = pd.Series(values, dtype=PANDAS_DTYPES[c.type])
    return pd.DataFrame(data)


def _column_checks(c: Column) -> list[pa.Check]:
    import pandera.pandas as pa

    out = []
    if "isin" in c.checks:
        out.append(pa.Check.isin(c.checks["isin"]))
    if "ge" in c.checks:
        out.append(pa.Check.ge(c.checks["ge"]))
    if "le" in c.checks:
        out.append(pa.Check.le(c.checks["le"]))
    if "regex" in c.checks:
        out.append(pa.Check.str_matches(c.checks["regex"]))
    if c.type == "VARCHAR[]":
        out.append(pa.Check(lambda s: s.map(lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)),
                            name="list_of_text"))
    return out


def pandera_schema(table: str, table_checks: dict[str, Callable] | None = None) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    """The pandera schema of a table; `table_checks` supplies the named row checks."""
    t = tables()[table]
    checks = [pa.Check(table_checks[name], name=name) for name in t.checks if table_checks and name in table_checks]
    return pa.DataFrameSchema(dict(_pandera_columns(table)), checks=checks, strict=True, ordered=True, name=table,
                              description=t.description)


@cache
def _pandera_columns(table: str) -> tuple[tuple[str, pa.Column], ...]:
    """A table's pandera columns with their checks, made once per process (each batch validates with them)."""
    import pandera.pandas as pa

    return tuple((c.name, pa.Column(None if c.type == "VARCHAR[]" else PANDAS_DTYPES[c.type], checks=_column_checks(c),
                                    nullable=c.nullable, unique=c.unique, description=c.description))
                 for c in tables()[table].columns)


def ddl(table: str) -> str:
    t = tables()[table]
    cols = ",\n  ".join(f'"{c.name}" {c.type}{"" if c.nullable else " NOT NULL"}' for c in t.columns)
    return f'CREATE TABLE "{table}" (\n  {cols}\n)'


def primary_key(table: str) -> str | None:
    """The statement declaring a table's primary key, run once its rows are loaded (an index built at the
    end costs less than one kept up to date through a bulk load)."""
    key = tables()[table].primary_key
    return f'ALTER TABLE "{table}" ADD PRIMARY KEY ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in key)})' if key \
        else None


def _sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def comments(table: str) -> list[str]:
    t = tables()[table]
    out = [f'COMMENT ON TABLE "{table}" IS {_sql_text(t.description)}']
    out += [f'COMMENT ON COLUMN "{table}"."{c.name}" IS {_sql_text(c.description)}' for c in t.columns]
    return out


ARROW_TYPES = {"VARCHAR": "string", "INTEGER": "int64", "BIGINT": "int64", "DOUBLE": "float64", "BOOLEAN": "bool",
               "DATE": "timestamp[ms]", "TIMESTAMP": "timestamp[ms]", "VARCHAR[]": "list<string>"}


def arrow_schema(table: str):
    """The Parquet schema of a table's parts, so parts of every document agree even when empty."""
    import pyarrow as pa

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(),
             "timestamp[ms]": pa.timestamp("ms"), "list<string>": pa.list_(pa.string())}
    return pa.schema([(c.name, types[ARROW_TYPES[c.type]]) for c in tables()[table].columns])
