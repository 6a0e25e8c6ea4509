"""Calculation cases written by hand from docs/calculation.md: household in, figures out (tests/calc/cases/*.yaml)."""
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.calc import compute
from pipeline.errors import PipelineError

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))
HOUSEHOLD_DEFAULTS = {"county": None, "unit_kind": "household", "area_type": "general", "class": "ordinary",
                      "persons": 0, "paddy_sown_mu": 0.0, "coarse_seed_jin": 0.0, "oxen": 0, "sows": 0,
                      "breeding_boars": 0, "pigs": 0, "ducks": 0, "public_grain_jin": 0.0,
                      "actual_increase_jin": 0.0, "corvee_days": 0.0}
PLOT_COLUMNS = ["household_id", "crop", "area_mu", "yield_jin_per_mu", "exemption"]


def write_inputs(case: dict, folder: Path) -> tuple[Path, Path, Path]:
    households = pd.DataFrame([HOUSEHOLD_DEFAULTS | h for h in case["households"]])
    plots = pd.DataFrame(case["plots"], columns=PLOT_COLUMNS)
    paths = folder / "households.csv", folder / "plots.csv", folder / "county.yaml"
    households.to_csv(paths[0], index=False)
    plots.to_csv(paths[1], index=False)
    paths[2].write_text(yaml.safe_dump(case["county_rules"], allow_unicode=True), encoding="utf-8")
    return paths


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path, built_db, tmp_path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case["name"] and "articles" in case
    households, plots, county = write_inputs(case, tmp_path)
    if "expect_error" in case:
        with pytest.raises(PipelineError) as exc:
            compute(built_db, households, plots, county_rules=county)
        assert exc.value.code == case["expect_error"]["code"], str(exc.value)
        for word in case["expect_error"]["contains"]:
            assert str(word) in str(exc.value), (word, str(exc.value))
        return
    out = compute(built_db, households, plots, county_rules=county).output.set_index("household_id")
    for household, expected in case["expect"].items():
        for column, value in expected.items():
            got = out.at[household, column]
            if isinstance(value, str):
                assert got == value, (household, column)
            else:
                assert got == pytest.approx(value, rel=1e-9, abs=1e-9), (household, column, got)


def test_every_step_class_status_and_error_is_exercised():
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in CASES]
    expected = [e for c in cases for e in c.get("expect", {}).values()]
    assert {e.get("class") for e in expected} >= {"surplus", "self_sufficient", "deficit"}
    assert {e.get("supply_status") for e in expected} >= {"none", "self_solve", "supplied"}
    columns = {k for e in expected for k in e}
    assert columns >= {"normal_yield_jin", "seed_jin", "ration_jin", "feed_jin", "balance_jin", "purchase_jin",
                       "supply_jin", "supply_months", "days_short", "corvee_supplement_jin"}
    codes = {c["expect_error"]["code"] for c in cases if "expect_error" in c}
    assert codes >= {"E405", "E406", "E407", "E409", "E410", "E411"}
