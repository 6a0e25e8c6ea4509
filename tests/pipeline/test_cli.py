import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import CORPUS, ROOT

runner = CliRunner()
COMMANDS = sorted(cmd.name or cmd.callback.__name__ for cmd in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "python -m pipeline" in result.output


def test_build_and_query_through_python_m(tmp_path: Path):
    db = tmp_path / "c.duckdb"
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--corpus", str(CORPUS), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "3 documents loaded, 0 files skipped" in run.stdout
    assert (tmp_path / "c.build_report.json").exists()  # named after its database
    q = subprocess.run([sys.executable, "-m", "pipeline", "query", "--db", str(db),
                        "select count(*) as n from units where kind = 'article'"],
                       cwd=ROOT, capture_output=True, text=True)
    assert q.returncode == 0 and "33" in q.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path):
    result = runner.invoke(app, ["query", "--db", str(tmp_path / "missing.duckdb"), "select 1"])
    assert result.exit_code == 1
    assert "missing.duckdb" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["build", "--corpus", str(tmp_path / ("n" * 90)), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert len(result.output.strip().splitlines()) == 1 and str(tmp_path / ("n" * 90)) in result.output  # never wrapped


def test_a_large_build_summary_fits_a_screen_and_lists_the_flagged_first(monkeypatch):
    from rich.console import Console

    from pipeline import cli
    from pipeline.build import BuildReport, DocumentSummary

    docs = [DocumentSummary(f"doc_{k:03d}.txt", f"doc_{k:03d}", "plain", "utf-8", "simplified", None,
                            {"article": 3}, 0, flags=int(k in (7, 33))) for k in range(40)]
    report = BuildReport(db="x.duckdb", corpus="c", documents=docs, processed=40, workers=2, executor="process pool")
    console = Console(record=True, width=200)
    monkeypatch.setattr(cli, "out", console)
    cli._print_summary(report)
    text = console.export_text()
    listed = [line for line in text.splitlines() if line.startswith("doc_")]
    assert len(listed) == cli.SUMMARY_DOCUMENTS
    assert any(line.startswith("doc_033.txt") for line in listed)  # flagged, though past the first 25
    assert f"{cli.SUMMARY_DOCUMENTS} of 40 documents shown" in text
    assert "40 documents loaded" in text and "40 processed (2 workers, process pool)" in text


LONG_ROWS = ("select standard_id, doc_id, quote, flags, value_min, value_max, review_status from standards "
             "order by standard_id")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_query_output_for_scripts_round_trips_through_pandas_whole(built_db, fmt):
    import io
    import json

    import duckdb
    import pandas as pd

    run = subprocess.run([sys.executable, "-m", "pipeline", "query", "--db", str(built_db), "--format", fmt,
                          LONG_ROWS], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = {"csv": lambda t: pd.read_csv(io.StringIO(t), keep_default_na=False),
           "json": lambda t: pd.read_json(io.StringIO(t), orient="records"),
           "jsonl": lambda t: pd.read_json(io.StringIO(t), orient="records", lines=True)}[fmt](run.stdout)
    want = duckdb.connect(str(built_db), read_only=True).execute(LONG_ROWS).df()
    assert list(got.columns) == list(want.columns) and len(got) == len(want) == 22
    assert got["standard_id"].tolist() == want["standard_id"].tolist()  # long ids whole
    assert got["quote"].tolist() == want["quote"].tolist()
    flags = got["flags"].map(json.loads) if fmt == "csv" else got["flags"]
    assert [list(f) for f in flags] == [list(f) for f in want["flags"]]
    assert "…" not in run.stdout


def test_query_table_says_how_many_rows_and_cuts_nothing(built_db):
    run = subprocess.run([sys.executable, "-m", "pipeline", "query", "--db", str(built_db), LONG_ROWS], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "22 rows" in run.stdout and "…" not in run.stdout
    import duckdb

    first_column = "".join(line.split("│")[1].strip() for line in run.stdout.splitlines() if line.startswith("│"))
    ids = [r[0] for r in duckdb.connect(str(built_db), read_only=True).execute(LONG_ROWS).fetchall()]
    assert first_column == "".join(ids)  # every id whole, folded over lines


def test_query_markdown_is_a_table_with_a_row_per_result(built_db):
    run = subprocess.run([sys.executable, "-m", "pipeline", "query", "--db", str(built_db), "--format", "markdown",
                          "select doc_id, title from documents order by doc_id"], cwd=ROOT, capture_output=True,
                         text=True)
    lines = run.stdout.splitlines()
    assert lines[0] == "| doc_id | title |" and lines[1] == "|---|---|" and len(lines) == 5


def test_the_command_line_calls_the_api_only():
    """Every command goes through pipeline.api (what a notebook calls): the CLI imports nothing else of the
    package but its errors and version."""
    import ast

    from tests.conftest import ROOT

    tree = ast.parse((ROOT / "pipeline" / "cli.py").read_text("utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {f"pipeline.{a.name}" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module == "pipeline" for a in node.names}
    package = {m for m in imported if m.startswith("pipeline")}
    assert package <= {"pipeline", "pipeline.api", "pipeline.errors", "pipeline.__version__"}, package


def test_a_query_never_imports_the_stages_or_pandas(built_db):
    """`query` is what a data user runs most: it starts with the interpreter, typer and DuckDB, not with
    pandas, pandera, spaCy or the calculation (a second of imports, measured by benchmarks/bench_build.py)."""
    script = ("import sys; from pipeline.cli import main; sys.argv = ['pipeline', 'query', '--db', "
              f"{str(built_db)!r}, 'select 42 as answer']\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m in ('pandas', 'pandera', 'spacy', 'jieba', 'pipeline.calc') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "42" in run.stdout and run.stdout.strip().splitlines()[-1] == "[]", run.stdout
