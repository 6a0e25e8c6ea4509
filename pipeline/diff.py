"""What changed between two builds: added, removed and changed rows by stable id."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.load.tables import tables
from pipeline.query import connect


def compared() -> dict[str, tuple[str, list[str]]]:
    """The tables `diff` compares: table → (its id column, the columns compared), as schemas/tables.yaml declares
    them (`compared: true`)."""
    return {name: (t.primary_key[0], t.compared) for name, t in tables().items() if t.compared}


@dataclass
class TableDiff:
    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, object, object]] = field(default_factory=list)  # id, column, old, new


def _frame(db: Path, table: str) -> pd.DataFrame:
    key, columns = compared()[table]
    con = connect(db)
    try:
        cols = ", ".join([key, *columns])
        df = con.execute(f"select {cols} from {table}").df()
    finally:
        con.close()
    for c in df.columns:  # lists compare as text
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: ", ".join(map(str, v)) if hasattr(v, "__len__") and not isinstance(v, str)
                              else v)
    return df.set_index(key)


def diff(old: Path, new: Path) -> list[TableDiff]:
    out = []
    for table, (_, columns) in compared().items():
        a, b = _frame(old, table), _frame(new, table)
        d = TableDiff(table, sorted(set(b.index) - set(a.index)), sorted(set(a.index) - set(b.index)))
        common = sorted(set(a.index) & set(b.index))
        for column in columns:
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
