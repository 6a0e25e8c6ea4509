"""The pipeline from a notebook: pipeline.api takes DataFrames and mappings and gives what the commands give."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import yaml

from pipeline import api
from pipeline.errors import PipelineError
from tests.conftest import ROOT

EXAMPLES = ROOT / "corpus" / "examples"


@pytest.fixture(scope="module")
def inputs():
    return (pd.read_csv(EXAMPLES / "village_households.csv"), pd.read_csv(EXAMPLES / "village_plots.csv"),
            yaml.safe_load((EXAMPLES / "county_rules.yaml").read_text("utf-8")))


def test_calc_with_dataframes_equals_calc_with_files(built_db, inputs, tmp_path):
    households, plots, county = inputs
    from_frames = api.calc(households, plots, db=built_db, county_rules=county)
    from_files = api.calc(EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", db=built_db,
                          county_rules=EXAMPLES / "county_rules.yaml")
    pd.testing.assert_frame_equal(from_frames.output, from_files.output)
    assert set(from_frames.citations()["household_id"]) == set(households["household_id"])


def test_a_bad_dataframe_is_named_by_its_index(built_db, inputs):
    households, plots, county = inputs
    with pytest.raises(PipelineError) as exc:
        api.calc(households.assign(persons=households["persons"] + 0.5), plots, db=built_db, county_rules=county)
    assert "the households DataFrame" in str(exc.value) and "row index 0: column persons" in str(exc.value)
    assert "CSV header" not in str(exc.value)


def test_query_explain_and_share_fund_return_python_values(built_db, inputs):
    households, plots, county = inputs
    frame = api.query("select concept, value_min from standards_effective order by standard_id", db=built_db)
    assert list(frame.columns) == ["concept", "value_min"] and len(frame) == 22
    text = api.explain("H01", households, plots, db=built_db, county_rules=county)
    assert text.startswith("household H01") and "art. 9" in text
    settled = api.share_fund(pd.read_csv(EXAMPLES / "joiners.csv"), db=built_db)
    assert len(settled) == len(pd.read_csv(EXAMPLES / "joiners.csv"))
    with pytest.raises(PipelineError):
        api.query("copy standards to 'x.csv'", db=built_db)


def test_build_report_export_and_diff_from_python(tmp_path):
    db = tmp_path / "db.duckdb"
    report = api.build(ROOT / "corpus", db)
    assert len(report.documents) == 3
    assert api.report(db, tmp_path / "r.html").exists()
    assert any(p.name == "standards.parquet" for p in api.export(tmp_path / "parquet", db))
    assert all(not d.added and not d.removed for d in api.diff(db, db))


@pytest.mark.parametrize("args", [["--version"], ["-h"], ["query", "-h"]])
def test_the_grain_command_and_its_short_options(args):
    run = subprocess.run([sys.executable, "-c", "from pipeline.cli import main; main()", *args], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert ("grain-rules-pipeline " in run.stdout) if args == ["--version"] else ("Usage:" in run.stdout)


def test_the_console_script_is_declared():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"grain": "pipeline.cli:main"}


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    import re
    import shutil

    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    readme = (ROOT / "README.md").read_text("utf-8")
    code = re.search(r"## From Python.*?```python\n(.*?)```", readme, re.S).group(1)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    assert len(scope["result"].output) == len(scope["households"]) and len(scope["rations"]) > 0
