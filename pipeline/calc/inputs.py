"""Household, plot and joiner files (CSV or Parquet), validated with pandera before any work."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pandera.pandas as pa

from pipeline.errors import PipelineError

FIRST_ROWS = 5
MAX_VALUE = 1e9  # no household sows, owns or hands over a billion of anything: beyond it is a slip (1e308)
EXEMPTION_RE = r"^(technical_crop|ridge_or_yard|taro_vegetable|reclaimed_[1-9]\d*)?$"

HOUSEHOLDS = pa.DataFrameSchema({
    "household_id": pa.Column(str, unique=True, nullable=False),
    "county": pa.Column(str, nullable=True, required=False),
    "unit_kind": pa.Column(str, pa.Check.isin(["household", "cooperative"])),
    "area_type": pa.Column(str, pa.Check.isin(["general", "disaster"])),
    "class": pa.Column(str, pa.Check.isin(["ordinary", "rich_peasant", "idle_landlord", "non_grain"])),
    "persons": pa.Column("int64", pa.Check.ge(0)),
    "paddy_sown_mu": pa.Column("float64", pa.Check.ge(0)),
    "coarse_seed_jin": pa.Column("float64", pa.Check.ge(0)),
    "oxen": pa.Column("int64", pa.Check.ge(0)),
    "sows": pa.Column("int64", pa.Check.ge(0)),
    "breeding_boars": pa.Column("int64", pa.Check.ge(0)),
    "pigs": pa.Column("int64", pa.Check.ge(0)),
    "ducks": pa.Column("int64", pa.Check.ge(0)),
    "public_grain_jin": pa.Column("float64", pa.Check.ge(0)),
    "actual_increase_jin": pa.Column("float64"),
    "corvee_days": pa.Column("float64", pa.Check.ge(0)),
}, strict=False, coerce=True, name="households")

PLOTS = pa.DataFrameSchema({
    "household_id": pa.Column(str, nullable=False),
    "crop": pa.Column(str, nullable=False),
    "area_mu": pa.Column("float64", pa.Check.ge(0)),
    "yield_jin_per_mu": pa.Column("float64", pa.Check.ge(0)),
    "exemption": pa.Column(str, pa.Check.str_matches(EXEMPTION_RE), nullable=True, required=False),
}, strict=False, coerce=True, name="plots")

JOINERS = pa.DataFrameSchema({
    "joiner_id": pa.Column(str, unique=True, nullable=False),
    "category": pa.Column(str, nullable=False),
    "share_fund_due": pa.Column("float64", pa.Check.ge(0)),
    "first_year_remuneration": pa.Column("float64", pa.Check.ge(0)),
    "hardship": pa.Column(str, pa.Check.isin(["none", "difficulty", "special"])),
}, strict=False, coerce=True, name="joiners")

DEFAULTS = {"households": {"corvee_days": 0.0, "actual_increase_jin": 0.0, "county": None},
            "plots": {"exemption": None}, "joiners": {"hardship": "none"}}


Source = Path | str | pd.DataFrame  # a CSV or Parquet file, or a DataFrame (from a notebook)


def name_of(source: Source, kind: str) -> str:
    """How messages name an input: its path, or `the households DataFrame`."""
    return f"the {kind} DataFrame" if isinstance(source, pd.DataFrame) else str(source)


def read_table(source: Source) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True).copy()
    path = Path(source)
    try:
        if path.suffix.lower() == ".parquet":
            return _read_parquet(path)
        if path.suffix.lower() in (".csv", ".txt"):
            text, sep = _csv_text(path)
            return pd.read_csv(io.StringIO(text), sep=sep, dtype={"household_id": str, "joiner_id": str, "county": str,
                                                               "exemption": str, "crop": str}, keep_default_na=True)
    except (OSError, ValueError) as exc:
        raise PipelineError("E411", str(path), {"path": path, "detail": exc}) from None
    raise PipelineError("E411", str(path), {"path": path, "detail": "expected a .csv or .parquet file"})


SEPARATORS = (",", ";", "\t", "|")


def _csv_text(path: Path) -> tuple[str, str]:
    """The text of a CSV file in whatever encoding it comes (UTF-8, UTF-16, GB18030, Big5: as `build` reads
    texts), and its separator: a comma, or the one the header line uses instead (a spreadsheet saved with
    semicolons or tabs)."""
    from pipeline.errors import InputError
    from pipeline.ingest.encoding import decode

    try:
        text, _ = decode(path.read_bytes(), str(path))
    except InputError as exc:
        raise ValueError(str(exc).split(": ", 1)[-1]) from None
    text = text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    sep = "," if counts[","] else max(counts, key=lambda s: counts[s])
    return text, sep if counts[sep] else ","


def _read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file a column at a time: what pd.read_parquet gives, without holding the whole Arrow table
    beside the frame (a million households: 230 MB at the peak instead of 360)."""
    import pyarrow
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path, pre_buffer=False)
        columns = {name: pf.read(columns=[name], use_threads=False).column(0).to_pandas()
                   for name in pf.schema_arrow.names}
    except pyarrow.ArrowException as exc:  # read_table's caller reports ValueErrors with the file
        raise ValueError(str(exc)) from None
    return pd.DataFrame(columns, copy=False)


def _row(i: object, path: str) -> str:
    """A row as its reader counts it: the line of a CSV file (header = 1), the index of a DataFrame."""
    if pd.isna(i):
        return "row ?"
    return f"row index {int(i)}" if path.endswith("DataFrame") else f"row {int(i) + 2}"


def _numbers_as_written(df: pd.DataFrame, schema: pa.DataFrameSchema, path: str) -> None:
    """Numbers checked before pandera coerces them: a count holds a whole number (coercion would cut 5.7 to
    5) and an amount a finite one (inf and NaN pass a `>= 0` check or poison a sum)."""
    problems = []
    for name, column in schema.columns.items():
        if name not in df.columns or str(column.dtype) not in ("int64", "float64"):
            continue
        if pd.api.types.is_bool_dtype(df[name]):
            problems.append(f"column {name} holds true/false, not numbers")
            continue
        values = pd.to_numeric(df[name], errors="coerce")
        bad = values.isna() & df[name].notna()  # not a number at all: pandera's coercion reports it
        bad = ~bad & (~np.isfinite(values.astype("float64")) | values.isna())
        if str(column.dtype) == "int64":
            bad |= values.notna() & np.isfinite(values.astype("float64")) & (values % 1 != 0)
        huge = ~bad & values.notna() & (values.astype("float64").abs() > MAX_VALUE)
        for i in df.index[bad.to_numpy()][:FIRST_ROWS]:
            what = "a whole number" if str(column.dtype) == "int64" else "a finite number"
            value = df.at[i, name]
            got = "it is empty" if pd.isna(value) else f"got {value.item() if hasattr(value, 'item') else value!r}"
            problems.append(f"{_row(i, path)}: column {name} must be {what} ({got})")
        for i in df.index[huge.to_numpy()][:FIRST_ROWS]:
            problems.append(f"{_row(i, path)}: column {name} must be at most {MAX_VALUE:.0e} "
                            f"(got {float(df.at[i, name]):g})")
    if problems:
        raise PipelineError("E411", str(path), {"path": path, "detail": "; ".join(problems[:FIRST_ROWS])
                                                + _counting(path)})


def _counting(path: str) -> str:
    return "" if path.endswith("DataFrame") else " (row numbers count the CSV header as 1)"


def _validate(df: pd.DataFrame, schema: pa.DataFrameSchema, path: str, kind: str) -> pd.DataFrame:
    """`df` (read_table's own copy, changed in place) checked and coerced."""
    for col, value in DEFAULTS[kind].items():
        if col not in df.columns:
            df[col] = value
    for col in ("county", "exemption"):  # optional text: empty stays empty (not the text "nan")
        if col in df.columns and not isinstance(df[col].dtype, pd.StringDtype):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    _numbers_as_written(df, schema, path)
    try:
        return schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases.head(FIRST_ROWS)
        lines = "; ".join(
            f"{_row(r['index'], path)}: column {r['column']} "
            f"{r['check']} (got {r['failure_case']!r})" for _, r in cases.iterrows())
        more = len(err.failure_cases) - len(cases)
        detail = f"{lines}{f' … and {more} more' if more > 0 else ''}{_counting(path)}"
        raise PipelineError("E411", str(path), {"path": path, "detail": detail}) from None


def load_households(source: Source) -> pd.DataFrame:
    households = _validate(read_table(source), HOUSEHOLDS, name_of(source, "households"), "households")
    give_back_memory()
    return households


def give_back_memory() -> None:
    """Return the memory that reading and checking an input freed to the system: Arrow's pool and glibc's heap
    keep it otherwise, and the calculation's arrays are allocated beside it, not in it (a million households:
    190 MB back after their checks; the whole command's peak falls under 1 GB). Elsewhere than glibc, nothing."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:
        trim = None
    if trim is not None:
        trim(0)


def load_plots_and_rows(source: Source, households: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The plots, checked, and the position in `households` of each plot's household (`household_rows`): the
    calculation sums the plots by it, and need not join the ids again."""
    path = name_of(source, "plots")
    plots = _validate(read_table(source), PLOTS, path, "plots")
    key = ["plot_id"] if "plot_id" in plots else [c for c in PLOTS.columns if c in plots]
    pairs = repeated_rows(plots, key)
    if pairs:  # one plot written twice doubles its yield; two plots alike need their own ids
        detail = "; ".join(f"{_row(b, path)} repeats {_row(a, path)}" for a, b in pairs)
        raise PipelineError("E411", str(path), {"path": path, "detail": detail + " (one plot written twice doubles "
                                                "its yield; two plots alike need a plot_id column)"})
    rows = household_rows(households["household_id"], plots["household_id"])
    unknown = rows < 0
    if unknown.any():
        rows = plots.index[unknown][:FIRST_ROWS]
        detail = "; ".join(f"{_row(i, path)}: household {plots.at[i, 'household_id']!r} is not among the "
                           f"households" for i in rows)
        raise PipelineError("E411", str(path), {"path": path, "detail": detail})
    give_back_memory()
    return plots, rows


def repeated_rows(df: pd.DataFrame, key: list[str]) -> list[tuple[int, int]]:
    """The first two rows (index labels) of each group of rows alike in `key` (empty values alike too), the
    first FIRST_ROWS groups in the order of their first row.

    Each row's `key` values are hashed to 64 bits by DuckDB on the Arrow columns, and the rows whose hash
    recurs are grouped by their values in pandas, so a hash two different rows share never makes them
    alike. Three million plots: about a second and 100 MB (pandas' `duplicated` on the values took 3.6 s,
    DuckDB grouping by the values 700 MB)."""
    import duckdb
    import pyarrow as pa

    rows = pa.Table.from_pandas(df[key], preserve_index=False)  # noqa: F841 (read by DuckDB by name)
    names = ", ".join(f'"{c}"' for c in key)
    con = duckdb.connect()
    try:
        hashes = con.sql(f"select hash({names}) as h from rows").fetchnumpy()["h"]
    finally:
        con.close()
    found = np.flatnonzero(pd.Series(hashes).duplicated(keep=False).to_numpy())
    if len(found) == 0:
        return []
    alike = df.iloc[found][key].groupby(key, dropna=False, sort=False).indices.values()
    pairs = sorted((int(found[k[0]]), int(found[k[1]])) for k in alike if len(k) > 1)[:FIRST_ROWS]
    return [(df.index[a], df.index[b]) for a, b in pairs]


def household_rows(households: pd.Series, ids: pd.Series) -> np.ndarray:
    """The position in `households` of each id (-1 for an id that is not among them), by a hash
    join in DuckDB on Arrow arrays: a pandas Index of a million string ids takes seconds to build and probe,
    DuckDB's join a fifth of a second on two cores."""
    import duckdb
    import pyarrow as pa

    def arrow(ids: pd.Series, name: str) -> pa.Table:
        return pa.table({"id": pa.array(ids.astype("string")), name: pa.array(np.arange(len(ids), dtype=np.int64))})

    hh, pl = arrow(households, "i"), arrow(ids, "j")  # noqa: F841 (read by DuckDB by name)
    con = duckdb.connect()
    try:
        found = con.sql("select pl.j, hh.i from pl join hh using (id)").fetchnumpy()
    finally:
        con.close()
    out = np.full(len(ids), -1, dtype=np.int64)
    out[found["j"]] = found["i"]
    return out


def load_joiners(source: Source) -> pd.DataFrame:
    return _validate(read_table(source), JOINERS, name_of(source, "joiners"), "joiners")
