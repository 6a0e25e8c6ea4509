"""`grain …` (or `python -m pipeline …`): thin commands over the package's functions (see pipeline.api).

Every command's help carries an example; errors print as one line naming
the file, the place and the problem (tracebacks only with --debug).
"""
from __future__ import annotations

import functools
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.errors import PipelineError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__,
                  context_settings={"help_option_names": ["-h", "--help"]})
err = Console(stderr=True)
out = Console()
DEFAULT_DB = Path("outputs/corpus.duckdb")
STATE = {"debug": False}

# options several commands share, defined once
BuiltDb = Annotated[Path, typer.Option(help="Built database.")]
Households = Annotated[Path, typer.Option(help="Households, CSV or Parquet (columns: docs/calculation.md).")]
Plots = Annotated[Path, typer.Option(help="Plots, CSV or Parquet.")]
RuleSet = Annotated[str, typer.Option(help="Rule-set document (doc id, file name or title).")]
CountyRulesFile = Annotated[Path, typer.Option(help="County rule sets (YAML).")]
OutFile = Annotated[Path, typer.Option(help="Output file; .csv or .parquet.")]
Corpus = Annotated[Path, typer.Option(help="Corpus folder.")]


def _version(show: bool) -> None:
    if show:
        from pipeline import __version__

        out.print(f"grain-rules-pipeline {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
             version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")) -> None:
    STATE["debug"] = debug


CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain(text: object) -> str:
    """Text from files or users as it may reach a terminal: control and escape codes (and bidi overrides)
    shown as \\xNN, never obeyed."""
    return CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                          else f"\\u{ord(m.group()):04x}", str(text))


def _safe(text: object) -> str:
    """`_plain`, with rich markup ([red], [zh, en]) shown as written, for lines printed with markup."""
    return escape(_plain(text))


def _line(text: object) -> str:
    """`_safe` for a message or a file name, which is one line: a line break in it (a file named
    "x\\n1 documents loaded…") is shown as \\n, so that it cannot forge a line of the summary."""
    return _safe(str(text).replace("\r", "\\r").replace("\n", "\\n"))


def command(name: str | None = None):
    """`app.command`, with the command's PipelineError reported in one line (its traceback with --debug)."""
    def register(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except PipelineError as exc:
                _fail(exc)
        return app.command(name)(run)
    return register


def _fail(exc: Exception) -> None:
    if STATE["debug"]:
        raise exc
    # one line, however long its paths: a script reads it whole, and a file name is never cut at the 80th column
    err.print(f"[red]error:[/red] {_safe(exc)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@command()
def build(
    corpus: Corpus = Path("corpus"),
    db: Path = typer.Option(DEFAULT_DB, help="DuckDB file to write."),
    workers: int = typer.Option(None, min=1, help="Worker processes (default: the machine's cores for corpora of "
                                           "8 or more changed files, else 1)."),
    force: bool = typer.Option(False, "--force", help="Rewrite the database even when nothing it is built from "
                                                      "has changed."),
    dask: str = typer.Option(None, help="Process the documents on a Dask cluster: `local` starts one of --workers "
                                        "processes here, or give a scheduler address (tcp://host:8786) whose "
                                        "workers see the same corpus and cache paths. Needs the `dask` extra."),
) -> None:
    """Build every document of the corpus into the DuckDB file (incremental: unchanged files come from the cache,
    and when no file, erratum, review or pipeline code changed the database is left as it is).

    Example: python -m pipeline build --corpus corpus --db outputs/corpus.duckdb --workers 2
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from pipeline import api

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("listing the corpus", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=_line(what), completed=done, total=total)

        with ExitStack() as stack:
            executor = None
            if dask:
                executor, workers = stack.enter_context(api.cluster(dask, workers))
            report = api.build(corpus, db, progress=progress, workers=workers, force=force, executor=executor)
    _print_summary(report)


STRUCTURE_KINDS = {"chapter": "ch", "article": "art", "item": "items", "paragraph": "para", "table": "tables"}


SUMMARY_DOCUMENTS = 25  # documents listed on screen; build_report.json lists them all


def _print_summary(report) -> None:
    """One screen: a line per document (the flagged ones first, up to SUMMARY_DOCUMENTS), then totals and
    what was skipped and why."""
    from pipeline.api import report_file

    t = Table(title=f"built {_safe(report.db)}", show_lines=False, box=None, pad_edge=False)
    for col in ("file", "read as", "structure", "xrefs", "standards", "rates", "facts", "flagged"):
        t.add_column(col, overflow="fold")
    shown = sorted(report.documents, key=lambda d: d.flags == 0)[:SUMMARY_DOCUMENTS]
    for d in sorted(shown, key=lambda d: d.source_file):
        shape = " ".join(f"{d.units[k]} {short}" for k, short in STRUCTURE_KINDS.items() if d.units.get(k))
        t.add_row(_line(d.source_file), f"{d.layout}, {d.encoding}, {d.script}",
                  shape or f"{sum(d.units.values())} units",
                  str(d.cross_references), str(d.standards), str(d.conversion_rates), str(d.facts), str(d.flags))
    if len(report.documents) > len(shown):
        t.caption = f"{len(shown)} of {len(report.documents)} documents shown, flagged ones first"
    out.print(t)
    for issue in report.issues:
        colour = "red" if issue.severity == "error" else "yellow"
        label = "skipped" if issue.severity == "error" else "warning"
        out.print(f"[{colour}]{label}:[/{colour}] {_line(issue.message)}",
                  highlight=False)
    totals = report.tables
    out.print(f"{len(report.documents)} documents loaded, {len(report.skipped)} files skipped; "
              f"{totals.get('units', 0)} units, {totals.get('standards', 0)} standards, "
              f"{totals.get('conversion_rates', 0)} conversion rows, {totals.get('facts', 0)} facts, "
              f"{sum(d.flags for d in report.documents)} flagged rows; {report.processed} processed "
              f"({report.workers} worker{'s' if report.workers > 1 else ''}, {report.executor}), "
              f"{report.cached} from the cache; "
              f"report: {report_file(Path(report.db))}", highlight=False)
    _print_decisions(report.decisions)
    if report.up_to_date:
        out.print(f"nothing it is built from has changed: {_safe(report.db)} was left as it was (--force rewrites it)",
                  highlight=False)


def _print_decisions(d: dict) -> None:
    """The maintainers' loop in three lines: what errata and reviews did, the flags still to resolve, and the
    documents without a date, each with what to do next."""
    if not d:
        return
    if d["errata_applied"] or d["reviews_applied"] or d["withdrawn"]:
        out.print(f"decisions: {d['errata_applied']} row{'s' if d['errata_applied'] != 1 else ''} read by errata, "
                  f"{d['reviews_applied']} reviewed; {d['withdrawn']} withdrawn"
                  f"{' (the warnings above say why)' if d['withdrawn'] else ''}", highlight=False)
    if d["flagged_open"]:
        first = "; ".join(f"{_line(row_id)} {escape('[' + ', '.join(flags) + ']')}"
                          for row_id, flags in d["flagged_rows"][:3])
        out.print(f"flags to resolve: {d['flagged_open']} row{'s' if d['flagged_open'] != 1 else ''} ({first}"
                  f"{' …' if d['flagged_open'] > 3 else ''}); `python -m pipeline report` shows each with its "
                  "evidence and the `review` command that resolves it", highlight=False)
    if d["undated"]:
        names = ", ".join(_line(n) for n in d["undated"][:3]) + (" …" if len(d["undated"]) > 3 else "")
        out.print(f"no date: {len(d['undated'])} document{'s' if len(d['undated']) != 1 else ''} ({names}); give "
                  "one with `date: YYYY-MM-DD` (or YYYY-MM) in NAME.meta.yaml beside the text, or `add FILE --date`",
                  highlight=False)


@command()
def dictionary(out: Path = typer.Option(Path("docs/data_dictionary.md"), help="Markdown file to write.")) -> None:
    """Write the data dictionary (every table and column) from schemas/tables.yaml.

    Example: python -m pipeline dictionary --out docs/data_dictionary.md
    """
    from pipeline import api

    err.print(f"wrote {_safe(api.dictionary(out))}", highlight=False)


@command("train-roles")
def train_roles(
    corpus: list[Path] = typer.Option([Path("../shared/real"), Path("corpus")], help="Annotated corpus folders."),
    gold: list[Path] = typer.Option([Path("../shared/gold/real.yaml"), Path("../shared/gold/seeds.yaml")],
                                    help="Their gold annotations, one per corpus, in the same order."),
    out: Path = typer.Option(Path("pipeline/models/roles.json"), help="Where to write the model."),
) -> None:
    """Retrain the role model from gold annotations (needs pip install -e '.[train]'), and print its
    cross-validated score, each document scored by a model trained on the others.

    Example: python -m pipeline train-roles --corpus ../shared/real --gold ../shared/gold/real.yaml
    """
    from pipeline import api

    if len(corpus) != len(gold):
        _fail(typer.BadParameter("give one --gold for each --corpus"))
    model = api.train_roles(list(zip(corpus, gold, strict=True)), out)
    for name, figures in model["cross_validated"].items():
        err.print(f"{name:>6}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                              for k, v in figures.items()), highlight=False)
    err.print(f"wrote {_safe(out)} ({len(model['weights'])} signals, {model['trained_on']['numbers']} numbers "
              f"of {model['trained_on']['documents']} documents)", highlight=False)


FORMATS = ("table", "csv", "json", "jsonl", "markdown")


@command()
def query(
    sql: str = typer.Argument(None, help="SQL to run (read-only; the database is all it can see). Leave it out to "
                                         "read the SQL from --file, or from standard input."),
    db: Path = typer.Option(DEFAULT_DB, help="DuckDB file to read."),
    output_format: str = typer.Option("table", "--format", "-f", help="table (for reading; says how many rows came "
                                                                "back), csv, json, jsonl or markdown (for "
                                                                "scripts: every value whole, nothing cut)."),
    file: Path = typer.Option(None, "--file", help="Read the SQL from this file ('-' for standard input): for "
                                                    "SQL too long for a command line."),
) -> None:
    """Run SQL on a read-only connection and print the result.

    The table format shows the first TABLE_ROWS rows (a table of a million rows is no reading); csv, json,
    jsonl and markdown give every row.

    Example: python -m pipeline query "select concept, value_min, value_max, unit from standards" --format csv
    """
    from pipeline import api

    if output_format not in FORMATS:
        _fail(PipelineError("E305", output_format, {"format": output_format, "formats": ", ".join(FORMATS)}))
    try:
        sql = _sql_from(sql, file)
        limit = TABLE_ROWS if output_format == "table" else None
        columns, rows, more = api.query_rows(sql, db, limit)
    except KeyboardInterrupt:
        err.print("interrupted: the query was stopped, and the database is as it was", highlight=False)
        raise typer.Exit(130) from None
    if output_format != "table":
        sys.stdout.write(api.render(columns, rows, output_format))
        return
    t = Table(*columns, caption=f"{len(rows)} row{'s' if len(rows) != 1 else ''}" if not more else None)
    for c in t.columns:
        c.overflow = "fold"  # wrap long ids and quotes, never cut them
    for row in rows:
        t.add_row(*["" if v is None else _safe(v) for v in row])
    out.print(t)
    if more:
        out.print(f"the first {TABLE_ROWS:,} rows; more follow: --format csv (or jsonl) gives every row, "
                  "LIMIT … OFFSET … a page of them", highlight=False)


TABLE_ROWS = 1000


def _sql_from(sql: str | None, file: Path | None) -> str:
    """The SQL of the argument, of --file, or of standard input when neither is given and input is piped."""
    if sql is not None and file is not None:
        raise PipelineError("E302", str(file), {"detail": "give the SQL as an argument or with --file, not both"})
    if sql is not None:
        return sql
    if file is not None and str(file) != "-":
        try:
            return file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise PipelineError("E302", str(file), {"detail": f"the SQL file could not be read: {exc}"}) from None
    if file is None and sys.stdin.isatty():
        raise PipelineError("E302", "query", {"detail": "no SQL given: pass it as an argument, with --file, or on "
                                                        "standard input"})
    return sys.stdin.read()


@command()
def calc(
    households: Households,
    plots: Plots,
    out: OutFile,
    db: BuiltDb = DEFAULT_DB,
    rules: RuleSet = None,
    county_rules: CountyRulesFile = None,
    citations: Path = typer.Option(None, help="Also write the per-step citations here (.parquet or .csv)."),
    reviewed_only: bool = typer.Option(False, help="Use confirmed or corrected standards only."),
) -> None:
    """Compute household quotas from the loaded standards (docs/calculation.md).

    Example: python -m pipeline calc --db outputs/corpus.duckdb --households corpus/examples/village_households.csv
    --plots corpus/examples/village_plots.csv --county-rules corpus/examples/county_rules.yaml --out outputs/quotas.csv
    """
    from pipeline import api

    result = api.calc(households, plots, db=db, rules=rules, county_rules=county_rules, reviewed_only=reviewed_only,
                      out=out, citations=citations)
    counts = result.output["class"].value_counts().to_dict()
    out_console = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    for note in result.notes:
        err.print(f"[yellow]note:[/yellow] {_line(note)}", highlight=False)
    err.print(f"{len(result.output)} households ({out_console}) by {_safe(result.rules.doc_id)}; wrote {_safe(out)}",
              highlight=False)


@command()
def explain(
    household: Annotated[str, typer.Option(help="household_id to explain.")],
    households: Households,
    plots: Plots,
    db: BuiltDb = DEFAULT_DB,
    rules: RuleSet = None,
    county_rules: CountyRulesFile = None,
) -> None:
    """Print one household's computation step by step, with the article behind each number.

    Example: python -m pipeline explain --db outputs/corpus.duckdb --households corpus/examples/village_households.csv
    --plots corpus/examples/village_plots.csv --county-rules corpus/examples/county_rules.yaml --household H01
    """
    from pipeline import api

    lines = api.explain(household, households, plots, db=db, rules=rules, county_rules=county_rules).split("\n")
    for line in lines:
        out.print(_plain(line), highlight=False, markup=False, soft_wrap=True)


@command("share-fund")
def share_fund(
    joiners: Annotated[Path, typer.Option(help="Joiners, CSV or Parquet (joiner_id, category, share_fund_due, "
                                               "first_year_remuneration, hardship).")],
    out: OutFile,
    db: BuiltDb = DEFAULT_DB,
    rules: RuleSet = None,
) -> None:
    """Settle the share fund of people joining a cooperative (the 1958 provisions).

    Example: python -m pipeline share-fund --db outputs/corpus.duckdb --joiners corpus/examples/joiners.csv
    --out outputs/share_fund.csv
    """
    from pipeline import api

    result = api.share_fund(joiners, db=db, rules=rules, out=out)
    by = _safe(result["rule_doc"].iloc[0]) if len(result) else "-"
    err.print(f"{len(result)} joiners by {by}; wrote {_safe(out)}",
              highlight=False)


@command()
def report(
    db: BuiltDb = DEFAULT_DB,
    out: Path = typer.Option(Path("outputs/report.html"), help="HTML file to write."),
) -> None:
    """Write the self-contained HTML review report: every row with its evidence, flags and charts.

    Example: python -m pipeline report --db outputs/corpus.duckdb --out outputs/report.html
    """
    from pipeline import api

    api.report(db, out)
    err.print(f"wrote {_safe(out)}", highlight=False)


@command()
def review(
    row_id: str = typer.Argument(..., help="The row's id: standard_id, rate_id or fact_id."),
    confirm: bool = typer.Option(False, "--confirm", help="The row is right as extracted."),
    correct: list[str] = typer.Option([], "--correct", help="FIELD=VALUE to set (min, max; crop, to_qty; value)."),
    reject: bool = typer.Option(False, "--reject", help="The row is no standard, rate or fact."),
    reason: str = typer.Option(..., help="What was checked, against what."),
    reviewer: str = typer.Option(..., help="Who decided."),
    db: Path = typer.Option(DEFAULT_DB, help="Built database the row is in."),
    reviews: Path = typer.Option(Path("corpus/reviews/reviews.yaml"), help="Review file to append to."),
) -> None:
    """Record a review decision on one row, with the quote it was made on, in corpus/reviews/; the next
    build applies it, and never to other words.

    Example: python -m pipeline review 003_b69152d1adbf7c19/chp_3__art_9__item_1/seed.paddy/1 --correct min=8 \
    --reason "the county copy prints 八至十斤" --reviewer "M. Zhang"
    """
    from pipeline import api

    chosen = [name for name, on in (("confirm", confirm), ("correct", bool(correct)), ("reject", reject)) if on]
    if len(chosen) != 1:
        _fail(PipelineError("E215", row_id, {"detail": "give exactly one of --confirm, --correct FIELD=VALUE "
                                                        "or --reject"}))
    sets = {}
    for item in correct:
        field_name, sep, value = item.partition("=")
        if not sep or not field_name.strip() or not value.strip():
            _fail(PipelineError("E215", row_id, {"detail": f"--correct {item!r} is not FIELD=VALUE (min=8)"}))
        sets[field_name.strip()] = value.strip()
    entry = api.review(row_id, chosen[0], reason=reason, reviewer=reviewer, sets=sets, db=db, reviews=reviews)
    err.print(f"recorded in {_safe(reviews)}: {entry['decision']} {_safe(row_id)} «{_safe(entry['quote'])}»; "
              f"the next build applies it", highlight=False)


@command()
def diff(
    old: Path = typer.Argument(..., help="The earlier database."),
    new: Path = typer.Argument(..., help="The later database."),
    summary: bool = typer.Option(False, "--summary", help="Only the counts per table, and per document."),
    output_format: str = typer.Option("text", "--format", "-f", help="text (for reading), or csv, json, jsonl "
                                                                     "(a row per change, for scripts)."),
) -> None:
    """List added, removed and changed standards, conversion rows and facts between two builds.

    Example: python -m pipeline diff outputs/before.duckdb outputs/corpus.duckdb --summary
    """
    from pipeline import api

    if output_format not in ("text", "csv", "json", "jsonl"):
        _fail(PipelineError("E305", output_format, {"format": output_format, "formats": "text, csv, json, jsonl"}))
    tables = api.diff(old, new)
    rows = [(d.table, "added", rid, None, None, None) for d in tables for rid in d.added]
    rows += [(d.table, "removed", rid, None, None, None) for d in tables for rid in d.removed]
    rows += [(d.table, "changed", rid, col, a, b) for d in tables for rid, col, a, b in d.changed]
    if output_format != "text":
        columns = ["table", "change", "row_id", "column", "old", "new"]
        if summary:
            counts: dict[tuple, int] = {}
            for table, change, rid, *_ in rows:
                key = (table, rid.split("/", 1)[0], change)
                counts[key] = counts.get(key, 0) + 1
            columns, rows = ["table", "doc_id", "change", "rows"], [(*k, n) for k, n in sorted(counts.items())]
        sys.stdout.write(api.render(columns, rows, output_format))
        return
    for d in tables:
        out.print(f"[bold]{d.table}[/bold]: {len(d.added)} added, {len(d.removed)} removed, "
                  f"{len(d.changed)} changed values")
        if summary:
            per_doc: dict[str, list[int]] = {}
            for k, ids in enumerate((d.added, d.removed, [c[0] for c in d.changed])):
                for rid in ids:
                    per_doc.setdefault(rid.split("/", 1)[0], [0, 0, 0])[k] += 1
            for doc, (a, r, c) in sorted(per_doc.items()):
                out.print(f"  {_plain(doc)}: +{a} -{r} ~{c}", highlight=False, markup=False)
            continue
        for rid in d.added:
            out.print(f"  + {_plain(rid)}", highlight=False, markup=False, soft_wrap=True)
        for rid in d.removed:
            out.print(f"  - {_plain(rid)}", highlight=False, markup=False, soft_wrap=True)
        for rid, column, old_value, new_value in d.changed:
            out.print(_plain(f"  ~ {rid} {column}: {old_value!r} → {new_value!r}"), highlight=False, markup=False,
                      soft_wrap=True)


@command()
def export(
    parquet: Path = typer.Option(..., "--parquet", help="Folder to write one Parquet file per table into."),
    db: BuiltDb = DEFAULT_DB,
) -> None:
    """Write every table and view of the database as Parquet (column descriptions as field metadata), with a
    dataset card (README.md: sources, licence, build, files).

    Example: python -m pipeline export --db outputs/corpus.duckdb --parquet outputs/parquet
    """
    from pipeline import api

    written = api.export(parquet, db)
    tables = [p for p in written if p.suffix == ".parquet"]
    err.print(f"wrote {len(tables)} tables and views to {_safe(parquet)}, with the dataset card README.md",
              highlight=False)


@command()
def add(
    file: Path = typer.Argument(..., help="Text file to add to the corpus."),
    corpus: Corpus = Path("corpus"),
    db: Path = typer.Option(DEFAULT_DB, help="DuckDB file to rebuild."),
    title: str = typer.Option(None, help="Title, if the text does not state it."),
    date: str = typer.Option(None, help="Date (YYYY-MM-DD, or YYYY-MM for a month), if the text does not state it."),
    issuer: str = typer.Option(None, help="Issuing organ, if the text does not state it."),
    kind: str = typer.Option(None, help="Kind (regulation, instruction, report, speech, news), if the title does "
                                        "not tell it."),
) -> None:
    """Copy a text into the corpus (with a sidecar for the given metadata), rebuild, and show what was found.

    Example: python -m pipeline add ~/scans/hubei_1955.txt --date 1955-10 --issuer 湖北省人民委員會 --kind regulation
    """
    from pipeline import api

    report, name = api.add_named(file, corpus, db, title=title, date=date, issuer=issuer, kind=kind)
    d = next(x for x in report.documents if x.source_file == name)
    out.print(f"added {_line(name)}: {_safe(d.title or '(no title)')} — {d.layout}, {d.encoding}, {d.script}",
              highlight=False)
    out.print("  found: " + ", ".join(f"{v} {k}" for k, v in sorted(d.units.items())), highlight=False)
    out.print(f"  {d.cross_references} cross-references, {d.standards} standards, {d.conversion_rates} conversion "
              f"rows, {d.facts} facts; {d.flags} rows flagged for review", highlight=False)
    for issue in report.issues:
        if issue.severity != "error":
            out.print(f"[yellow]warning:[/yellow] {_line(issue.message)}", highlight=False)
    _print_decisions(report.decisions)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
