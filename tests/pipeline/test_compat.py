"""The built database opens in an older DuckDB: the CLI from PyPI's `duckdb-cli` (a test dependency)."""
from __future__ import annotations

import csv
import io
import shutil
import stat
import subprocess
import sysconfig
from pathlib import Path

import duckdb

CLI_VERSION = "v1.4.4"  # pinned in pyproject.toml's test extra: the oldest DuckDB CLI on PyPI


def duckdb_cli(tmp_path: Path) -> Path:
    """The CLI binary pip installed beside this Python (never the package's downloader)."""
    installed = Path(sysconfig.get_path("scripts")) / "duckdb"
    assert installed.is_file(), "the DuckDB CLI is missing: pip install -e '.[test]' installs duckdb-cli"
    if installed.stat().st_mode & stat.S_IXUSR:
        return installed
    runnable = tmp_path / "duckdb"  # pip leaves a binary in scripts/ without its executable bit
    shutil.copy(installed, runnable)
    runnable.chmod(runnable.stat().st_mode | stat.S_IXUSR)
    return runnable


def test_the_built_database_opens_in_the_oldest_duckdb_cli(built_db, tmp_path):
    cli = duckdb_cli(tmp_path)
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith(CLI_VERSION), version.stdout
    sql = ("select (select count(*) from standards) as standards, (select count(*) from standards_effective) as eff, "
           "(select comment from duckdb_tables() where table_name = 'facts') as comment, "
           "(select count(*) from duckdb_constraints() where constraint_type = 'PRIMARY KEY') as keys")
    run = subprocess.run([str(cli), "-readonly", "-csv", str(built_db), sql], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    (row,) = list(csv.DictReader(io.StringIO(run.stdout)))
    con = duckdb.connect(str(built_db), read_only=True)
    want = con.execute(sql).fetchone()
    con.close()
    assert (int(row["standards"]), int(row["eff"]), row["comment"], int(row["keys"])) == want

