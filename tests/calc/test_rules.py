"""Choosing the rule set, crop matching, and the commands."""
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from pipeline.build import build
from pipeline.calc import compute, explain
from pipeline.calc.sharefund import settle
from pipeline.errors import PipelineError
from tests.conftest import ROOT, WIKISOURCE_SEED, copy_corpus

EXAMPLES = ROOT / "corpus" / "examples"


def test_a_crop_printed_twice_is_ambiguous_until_a_reading_settles_it(tmp_path, built_db):
    corpus = copy_corpus(tmp_path / "c")
    shutil.rmtree(corpus / "errata")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    h = tmp_path / "h.csv"
    pd.DataFrame([{"household_id": "A", "unit_kind": "household", "area_type": "general", "class": "ordinary",
                   "persons": 1, "paddy_sown_mu": 0, "coarse_seed_jin": 0, "oxen": 0, "sows": 0,
                   "breeding_boars": 0, "pigs": 0, "ducks": 0, "public_grain_jin": 0}]).to_csv(h, index=False)
    p = tmp_path / "p.csv"
    pd.DataFrame([{"household_id": "A", "crop": "大麦", "area_mu": 1, "yield_jin_per_mu": 100}]).to_csv(p, index=False)
    with pytest.raises(PipelineError) as exc:
        compute(db, h, p, county_rules=EXAMPLES / "county_rules.yaml")
    assert exc.value.code == "E408" and "row 1 大麥 = 120" in str(exc.value) and "row 3 大麥 = 90" in str(exc.value)
    # with the shipped errata the first row reads 小麥, and 大麦 is the third row
    out = compute(built_db, h, p, county_rules=EXAMPLES / "county_rules.yaml").output
    assert out.at[0, "normal_yield_jin"] == pytest.approx(90)


def test_two_documents_carrying_the_rules_are_ambiguous(tmp_path):
    corpus = copy_corpus(tmp_path / "c")
    text = (corpus / WIKISOURCE_SEED).read_text("utf-8").replace("江西省", "湖南省")
    (corpus / "hunan_copy.txt").write_text(text, "utf-8")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    plots = tmp_path / "plots.csv"
    pd.read_csv(EXAMPLES / "village_plots.csv").query("crop == '稻穀'").to_csv(plots, index=False)
    args = (db, EXAMPLES / "village_households.csv", plots)
    with pytest.raises(PipelineError) as exc:
        compute(*args, county_rules=EXAMPLES / "county_rules.yaml")
    assert exc.value.code == "E402" and "hunan_copy" in str(exc.value) and "003_b69152d1adbf7c19" in str(exc.value)
    out = compute(*args, rules="hunan_copy", county_rules=EXAMPLES / "county_rules.yaml").output
    assert set(out["rule_doc"]) == {"hunan_copy"}
    with pytest.raises(PipelineError) as exc:
        compute(*args, rules="no such document")
    assert exc.value.code == "E413"


def test_an_erratum_changes_the_result(tmp_path, built_db):
    corpus = copy_corpus(tmp_path / "c")
    (corpus / "errata" / "seed.yaml").write_text(
        "errata:\n  - {document: 003_b69152d1adbf7c19.txt, table: standards, match: {concept: seed.paddy},"
        " set: {reading_min: 8}, reason: the lost lower bound read from a county copy, author: tester}\n", "utf-8")
    db = tmp_path / "db.duckdb"
    build(corpus, db)
    county = tmp_path / "county.yaml"
    county.write_text("default: {policy: mid, values: {ration.non_grain: 470, ration.idle_landlord_cut_pct: 10}}\n",
                      "utf-8")
    out = compute(db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv",
                  county_rules=county).output.set_index("household_id")
    assert out.at["H01", "seed_jin"] == pytest.approx(10 * 9)  # mid of 8 (the reading) and 10
    with pytest.raises(PipelineError) as exc:  # without the reading there is no mid
        compute(built_db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", county_rules=county)
    assert exc.value.code == "E406"


def test_explain_cites_every_step(built_db):
    lines = explain(built_db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", "H02",
                    county_rules=EXAMPLES / "county_rules.yaml")
    text = "\n".join(lines)
    for step in range(1, 10):
        assert f"\n{step}. " in text
    assert "purchase.rate_rich_peasant = 92 %" in text and "chp_3__art_12" in text
    assert "「" in text and "chp_3__art_9__item_2" in text


def test_explain_says_where_each_value_comes_from_and_shows_only_what_applies(built_db):
    households, plots = EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv"
    county = EXAMPLES / "county_rules.yaml"
    h02 = "\n".join(explain(built_db, households, plots, "H02", county_rules=county))
    assert "seed.paddy = 9 斤/畝 (county rule 南昌縣 sets it; the text: ?–10.0 斤)" in h02
    assert "8. supply = 0 斤 (not a deficit household)" in h02 and "ration.deficit_disaster" not in h02
    h04 = "\n".join(explain(built_db, households, plots, "H04", county_rules=county))  # a deficit, disaster area
    assert "mid of the range by county rule (default)" in h04
    need = re.search(r"8\. need = .* = ([\d.]+) 斤", h04)
    short = re.search(r"available = .* = ([\d.]+) 斤; short by ([\d.]+) 斤", h04)
    assert need and short and float(need.group(1)) - float(short.group(1)) == pytest.approx(float(short.group(2)))
    assert "days short = " in h04 and "ration.deficit_disaster = 5 %" in h04 and "feed.duck" not in h04
    out = compute(built_db, households, plots, county_rules=county).output.set_index("household_id")
    assert f"supply = {out.at['H04', 'supply_jin']:g} 斤" in h04


def test_explain_renders_the_steps_the_calculation_ran(built_db):
    """One list of steps (pipeline/calc/steps.py) computes and explains: every step's output column, as explain
    shows it for every household, is the value the calculation wrote."""
    from pipeline.calc.steps import STEPS

    households, plots = EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv"
    county = EXAMPLES / "county_rules.yaml"
    out = compute(built_db, households, plots, county_rules=county).output.set_index("household_id")
    assert [s.number for s in STEPS] == list(range(1, 10))
    labels = {"normal_yield_jin": "1. normal yield = ", "seed_jin": "= ", "ration_jin": "= ", "feed_jin": "4. feed = ",
              "balance_jin": "= ", "purchase_jin": "7. purchase = ", "corvee_supplement_jin": "= "}
    for hid in out.index:
        lines = explain(built_db, households, plots, hid, county_rules=county)
        for step in STEPS:
            line = next(ln for ln in lines if ln.startswith(f"{step.number}. "))
            if step.column in labels:
                value = float(re.findall(r"(-?[\d.]+(?:e[+-]?\d+)?) 斤", line)[0 if step.column in (
                    "normal_yield_jin", "feed_jin", "purchase_jin") else -1])
                assert value == pytest.approx(out.at[hid, step.column], rel=1e-5), (hid, step.name, line)
        assert f"6. class: {out.at[hid, 'class']} (article 2)" in lines


def test_explain_names_an_unknown_household_before_any_rule_can_fail(built_db):
    with pytest.raises(PipelineError) as exc:  # without county rules the lost bound of seed.paddy would stop it
        explain(built_db, EXAMPLES / "village_households.csv", EXAMPLES / "village_plots.csv", "H99")
    assert exc.value.code == "E412"


def test_share_fund_settlement(built_db):
    out = settle(built_db, EXAMPLES / "joiners.csv").set_index("joiner_id")
    assert out.loc["J8", ["contribution", "offset_by_remuneration", "surplus_to_public_fund",
                          "shortfall_from_salary"]].tolist() == [50, 50, 30, 0]
    assert out.loc["J9", ["offset_by_remuneration", "shortfall_from_salary"]].tolist() == [20, 30]
    assert out.loc["J10", ["contribution", "surplus_to_public_fund", "status"]].tolist() == [0, 35, "not_required"]
    assert out["status"].to_dict() == {
        "J1": "not_required", "J2": "required", "J3": "deferrable_or_reducible", "J4": "exempt", "J5": "exempt",
        "J6": "not_required", "J7": "required", "J8": "required", "J9": "required", "J10": "not_required",
        "J11": "voluntary"}
    assert out.loc["J8", "unit_id"] == "art_5__para_2" and out.loc["J11", "unit_id"] == "art_6"
    assert set(out["rule_doc"]) == {"002_f63fa80ed67a2d57"}


def test_calc_command_writes_csv_parquet_and_citations(built_db, tmp_path):
    base = [sys.executable, "-m", "pipeline", "calc", "--db", str(built_db), "--households",
            str(EXAMPLES / "village_households.csv"), "--plots", str(EXAMPLES / "village_plots.csv"),
            "--county-rules", str(EXAMPLES / "county_rules.yaml")]
    run = subprocess.run(base + ["--out", str(tmp_path / "q.parquet"), "--citations", str(tmp_path / "c.parquet")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = pd.read_parquet(tmp_path / "q.parquet")
    assert list(out.columns)[:13] == ["household_id", "class", "normal_yield_jin", "seed_jin", "ration_jin",
                                      "feed_jin", "balance_jin", "purchase_jin", "supply_jin", "supply_status",
                                      "supply_months", "days_short", "corvee_supplement_jin"]
    cites = pd.read_parquet(tmp_path / "c.parquet")
    assert {"household_id", "step", "value", "concept", "unit_id"} <= set(cites.columns)
    purchase = cites.query("household_id == 'H02' and step == 'purchase'")["concept"]
    assert list(purchase) == ["purchase.rate_rich_peasant"]
    bad = subprocess.run(base + ["--out", str(tmp_path / "q.txt")], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and ".csv or .parquet" in bad.stderr and "Traceback" not in bad.stderr


def test_rows_alike_are_found_by_their_values_empty_values_alike_and_in_order(monkeypatch):
    """Plots written twice: the first two rows of each group alike (empty values alike), groups in the order
    of their first row; rows that only share a hash are not alike."""
    import numpy as np

    from pipeline.calc import inputs

    df = pd.DataFrame({"household_id": ["H1", "H2", "H1", None, None, "H3", "H2", "H1"],
                       "area_mu": [1.0, 2.0, 1.0, np.nan, np.nan, 3.0, 2.5, 1.0]}, index=range(10, 18))
    assert inputs.repeated_rows(df, ["household_id", "area_mu"]) == [(10, 12), (13, 14)]
    assert inputs.repeated_rows(df.iloc[:2], ["household_id", "area_mu"]) == []

    class Colliding:  # every row hashed alike: only the values decide
        def connect(self):
            class Con:
                def sql(self, _):
                    class Rel:
                        def fetchnumpy(self):
                            return {"h": np.zeros(len(df), dtype=np.uint64)}
                    return Rel()

                def close(self):
                    pass
            return Con()

    monkeypatch.setitem(sys.modules, "duckdb", Colliding())
    assert inputs.repeated_rows(df, ["household_id", "area_mu"]) == [(10, 12), (13, 14)]
