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

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.calc.inputs import Source

DEFAULT_DB = Path("outputs/corpus.duckdb")


def build(corpus: Path | str = "corpus", db: Path | str = DEFAULT_DB, *, workers: int | None = None,
          force: bool = False, progress: Callable[[str, int, int], None] | None = None):
    """Build a corpus folder into a DuckDB file (the `build` command); returns the BuildReport."""
    from pipeline.build import build as run_build

    return run_build(Path(corpus), Path(db), progress=progress, workers=workers, force=force)


def query(sql: str, db: Path | str = DEFAULT_DB) -> pd.DataFrame:
    """The result of a read-only query as a DataFrame (the `query` command); the database is all it sees."""
    from pipeline.query import query_frame

    return query_frame(Path(db), sql)


def calc(households: Source, plots: Source, *, db: Path | str = DEFAULT_DB, rules: str | None = None,
         county_rules: Path | str | dict | None = None, reviewed_only: bool = False):
    """Household quotas (docs/calculation.md); returns a CalcResult with `.output` and `.citations()`."""
    from pipeline.calc import compute

    return compute(Path(db), households, plots, rules, county_rules, reviewed_only)


def explain(household: str, households: Source, plots: Source, *, db: Path | str = DEFAULT_DB,
            rules: str | None = None, county_rules: Path | str | dict | None = None) -> str:
    """One household's computation, step by step, with the article behind each number."""
    from pipeline.calc import explain as run_explain

    return "\n".join(run_explain(Path(db), households, plots, household, rules, county_rules))


def share_fund(joiners: Source, *, db: Path | str = DEFAULT_DB, rules: str | None = None) -> pd.DataFrame:
    """The share-fund settlement of people joining a cooperative (the 1958 provisions)."""
    from pipeline.calc.sharefund import settle

    return settle(Path(db), joiners, rules)


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
    from pipeline.build import add_document

    report, _ = add_document(Path(file), Path(corpus), Path(db),
                             {"title": title, "date": date, "issuer": issuer, "kind": kind})
    return report


def review(row_id: str, decision: str, *, reason: str, reviewer: str, sets: dict[str, str] | None = None,
           db: Path | str = DEFAULT_DB, reviews: Path | str = "corpus/reviews/reviews.yaml") -> dict:
    """Record a maintainer's decision (confirm, correct with `sets`, reject) on one row, with its evidence."""
    from pipeline.load.reviews import record_review

    return record_review(Path(db), Path(reviews), row_id, decision, dict(sets or {}), reason, reviewer)
