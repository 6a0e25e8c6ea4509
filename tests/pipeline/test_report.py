"""The HTML review report, checked in a real headless Chromium."""
import re
import shutil
import subprocess

import duckdb
import pytest

from pipeline.report import build_report, highlight, write_report

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def rendered(built_db, tmp_path_factory):
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    assert browser, "the report test needs Chromium: `bash scripts/test.sh` installs Debian's chromium"
    folder = tmp_path_factory.mktemp("report")
    page = write_report(built_db, folder / "report.html")
    run = subprocess.run([browser, *FLAGS, f"--user-data-dir={folder / 'profile'}", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout, run.stderr


def test_the_page_loads_without_console_errors(rendered):
    dom, log = rendered
    assert 'data-rendered="yes"' in dom
    console = [line for line in log.splitlines() if "CONSOLE" in line]
    assert console == []


def test_the_page_shows_the_database_counts(rendered, built_db):
    dom, _ = rendered
    con = duckdb.connect(str(built_db), read_only=True)
    for key, table in (("documents", "documents"), ("standards", "standards"),
                       ("conversion_rates", "conversion_rates"), ("facts", "facts")):
        n = con.execute(f"select count(*) from {table}").fetchone()[0]
        assert f'data-key="{key}">{n}</span>' in dom, key
    flagged = con.execute("select (select count(*) from standards where len(flags) > 0) + "
                          "(select count(*) from conversion_rates where len(flags) > 0) + "
                          "(select count(*) from facts where len(flags) > 0)").fetchone()[0]
    assert f'data-key="flagged">{flagged}</span>' in dom
    rows = re.search(r"(\d+) of (\d+) rows shown", dom)
    assert rows and rows.group(1) == rows.group(2) != "0"


def test_every_row_is_in_the_report_with_its_evidence_marked(built_db):
    page = build_report(built_db)
    con = duckdb.connect(str(built_db), read_only=True)
    for (rid,) in con.execute("select standard_id from standards union all select rate_id from conversion_rates "
                              "union all select fact_id from facts").fetchall():
        assert rid in page
    assert "<svg" in page and "Flags to resolve" in page
    assert highlight("甲。乙丙丁。戊", 3, 4) == "乙<mark>丙</mark>丁。"
