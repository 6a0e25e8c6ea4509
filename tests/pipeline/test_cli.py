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
    assert (tmp_path / "build_report.json").exists()
    q = subprocess.run([sys.executable, "-m", "pipeline", "query", "--db", str(db),
                        "select count(*) as n from units where kind = 'article'"],
                       cwd=ROOT, capture_output=True, text=True)
    assert q.returncode == 0 and "33" in q.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path):
    result = runner.invoke(app, ["query", "--db", str(tmp_path / "missing.duckdb"), "select 1"])
    assert result.exit_code == 1
    assert "missing.duckdb" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["build", "--corpus", str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1 and "does not exist" in result.output


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
