"""The pipeline from Python: every command as a function, for notebooks and scripts.

    from pipeline import api

    report = api.build("corpus", "outputs/corpus.duckdb")        # a BuildReport
    rations = api.query("select * from standards_effective where concept like 'ration.%'")   # a DataFrame
    result = api.calc(households_df, plots_df, county_rules={"default": {"policy": "mid"}})
    result.output, result.citations()                            # DataFrames

Inputs may be paths (CSV, Parquet, YAML) or DataFrames and mappings; the database defaults to
outputs/corpus.duckdb as for the commands. Errors raise pipeline.errors.PipelineError, whose message
names the file, the place and the problem.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotations only: a command imports pandas and the calculation when it runs them
    import pandas as pd

    from pipeline.calc.inputs import Source

DEFAULT_DB = Path("outputs/corpus.duckdb")


def build(corpus: Path | str = "corpus", db: Path | str = DEFAULT_DB, *, workers: int | None = None,
          force: bool = False, progress: Callable[[str, int, int], None] | None = None, executor=None):
    """Build a corpus folder into a DuckDB file (the `build` command); returns the BuildReport, also written beside
    the database (`report_file`). `executor`: a concurrent.futures executor to process the documents on (`cluster`)."""
    from pipeline.build import build as run_build
    from pipeline.build.summary import write_report

    report = run_build(Path(corpus), Path(db), progress=progress, workers=workers, force=force, executor=executor)
    write_report(report, Path(db))
    return report


def report_file(db: Path | str = DEFAULT_DB) -> Path:
    """Where a build of `db` writes its report (outputs/corpus.build_report.json beside outputs/corpus.duckdb)."""
    from pipeline.build import report_file as beside

    return beside(Path(db))


@contextmanager
def cluster(address: str, workers: int | None = None) -> Iterator[tuple[object, int]]:
    """A Dask cluster's executor and its number of workers, for `build(executor=…)`: `local` starts one of
    `workers` processes here; an address (tcp://host:8786) joins a running one. Needs the `dask` extra."""
    from pipeline.cluster import dask_executor

    with dask_executor(address, workers) as (executor, n):
        yield executor, n


def dictionary(out: Path | str = "docs/data_dictionary.md") -> Path:
    """Write the data dictionary (every table, view and column, from schemas/) to `out`; returns it."""
    from pipeline.load.dictionary import data_dictionary

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(), encoding="utf-8")
    return out


def train_roles(annotated: list[tuple[Path | str, Path | str]], out: Path | str = "pipeline/models/roles.json") -> dict:
    """Retrain the role model from (corpus folder, gold file) pairs and write it to `out`; returns the model with
    its cross-validated figures (needs the `train` extra)."""
    from pipeline.train import train

    return train([(Path(c), Path(g)) for c, g in annotated], Path(out))


def query(sql: str, db: Path | str = DEFAULT_DB) -> pd.DataFrame:
    """The result of a read-only query as a DataFrame (the `query` command); the database is all it sees."""
    from pipeline.query import query_frame

    return query_frame(Path(db), sql)


def query_rows(sql: str, db: Path | str = DEFAULT_DB, limit: int | None = None) -> tuple[list[str], list[tuple], bool]:
    """A read-only query's columns and rows (the first `limit`, and whether more follow), without pandas."""
    from pipeline.query import run_query

    return run_query(Path(db), sql, limit)


def render(columns: list[str], rows: list[tuple], output_format: str) -> str:
    """Rows as csv, json, jsonl or markdown text, every value whole."""
    from pipeline.query import render as as_text

    return as_text(columns, rows, output_format)


def calc(households: Source, plots: Source, *, db: Path | str = DEFAULT_DB, rules: str | None = None,
         county_rules: Path | str | dict | None = None, reviewed_only: bool = False, out: Path | str | None = None,
         citations: Path | str | None = None):
    """Household quotas (docs/calculation.md); returns a CalcResult with `.output` and `.citations()`. With `out`
    (and `citations`), they are also written there (.csv or .parquet), all or none, checked before any work."""
    from pipeline.calc import compute, run

    if out is None:
        return compute(Path(db), households, plots, rules, county_rules, reviewed_only)
    return run(Path(db), households, plots, Path(out), rules, county_rules,
               Path(citations) if citations is not None else None, reviewed_only)


def explain(household: str, households: Source, plots: Source, *, db: Path | str = DEFAULT_DB,
            rules: str | None = None, county_rules: Path | str | dict | None = None) -> str:
    """One household's computation, step by step, with the article behind each number."""
    from pipeline.calc import explain as run_explain

    return "\n".join(run_explain(Path(db), households, plots, household, rules, county_rules))


def share_fund(joiners: Source, *, db: Path | str = DEFAULT_DB, rules: str | None = None,
               out: Path | str | None = None) -> pd.DataFrame:
    """The share-fund settlement of people joining a cooperative (the 1958 provisions); with `out`, also written
    there (.csv or .parquet, checked before any work)."""
    from pipeline.calc import check_output, write_table
    from pipeline.calc.sharefund import settle

    if out is not None:
        check_output(Path(out))
    result = settle(Path(db), joiners, rules)
    if out is not None:
        write_table(result, Path(out))
    return result


def report(db: Path | str = DEFAULT_DB, out: Path | str = "outputs/report.html") -> Path:
    """Write the HTML review report; returns its path."""
    from pipeline.report import write_report

    return write_report(Path(db), Path(out))


def export(folder: Path | str, db: Path | str = DEFAULT_DB) -> list[Path]:
    """Every table and view as Parquet, with the dataset card; returns the files written."""
    from pipeline.export import export_parquet

    return export_parquet(Path(db), Path(folder))


def diff(old: Path | str, new: Path | str):
    """What changed between two builds: per table, the ids added and removed and the values changed."""
    from pipeline.diff import diff as run_diff

    return run_diff(Path(old), Path(new))


def add(file: Path | str, corpus: Path | str = "corpus", db: Path | str = DEFAULT_DB, *, title: str | None = None,
        date: str | None = None, issuer: str | None = None, kind: str | None = None):
    """Copy a text into the corpus (with a sidecar for what is given) and rebuild; all or nothing. `date` may be a
    month (1955-09)."""
    return add_named(file, corpus, db, title=title, date=date, issuer=issuer, kind=kind)[0]


def add_named(file: Path | str, corpus: Path | str = "corpus", db: Path | str = DEFAULT_DB, *,
              title: str | None = None, date: str | None = None, issuer: str | None = None,
              kind: str | None = None):
    """`add`, returning the BuildReport (also written beside the database) and the name the text has in the
    corpus."""
    from pipeline.build import add_document
    from pipeline.build.summary import write_report

    report, name = add_document(Path(file), Path(corpus), Path(db),
                                {"title": title, "date": date, "issuer": issuer, "kind": kind})
    write_report(report, Path(db))
    return report, name


def review(row_id: str, decision: str, *, reason: str, reviewer: str, sets: dict[str, str] | None = None,
           db: Path | str = DEFAULT_DB, reviews: Path | str = "corpus/reviews/reviews.yaml") -> dict:
    """Record a maintainer's decision (confirm, correct with `sets`, reject) on one row, with its evidence."""
    from pipeline.load.reviews import record_review

    return record_review(Path(db), Path(reviews), row_id, decision, dict(sets or {}), reason, reviewer)
