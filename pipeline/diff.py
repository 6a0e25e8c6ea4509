"""What changed between two builds: added, removed and changed rows by stable id."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.query import connect

TABLES = {"standards": "standard_id", "conversion_rates": "rate_id", "facts": "fact_id"}
COMPARED = {
    "standards": ["concept", "relation", "value_min", "value_max", "unit", "base_min", "base_max", "per",
                  "condition", "flags", "quote", "review_status"],
    "conversion_rates": ["crop", "crop_reading", "from_qty", "to_qty", "to_crop", "flags", "review_status"],
    "facts": ["value", "qualifier", "unit", "subject", "place", "flags", "review_status"],
}


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, object, object]] = field(default_factory=list)  # id, column, old, new


def _frame(db: Path, table: str) -> pd.DataFrame:
    con = connect(db)
    try:
        cols = ", ".join([TABLES[table]] + COMPARED[table])
        df = con.execute(f"select {cols} from {table}").df()
    finally:
        con.close()
    for c in df.columns:  # lists compare as text
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: ", ".join(map(str, v)) if hasattr(v, "__len__") and not isinstance(v, str)
                              else v)
    return df.set_index(TABLES[table])


def diff(old: Path, new: Path) -> list[TableDiff]:
    out = []
    for table in TABLES:
        a, b = _frame(old, table), _frame(new, table)
        d = TableDiff(table, sorted(set(b.index) - set(a.index)), sorted(set(a.index) - set(b.index)))
        common = sorted(set(a.index) & set(b.index))
        for column in COMPARED[table]:
            x, y = a.loc[common, column], b.loc[common, column]
            differs = ~((x == y) | (x.isna() & y.isna()))
            d.changed += [(i, column, _plain(x[i]), _plain(y[i])) for i in x.index[differs.to_numpy()]]
        d.changed.sort()
        out.append(d)
    return out


def _plain(value: object) -> object:
    """NumPy scalars as Python ones, NaN as None, so they print as 40.0, not np.float64(40.0)."""
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and value != value else value


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """Every table of the database as a Parquet file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    con = connect(db)
    written = []
    try:
        for (name,) in con.execute("select table_name from duckdb_tables() order by 1").fetchall():
            path = folder / f"{name}.parquet"
            con.execute(f"copy \"{name}\" to '{path.as_posix()}' (format parquet)")
            written.append(path)
    finally:
        con.close()
    return written
