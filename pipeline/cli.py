"""`python -m pipeline …`: thin commands over the package's functions.

Every command's help carries an example; errors print as one line naming
the file, the place and the problem (tracebacks only with --debug).
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from pipeline.errors import PipelineError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
err = Console(stderr=True)
out = Console()
DEFAULT_DB = Path("outputs/corpus.duckdb")
STATE = {"debug": False}


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors.")) -> None:
    STATE["debug"] = debug


def _fail(exc: Exception) -> None:
    if STATE["debug"]:
        raise exc
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(1)


@app.command()
def build(
    corpus: Path = typer.Option(Path("corpus"), help="Corpus folder."),
    db: Path = typer.Option(DEFAULT_DB, help="DuckDB file to write."),
) -> None:
    """Build every document of the corpus into the DuckDB file.

    Example: python -m pipeline build --corpus corpus --db outputs/corpus.duckdb
    """
    from pipeline.build import build as run_build

    try:
        with err.status("building…") as status:
            report = run_build(corpus, db, progress=lambda name: status.update(f"reading {name}"))
    except PipelineError as exc:
        _fail(exc)
        return
    (db.parent / "build_report.json").write_text(report.to_json(), encoding="utf-8")
    _print_summary(report)


def _print_summary(report) -> None:
    t = Table(title=f"built {report.db}", show_lines=False)
    for col in ("file", "layout", "encoding", "script", "units", "xrefs", "standards", "rates", "facts", "flagged"):
        t.add_column(col)
    for d in report.documents:
        units = ", ".join(f"{v} {k}" for k, v in sorted(d.units.items()) if k in ("chapter", "article", "item"))
        t.add_row(d.source_file, d.layout, d.encoding, d.script, units or str(sum(d.units.values())),
                  str(d.cross_references), str(d.standards), str(d.conversion_rates), str(d.facts), str(d.flags))
    out.print(t)
    for issue in report.issues:
        colour = "red" if issue.severity == "error" else "yellow"
        out.print(f"[{colour}]{'skipped' if issue.severity == 'error' else 'warning'}:[/{colour}] {issue.message}",
                  highlight=False)
    out.print(f"{len(report.documents)} documents loaded, {len(report.skipped)} files skipped; "
              f"report: {Path(report.db).parent / 'build_report.json'}", highlight=False)


@app.command()
def dictionary(out: Path = typer.Option(Path("docs/data_dictionary.md"), help="Markdown file to write.")) -> None:
    """Write the data dictionary (every table and column) from schemas/tables.yaml.

    Example: python -m pipeline dictionary --out docs/data_dictionary.md
    """
    from pipeline.load.tables import data_dictionary

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary(), encoding="utf-8")
    err.print(f"wrote {out}")


@app.command()
def query(
    sql: str = typer.Argument(..., help="SQL to run (read-only)."),
    db: Path = typer.Option(DEFAULT_DB, help="DuckDB file to read."),
) -> None:
    """Run SQL on a read-only connection and print the result.

    Example: python -m pipeline query "select concept, value_min, value_max, unit from standards"
    """
    from pipeline.query import run_query

    try:
        columns, rows = run_query(db, sql)
    except PipelineError as exc:
        _fail(exc)
        return
    t = Table(*columns)
    for row in rows:
        t.add_row(*["" if v is None else str(v) for v in row])
    out.print(t)


@app.command()
def calc(
    households: Path = typer.Option(..., help="Households, CSV or Parquet (columns: spec/quotas.md)."),
    plots: Path = typer.Option(..., help="Plots, CSV or Parquet."),
    out: Path = typer.Option(..., help="Output file; .csv or .parquet."),
    db: Path = typer.Option(DEFAULT_DB, help="Built database."),
    rules: str = typer.Option(None, help="Rule-set document (doc id, file name or title)."),
    county_rules: Path = typer.Option(None, help="County rule sets (YAML)."),
    citations: Path = typer.Option(None, help="Also write the per-step citations here (.parquet or .csv)."),
    reviewed_only: bool = typer.Option(False, help="Use confirmed or corrected standards only."),
) -> None:
    """Compute household quotas from the loaded standards (spec/quotas.md).

    Example: python -m pipeline calc --db outputs/corpus.duckdb --households corpus/examples/village_households.csv
    --plots corpus/examples/village_plots.csv --county-rules corpus/examples/county_rules.yaml --out outputs/quotas.csv
    """
    from pipeline.calc import run

    try:
        result = run(db, households, plots, out, rules, county_rules, citations, reviewed_only)
    except PipelineError as exc:
        _fail(exc)
        return
    counts = result.output["class"].value_counts().to_dict()
    out_console = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    err.print(f"{len(result.output)} households ({out_console}) by {result.rules.doc_id}; wrote {out}",
              highlight=False)


@app.command()
def explain(
    household: str = typer.Option(..., help="household_id to explain."),
    households: Path = typer.Option(..., help="Households, CSV or Parquet."),
    plots: Path = typer.Option(..., help="Plots, CSV or Parquet."),
    db: Path = typer.Option(DEFAULT_DB, help="Built database."),
    rules: str = typer.Option(None, help="Rule-set document."),
    county_rules: Path = typer.Option(None, help="County rule sets (YAML)."),
) -> None:
    """Print one household's computation step by step, with the article behind each number.

    Example: python -m pipeline explain --db outputs/corpus.duckdb --households corpus/examples/village_households.csv
    --plots corpus/examples/village_plots.csv --county-rules corpus/examples/county_rules.yaml --household H01
    """
    from pipeline.calc import explain as run_explain

    try:
        lines = run_explain(db, households, plots, household, rules, county_rules)
    except PipelineError as exc:
        _fail(exc)
        return
    for line in lines:
        out.print(line, highlight=False, markup=False)


@app.command("share-fund")
def share_fund(
    joiners: Path = typer.Option(..., help="Joiners, CSV or Parquet (joiner_id, category, share_fund_due, "
                                           "first_year_remuneration, hardship)."),
    out: Path = typer.Option(..., help="Output file; .csv or .parquet."),
    db: Path = typer.Option(DEFAULT_DB, help="Built database."),
    rules: str = typer.Option(None, help="Rule-set document."),
) -> None:
    """Settle the share fund of people joining a cooperative (the 1958 provisions).

    Example: python -m pipeline share-fund --db outputs/corpus.duckdb --joiners corpus/examples/joiners.csv
    --out outputs/share_fund.csv
    """
    from pipeline.calc import write_table
    from pipeline.calc.sharefund import settle

    try:
        result = settle(db, joiners, rules)
        write_table(result, out)
    except PipelineError as exc:
        _fail(exc)
        return
    err.print(f"{len(result)} joiners by {result['rule_doc'].iloc[0] if len(result) else '-'}; wrote {out}",
              highlight=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
