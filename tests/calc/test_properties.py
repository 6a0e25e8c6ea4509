"""Properties of the calculation that hold for any village (hypothesis)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.calc.county import load_county_rules
from pipeline.calc.engine import calculate
from pipeline.calc.rules import HOUSEHOLD_CONCEPTS, load_rules

CROPS = ["稻穀", "紅薯", "大豆", "玉米", "芋頭", "小麥"]
EXEMPTIONS = [None, None, None, "technical_crop", "reclaimed_1", "reclaimed_5", "ridge_or_yard", "taro_vegetable"]


@pytest.fixture(scope="module")
def setup(built_db, tmp_path_factory):
    county = tmp_path_factory.mktemp("county") / "county.yaml"
    county.write_text("default: {policy: mid, values: {seed.paddy: 9, ration.non_grain: 470, "
                      "ration.idle_landlord_cut_pct: 10}}\n", encoding="utf-8")
    return load_rules(built_db), load_county_rules(county, set(HOUSEHOLD_CONCEPTS))


household = st.fixed_dictionaries({
    "unit_kind": st.sampled_from(["household", "cooperative"]),
    "area_type": st.sampled_from(["general", "disaster"]),
    "class": st.sampled_from(["ordinary", "rich_peasant", "idle_landlord", "non_grain"]),
    "persons": st.integers(0, 12),
    "paddy_sown_mu": st.floats(0, 30, allow_nan=False),
    "coarse_seed_jin": st.floats(0, 100, allow_nan=False),
    "oxen": st.integers(0, 3), "sows": st.integers(0, 2), "breeding_boars": st.integers(0, 1),
    "pigs": st.integers(0, 5), "ducks": st.integers(0, 50),
    "public_grain_jin": st.floats(0, 3000, allow_nan=False),
    "actual_increase_jin": st.floats(0, 500, allow_nan=False),
    "corvee_days": st.floats(0, 60, allow_nan=False),
    "plots": st.lists(st.tuples(st.sampled_from(CROPS), st.floats(0, 15, allow_nan=False),
                                st.floats(0, 900, allow_nan=False), st.sampled_from(EXEMPTIONS)), max_size=4),
})


def frames(village: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, plots = [], []
    for k, h in enumerate(village):
        hid = f"H{k}"
        rows.append({"household_id": hid, "county": None} | {c: v for c, v in h.items() if c != "plots"})
        plots += [{"household_id": hid, "crop": c, "area_mu": a, "yield_jin_per_mu": y, "exemption": e}
                  for c, a, y, e in h["plots"]]
    return pd.DataFrame(rows), pd.DataFrame(plots, columns=["household_id", "crop", "area_mu",
                                                            "yield_jin_per_mu", "exemption"])


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.lists(household, min_size=1, max_size=8))
def test_purchase_within_balance_and_supply_never_negative(setup, village):
    rules, county = setup
    out, _ = calculate(rules, county, *frames(village))
    surplus = out["class"] == "surplus"
    assert (out.loc[surplus, "purchase_jin"] <= out.loc[surplus, "balance_jin"] + 1e-9).all()
    assert (out["purchase_jin"] >= 0).all()
    assert (out["supply_jin"] >= 0).all()
    assert ((out["supply_status"] == "supplied") == (out["supply_jin"] > 0)).all()


@SETTINGS
@given(household, st.integers(0, 10))
def test_more_persons_never_raise_the_balance(setup, h, persons):
    rules, county = setup
    fewer, more = dict(h, persons=persons), dict(h, persons=persons + 1)
    out, _ = calculate(rules, county, *frames([fewer, more]))
    assert out.at[1, "balance_jin"] <= out.at[0, "balance_jin"] + 1e-9


@settings(SETTINGS, max_examples=25)  # each example calculates up to seven times
@given(st.lists(household, min_size=2, max_size=6))
def test_a_households_result_does_not_depend_on_the_other_rows(setup, village):
    rules, county = setup
    together, _ = calculate(rules, county, *frames(village))
    for k, h in enumerate(village):
        alone, _ = calculate(rules, county, *frames([h]))
        a = alone.drop(columns=["household_id"]).iloc[0]
        b = together.drop(columns=["household_id"]).iloc[k]
        for column in a.index:
            if isinstance(a[column], str):
                assert a[column] == b[column]
            else:
                assert np.isclose(a[column], b[column], rtol=1e-12, atol=1e-9, equal_nan=True), column


def test_benchmark_script_runs_and_agrees_with_its_reference(built_db):
    """The benchmark's own check: the engine and the row-by-row reference give the same balances."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_calc.py"
    run = subprocess.run([sys.executable, str(script), "--households", "3000", "--sample", "300", "--db",
                          str(built_db)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "same balances" in run.stdout and "households per second" in run.stdout
