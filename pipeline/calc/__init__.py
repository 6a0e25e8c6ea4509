"""Calculate: the built database + households/plots → quotas, with the articles behind each number.

Entry points: `run(...)` (the `calc` command), `explain(...)`, `settle_share_fund(...)`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.calc.county import CountyRules, load_county_rules
from pipeline.calc.engine import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    OUTPUT_COLUMNS,
    PIGS,
    SCALARS,
    Parameters,
    calculate,
)
from pipeline.calc.inputs import Source, load_households, load_plots, name_of
from pipeline.calc.rules import HOUSEHOLD_CONCEPTS, RuleSet, load_rules
from pipeline.errors import PipelineError

# step → (output column, concepts it uses); purchase and supply pick per row below
STEPS = [
    ("normal_yield", "normal_yield_jin", ["conversion_table", "yield.reclaimed_land_exempt_years",
                                          "yield.taro_vegetable_exempt_area"]),
    ("seed", "seed_jin", ["seed.paddy"]),
    ("ration", "ration_jin", ["ration.retained"]),
    ("feed", "feed_jin", ["feed.ox", "feed.sow_breeding_boar", PIGS, "feed.extra_pig"]),
    ("purchase", "purchase_jin", ["purchase.rate"]),
    ("supply", "supply_jin", ["ration.deficit_general", "ration.deficit_disaster", "feed.pig_deficit_general",
                              "feed.pig_deficit_disaster", "feed.duck", "supply.deficit_days_threshold"]),
    ("corvee", "corvee_supplement_jin", ["supply.corvee_rice_supplement"]),
]


@dataclass
class CalcResult:
    rules: RuleSet
    params: Parameters
    households: pd.DataFrame
    plots: pd.DataFrame
    output: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # what a user should know (counties the rules do not list)

    def citations(self) -> pd.DataFrame:
        """One row per household, step and standard used: the long table of citations."""
        out = self.output
        parts = []
        for step, column, concepts in STEPS:
            for concept in concepts:
                mask = np.ones(len(out), dtype=bool)
                if concept == "conversion_table":
                    uid = self.rules.rates[0]["unit_id"] if self.rules.rates else None
                    art = None
                else:
                    std = self.params.cites[concept]
                    uid, art = std.unit_id, std.article_no
                if step == "purchase":
                    mask = (out["class"] == "surplus").to_numpy()
                    rich = (self.households["class"] == "rich_peasant").to_numpy()
                    for c, m in (("purchase.rate", mask & ~rich), ("purchase.rate_rich_peasant", mask & rich)):
                        s = self.params.cites[c]
                        parts.append(self._part(m, step, column, c, s.unit_id, s.article_no))
                    break
                if step == "supply":
                    mask = (out["class"] == "deficit").to_numpy()
                    if concept.endswith("disaster"):
                        mask = mask & (self.households["area_type"] == "disaster").to_numpy()
                    elif concept.endswith("general") and concept != "ration.deficit_general":
                        mask = mask & (self.households["area_type"] != "disaster").to_numpy()
                parts.append(self._part(mask, step, column, concept, uid, art))
        return pd.concat(parts, ignore_index=True)

    def _part(self, mask: np.ndarray, step: str, column: str, concept: str, uid: str | None,
              art: int | None) -> pd.DataFrame:
        n = int(mask.sum())
        return pd.DataFrame({"household_id": self.output["household_id"].to_numpy()[mask], "step": [step] * n,
                             "value": self.output[column].to_numpy()[mask], "concept": [concept] * n,
                             "unit_id": [uid] * n, "article_no": pd.array([art] * n, dtype="Int64"),
                             "rule_doc": [self.rules.doc_id] * n})


def compute(db: Path, households: Source, plots: Source, rules: str | None = None,
            county_rules: Path | dict | None = None, reviewed_only: bool = False) -> CalcResult:
    """The calculation of docs/calculation.md: households and plots as files or DataFrames, county rules as a
    YAML file or the same mapping."""
    rule_set = load_rules(db, rules, HOUSEHOLD_CONCEPTS, reviewed_only)
    county = load_county_rules(county_rules, set(HOUSEHOLD_CONCEPTS) | {f"{PIGS}"})
    h = load_households(households)
    p = load_plots(plots, h)
    out, params = calculate(rule_set, county, h, p)
    return CalcResult(rule_set, params, h, p, out, _unlisted_counties(county, h))


def _unlisted_counties(county: CountyRules, households: pd.DataFrame) -> list[str]:
    """A note for households whose county the county rules do not list: they use the default rules, which a
    misspelt county name would make silent."""
    if not county.counties or "county" not in households:
        return []
    named = households["county"].dropna().astype(str)
    unlisted = sorted({c for c in named.unique() if c.strip() and county.for_county(c) is county.default})
    if not unlisted:
        return []
    n = int(named.isin(unlisted).sum())
    return [f"{n} household{'s' if n != 1 else ''} in counties the county rules do not list "
            f"({', '.join(unlisted[:10])}{' …' if len(unlisted) > 10 else ''}) use the `default:` rules; "
            "if a name is misspelt, correct it in the households or under `counties:`"]


OUTPUT_SUFFIXES = (".csv", ".parquet")


def check_output(path: Path) -> Path:
    """An output path the command can write: .csv or .parquet, not a folder. Checked before any work."""
    path = Path(path)
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise PipelineError("E415", str(path), {"path": path, "detail": "its name must end in .csv or .parquet"})
    if path.is_dir():
        raise PipelineError("E415", str(path), {"path": path, "detail": "is a folder; give a file name"})
    return path


CSV_DECIMALS = 4


def write_tables(outputs: list[tuple[pd.DataFrame, Path]]) -> None:
    """Write every output, or none: each goes to a temporary file first, and all are renamed into place
    once all are written, so a failure leaves every earlier file as it was."""
    import os

    staged: list[tuple[Path, Path]] = []
    try:
        for df, path in outputs:
            path = check_output(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            staged.append((tmp, path))
            if path.suffix.lower() == ".parquet":
                df.to_parquet(tmp, index=False)
            else:  # a reader's precision in CSV (110.9898 days, not 110.98979591836735); Parquet keeps every digit
                df.round(CSV_DECIMALS).to_csv(tmp, index=False)
        for tmp, path in staged:
            tmp.replace(path)
    except OSError as exc:
        raise PipelineError("E415", str(staged[-1][1] if staged else ""), {
            "path": staged[-1][1] if staged else "", "detail": exc.strerror or str(exc)}) from None
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def write_table(df: pd.DataFrame, path: Path) -> None:
    write_tables([(df, path)])


def run(db: Path, households: Source, plots: Source, out: Path, rules: str | None = None,
        county_rules: Path | dict | None = None, citations: Path | None = None,
        reviewed_only: bool = False) -> CalcResult:
    inputs = [Path(x).resolve() for x in (households, plots, county_rules) if isinstance(x, str | Path)]
    for path in (out, citations):
        if path is not None:
            check_output(path)
            if Path(path).resolve() in inputs:
                raise PipelineError("E415", str(path), {"path": path, "detail": "it is one of the inputs; writing it "
                                                                                "would overwrite them"})
    result = compute(db, households, plots, rules, county_rules, reviewed_only)
    outputs = [(result.output[OUTPUT_COLUMNS], out)]
    if citations is not None:
        outputs.append((result.citations(), citations))
    write_tables(outputs)
    return result


def explain(db: Path, households: Source, plots: Source, household: str, rules: str | None = None,
            county_rules: Path | dict | None = None) -> list[str]:
    """The computation of one household, step by step, each number with the article behind it and where its
    value comes from (the text, by the county's policy, or the county rule's own number); only the parameters
    that apply to the household are shown."""
    if not (load_households(households)["household_id"] == household).any():  # before any rule can fail
        raise PipelineError("E412", household, {"household": household, "path": name_of(households, "households")})
    result = compute(db, households, plots, rules, county_rules)
    i = result.output.index[result.output["household_id"] == household][0]
    o, h = result.output.loc[i], result.households.loc[i]
    prm = result.params.table.loc[h["county"] if isinstance(h.get("county"), str) and h["county"] else ""]
    cites = result.params.cites
    param_of = {c: p for p, c in SCALARS.items()}

    def std(concept: str, value: float, unit: str = "斤") -> str:
        s = cites[concept]
        rng = f"{s.value_min if s.value_min is not None else '?'}–{s.value_max if s.value_max is not None else '?'}"
        source = prm.get(f"source:{param_of.get(concept)}")
        how = (f"county rule {prm['county_rule']} sets it; the text: {rng} {s.unit}" if source == "county" else
               f"the text: {rng} {s.unit}, {s.relation}" + (f"; {source} of the range by county rule "
                                                          f"{prm['county_rule']}" if s.relation == "range" else ""))
        return f"{concept} = {value:g} {unit} ({how}) — {s.cite} 「{s.quote}」"

    lines = [f"household {household} ({h['unit_kind']}, {h['class']}, {h['area_type']} area, "
             f"{h['persons']} persons), county rule: {prm['county_rule']}",
             f"rule set: {result.rules.title} ({result.rules.doc_id}, {result.rules.date})", ""]
    own = result.plots[result.plots["household_id"] == household]
    lines.append(f"1. normal yield = {o['normal_yield_jin']:g} 斤 paddy from {len(own)} plot(s)")
    table = result.rules.rates[0]["unit_id"] if result.rules.rates else "—"
    for _, pl in own.iterrows():
        lines.append(f"   {pl['crop']}: {pl['area_mu']:g} 畝 × {pl['yield_jin_per_mu']:g} 斤/畝"
                     f"{' (exempt: ' + pl['exemption'] + ')' if isinstance(pl.get('exemption'), str) else ''}"
                     f" — conversion table {table}")
    lines.append("   " + std("yield.reclaimed_land_exempt_years", prm["reclaimed_years"], "年"))
    lines.append("   " + std("yield.taro_vegetable_exempt_area", prm["taro_area_per_person"], "畝/person"))
    lines.append(f"2. seed = {h['paddy_sown_mu']:g} 畝 × {prm['seed_per_mu']:g} + {h['coarse_seed_jin']:g} "
                 f"= {o['seed_jin']:g} 斤")
    lines.append("   " + std("seed.paddy", prm["seed_per_mu"], "斤/畝"))
    lines.append(f"3. ration = {h['persons']} × {prm['ration']:g} = {o['ration_jin']:g} 斤")
    lines.append("   " + std("ration.retained", prm["ration"]))
    lines.append(f"4. feed = {o['feed_jin']:g} 斤 ({h['oxen']} oxen, {h['sows'] + h['breeding_boars']} sows/boars, "
                 f"{h['pigs']} pigs)")
    for c, key in (("feed.ox", "feed_ox"), ("feed.sow_breeding_boar", "feed_sow_boar"),
                   ("feed.extra_pig", "feed_extra_pig")):
        lines.append("   " + std(c, prm[key]))
    lines.append(f"   {PIGS} by household size: " + ", ".join(
        f"{lo:g}–{hi:g} persons → {prm[f'pig_{k}']:g}" for k, (lo, hi) in enumerate(result.params.bands))
        + f" — {cites[PIGS].cite}")
    lines.append(f"5. balance = {o['normal_yield_jin']:g} − ({o['seed_jin']:g} + {o['ration_jin']:g} + "
                 f"{o['feed_jin']:g}) − {h['public_grain_jin']:g} public grain = {o['balance_jin']:g} 斤")
    lines.append(f"6. class: {o['class']} (article 2)")
    rate_concept = "purchase.rate_rich_peasant" if h["class"] == "rich_peasant" else "purchase.rate"
    rate = prm["purchase_rate_rich" if h["class"] == "rich_peasant" else "purchase_rate"]
    lines.append(f"7. purchase = {o['purchase_jin']:g} 斤" + (
        f" = {o['balance_jin']:g} × {rate:g} %" if o["class"] == "surplus" else " (not a surplus household)"))
    lines.append("   " + std(rate_concept, rate, "%"))
    lines += _supply_lines(o, h, prm, std)
    lines.append(f"9. corvée supplement = {h['corvee_days']:g} days × {prm['corvee_per_day']:g} 斤 "
                 f"= {o['corvee_supplement_jin']:g} 斤")
    lines.append("   " + std("supply.corvee_rice_supplement", prm["corvee_per_day"], "斤/day"))
    return lines


def _supply_lines(o: pd.Series, h: pd.Series, prm: pd.Series, std: Callable[..., str]) -> list[str]:
    """Step 8 of `explain` with its arithmetic, as engine.calculate does it, and only the parameters it used."""
    if o["class"] != "deficit":
        return ["8. supply = 0 斤 (not a deficit household)"]
    disaster, persons = h["area_type"] == "disaster", h["persons"]
    non_grain = h["class"] == "non_grain"
    lines = []
    if non_grain:
        r = prm["non_grain_ration"]
        need = persons * r
        lines.append(f"8. need = {persons} persons × {r:g} 斤 (ration.non_grain, county rule {prm['county_rule']}) "
                     f"= {need:g} 斤")
    else:
        r = prm["ration_deficit"] * (1 - prm["deficit_disaster_cut"] / 100 if disaster else 1.0)
        cut = prm["idle_landlord_cut"] if h["class"] == "idle_landlord" and not pd.isna(prm["idle_landlord_cut"]) \
            else 0.0
        r *= 1 - cut / 100
        pig_feed = o["feed_jin"] - h["oxen"] * prm["feed_ox"]
        pig_cut = prm["pig_cut_disaster" if disaster else "pig_cut_general"]
        need = (o["seed_jin"] + persons * r + h["oxen"] * prm["feed_ox"] + pig_feed * (1 - pig_cut / 100)
                + h["ducks"] * prm["feed_duck"])
        lines.append(f"8. need = {o['seed_jin']:g} seed + {persons} × {r:g} ration + {h['oxen']} × {prm['feed_ox']:g} "
                     f"oxen + {pig_feed:g} × (1 − {pig_cut:g} %) pigs + {h['ducks']} × {prm['feed_duck']:g} ducks "
                     f"= {need:g} 斤")
        lines.append("   " + std("ration.deficit_general", prm["ration_deficit"]))
        if disaster:
            lines.append("   " + std("ration.deficit_disaster", prm["deficit_disaster_cut"], "%"))
        if cut:
            lines.append(f"   ration.idle_landlord_cut_pct = {cut:g} % (county rule {prm['county_rule']})")
        if pig_feed:
            concept = "feed.pig_deficit_disaster" if disaster else "feed.pig_deficit_general"
            lines.append("   " + std(concept, pig_cut, "%"))
        if h["ducks"]:
            lines.append("   " + std("feed.duck", prm["feed_duck"]))
    available = o["normal_yield_jin"] + h["actual_increase_jin"] - h["public_grain_jin"]
    shortfall = need - available
    lines.append(f"   available = {o['normal_yield_jin']:g} yield + {h['actual_increase_jin']:g} increase − "
                 f"{h['public_grain_jin']:g} public grain = {available:g} 斤; short by {shortfall:g} 斤")
    if shortfall > 0 and persons * r > 0:
        lines.append(f"   days short = {shortfall:g} / ({persons} × {r:g} / {DAYS_PER_YEAR}) = {o['days_short']:.1f}"
                     + ("" if non_grain else f"; supplied from {prm['days_threshold']:g} days"))
        if not non_grain:
            lines.append("   " + std("supply.deficit_days_threshold", prm["days_threshold"], "天"))
    lines.append(f"   supply = {o['supply_jin']:g} 斤, status {o['supply_status']}, {o['supply_months']} month(s) "
                 f"(days short / {DAYS_PER_MONTH}, rounded up)")
    return lines


__all__ = ["compute", "run", "explain", "CalcResult", "SCALARS"]
