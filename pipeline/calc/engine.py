"""The household calculation of docs/calculation.md, vectorised over all households at once.

Every number comes from the rule set (standards and conversion rates of one
document, chosen per county by the county rules); the steps (pipeline/calc/steps.py)
cite the articles they implement. No loop runs per household: parameters are chosen
per county, joined to the households, and every step is an array operation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.calc.county import CountyRules, choose
from pipeline.calc.inputs import household_rows
from pipeline.calc.rules import RuleSet, RuleStandard
from pipeline.calc.steps import CLASSES, PIGS, STATUSES, State, run_steps
from pipeline.errors import PipelineError

# parameter → concept (scalar standards, chosen per county)
SCALARS = {
    "seed_per_mu": "seed.paddy",
    "ration": "ration.retained",
    "feed_ox": "feed.ox",
    "feed_sow_boar": "feed.sow_breeding_boar",
    "feed_extra_pig": "feed.extra_pig",
    "purchase_rate": "purchase.rate",
    "purchase_rate_rich": "purchase.rate_rich_peasant",
    "ration_deficit": "ration.deficit_general",
    "deficit_disaster_cut": "ration.deficit_disaster",
    "pig_cut_general": "feed.pig_deficit_general",
    "pig_cut_disaster": "feed.pig_deficit_disaster",
    "feed_duck": "feed.duck",
    "days_threshold": "supply.deficit_days_threshold",
    "corvee_per_day": "supply.corvee_rice_supplement",
    "reclaimed_years": "yield.reclaimed_land_exempt_years",
    "taro_area_per_person": "yield.taro_vegetable_exempt_area",
}
COUNTY_VALUES = {"idle_landlord_cut": "ration.idle_landlord_cut_pct", "non_grain_ration": "ration.non_grain"}

OUTPUT_COLUMNS = ["household_id", "class", "normal_yield_jin", "seed_jin", "ration_jin", "feed_jin", "balance_jin",
                  "purchase_jin", "supply_jin", "supply_status", "supply_months", "days_short",
                  "corvee_supplement_jin", "rule_doc"]


@dataclass
class Parameters:
    table: pd.DataFrame  # one row per county key
    bands: list[tuple[float, float]]
    cites: dict[str, RuleStandard] = field(default_factory=dict)


class PerHousehold:
    """Each county's parameters spread to its households, a column when it is first read: a million
    households by every parameter as one frame would hold columns that are never read."""

    def __init__(self, table: pd.DataFrame, codes: np.ndarray) -> None:
        self._table, self._codes, self._columns = table, codes, {}

    def __getitem__(self, column: str) -> pd.Series:
        if column not in self._columns:
            self._columns[column] = pd.Series(self._table[column].to_numpy()[self._codes])
        return self._columns[column]


def parameters(rules: RuleSet, county_rules: CountyRules, counties: list[str]) -> Parameters:
    """The values each county uses, in base units (市斤, 畝, %, days, years)."""
    scalars = {p: rules.one(c) for p, c in SCALARS.items()}
    pig_rows = sorted(rules.get(PIGS), key=lambda s: (s.band or (0, 0))[0])
    if any(s.band is None for s in pig_rows):
        raise PipelineError("E404", PIGS, {"concept": PIGS, "doc": rules.doc_id,
                                           "values": "rows without a household-size condition"})
    rows = {}
    for county in dict.fromkeys(counties):
        rule = county_rules.for_county(county)
        row = {p: choose(s, rule) for p, s in scalars.items()}
        # where each value comes from: the county rule's own number, or the text's range by the county's policy
        row |= {f"source:{p}": "county" if rule.values.get(s.concept) is not None else rule.policy
                for p, s in scalars.items()}
        for k, s in enumerate(pig_rows):
            row[f"pig_{k}"] = choose(s, rule, f"{PIGS}[{s.condition}]")
        for p, c in COUNTY_VALUES.items():
            row[p] = rule.values.get(c, np.nan)
        row["county_rule"] = rule.name
        if row["purchase_rate_rich"] < row["purchase_rate"]:  # article 12: the rich peasants' rate is raised
            s = scalars["purchase_rate_rich"]
            raise PipelineError("E405", f"{rule.name}: {s.concept}", {
                "concept": s.concept, "county": rule.name, "value": f"{row['purchase_rate_rich']:g} %",
                "allowed": f"{row['purchase_rate']:g}–{s.value_max:g} %"})
        rows[county] = row
    cites = {c: scalars[p] for p, c in SCALARS.items()} | {PIGS: pig_rows[0]}
    return Parameters(pd.DataFrame.from_dict(rows, orient="index"), [s.band for s in pig_rows], cites)


def crop_rates(rules: RuleSet, crops: pd.Series) -> pd.Series:
    """Paddy-equivalent rate per 100 jin for each distinct crop name of the plots (article 7)."""
    reference = {vocab.simplified(vocab.load("crops")["reference_grain"])}
    canon = {vocab.simplified(c["name"]): vocab.simplified(c.get("same_as", c["name"]))
             for c in vocab.load("crops")["crops"]}
    reference |= {n for n, c in canon.items() if c in reference}
    by_name: dict[str, list[dict]] = {}
    for r in rules.rates:
        by_name.setdefault(vocab.simplified(r["name"]), []).append(r)
    out = {}
    for crop in crops.dropna().unique():
        key = vocab.simplified(crop)
        if key in reference:
            out[crop] = 100.0
            continue
        hits = by_name.get(key) or [r for n, rs in by_name.items() for r in rs
                                    if canon.get(n, n) == canon.get(key, key)]
        if not hits:
            raise PipelineError("E407", crop, {"crop": crop, "household": "", "doc": rules.doc_id})
        if len(hits) > 1:
            cands = ", ".join(f"row {r['position']} {r['crop']} = {r['rate']:g}" for r in hits)
            raise PipelineError("E408", crop, {"crop": crop, "candidates": cands})
        out[crop] = hits[0]["rate"]
    return pd.Series(out, dtype="float64")


# the steps' values the output shows, in its column order (calculate's `out`); those held as codes, with their labels
OUTPUT_VALUES = ("class", "normal_yield_jin", "seed_jin", "ration_jin", "feed_jin", "balance_jin", "purchase_jin",
                 "supply_jin", "supply_status", "supply_months", "days_short", "corvee_supplement_jin")
LABELLED = {"class": CLASSES, "supply_status": STATUSES}


def calculate(rules: RuleSet, county_rules: CountyRules, households: pd.DataFrame,
              plots: pd.DataFrame, trace: bool = False, household_row: np.ndarray | None = None) -> tuple[
                  pd.DataFrame, Parameters] | tuple[pd.DataFrame, Parameters, State]:
    """Every household's quotas: the steps of pipeline/calc/steps.py over all households at once. With `trace`,
    also the state holding every value the steps made (what `explain` renders). `household_row`: each plot's
    household as its position in `households`, where the caller has it (`inputs.load_plots_and_rows`)."""
    h = households.reset_index(drop=True)
    # "" stands for "no county": the default rule set
    key = (h["county"].astype("string").fillna("") if "county" in h else pd.Series([""] * len(h), dtype="string"))
    codes, counties = pd.factorize(key)
    params = parameters(rules, county_rules, list(counties))
    p = PerHousehold(params.table.loc[list(counties)], codes)
    _require_county_values(h, p)
    state = run_steps(State(h, plots, p, params.bands, lambda: _normal_yield(rules, h, plots, p, household_row)))
    v = state.values
    if not trace:  # only what the output shows: the steps' other values go before it is made (the peak)
        v = {k: v[k] for k in OUTPUT_VALUES}
        del state
    out = pd.DataFrame({
        "household_id": h["household_id"],
        **{c: _labels(v[c], LABELLED[c]) if c in LABELLED else v[c] for c in OUTPUT_VALUES},
        "rule_doc": rules.doc_id,
    }, copy=False)  # the steps' arrays as they are: copying them into one block doubled them at the peak
    out["county_rule"] = p["county_rule"].array  # as it is (a round trip through objects held 100 MB more)
    if trace:
        return out, params, state
    return out, params


def _labels(codes: np.ndarray, labels: list[str]) -> pd.Series:
    """Codes as their labels, a text column made by Arrow (a million numpy strings cost half a second)."""
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int8()), pa.array(labels)).dictionary_decode() \
        .to_pandas()


def _require_county_values(h: pd.DataFrame, p: PerHousehold) -> None:
    for kind, column in (("idle_landlord", "idle_landlord_cut"), ("non_grain", "non_grain_ration")):
        rows = (h["class"] == kind).to_numpy() & p[column].isna().to_numpy()
        if rows.any():
            county = p["county_rule"][rows].iloc[0]
            raise PipelineError("E409", f"{county}: {COUNTY_VALUES[column]}", {
                "concept": COUNTY_VALUES[column], "rows": int(rows.sum()), "kind": kind, "county": county})
    bad = (h["class"] == "non_grain").to_numpy() & (p["non_grain_ration"] >= p["ration"]).to_numpy()
    if bad.any():  # 17(六): a little below the surplus households' ration
        county = p["county_rule"][bad].iloc[0]
        raise PipelineError("E405", f"{county}: ration.non_grain", {
            "concept": "ration.non_grain", "county": county,
            "value": f"{p['non_grain_ration'][bad].iloc[0]:g} 斤",
            "allowed": f"below the chosen ration.retained ({p['ration'][bad].iloc[0]:g} 斤)"})


def _normal_yield(rules: RuleSet, h: pd.DataFrame, plots: pd.DataFrame, p: PerHousehold,
                  row: np.ndarray | None = None) -> np.ndarray:
    """Σ area × yield × rate / 100 over each household's plots that no exemption takes out. Plots are many
    (three million for a million households): every per-plot array is a code or a number, made in place."""
    if plots.empty:
        return np.zeros(len(h))
    if row is None:
        row = household_rows(h["household_id"], plots["household_id"])
    # exemptions and crops take few distinct values: decide per value, then spread by code
    ex_codes, ex_values = pd.factorize(plots["exemption"].fillna("") if "exemption" in plots
                                       else pd.Series([""] * len(plots)))
    ex_values = np.asarray(ex_values, dtype=object)
    years = pd.Series(ex_values).str.extract(r"^reclaimed_(\d+)$")[0].astype("float64").to_numpy()
    area = plots["area_mu"].to_numpy()
    taro = (ex_values == "taro_vegetable")[ex_codes]
    taro_area = np.bincount(row, weights=np.where(taro, area, 0.0), minlength=len(h))
    taro_exempt_hh = taro_area <= p["taro_area_per_person"].to_numpy() * h["persons"].to_numpy()
    exempt = np.isin(ex_values, ["technical_crop", "ridge_or_yard"])[ex_codes]   # 8(一), 8(五)
    exempt |= taro & taro_exempt_hh[row]                                          # 8(三)
    del taro
    k = years[ex_codes]
    exempt |= ~np.isnan(k) & (k <= p["reclaimed_years"].to_numpy()[row])          # 8(二)
    del k, ex_codes
    crop_codes, crop_values = pd.factorize(plots["crop"])
    counted = np.zeros(len(crop_values), dtype=bool)  # an exempt plot needs no rate
    counted[crop_codes[~exempt]] = True
    try:
        rates = crop_rates(rules, pd.Series(np.asarray(crop_values, dtype=object)[counted]))
    except PipelineError as exc:
        if exc.code == "E407":
            first = np.flatnonzero(~exempt & (crop_codes == list(crop_values).index(exc.where)))[0]
            exc.detail["household"] = plots["household_id"].iloc[first]
        raise
    rate = pd.Series(crop_values).map(rates).to_numpy(dtype="float64")
    contribution = rate[crop_codes]
    del crop_codes
    contribution *= area
    contribution *= plots["yield_jin_per_mu"].to_numpy()
    contribution /= 100.0
    contribution[exempt] = 0.0
    return np.bincount(row, weights=contribution, minlength=len(h))
