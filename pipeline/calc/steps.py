"""The steps of the household calculation (docs/calculation.md), each with its concepts and articles, and how it
is explained for one household: the OpenFisca way, one function per step and a trace of every value it made.

    1 normal yield → 2 seed → 3 ration → 4 feed → 5 balance → 6 class → 7 purchase → 8 supply → 9 corvée

A step reads the households, their plots, the county's parameters and the values of the steps before it, all
arrays over every household at once, and adds its own values to the trace (`State.values`). `explain` renders
one household's row of that same trace: what the calculation computed is what it shows, never a retelling.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365  # docs/calculation.md: a year has 365 days for the deficit-days test
DAYS_PER_MONTH = 30  # docs/calculation.md: supply months = ceil(days short / 30)

# the household classes and supply statuses, computed as codes into these lists
CLASSES = ["deficit", "surplus", "self_sufficient"]
DEFICIT, SURPLUS, SELF_SUFFICIENT = range(3)
STATUSES = ["supplied", "self_solve", "none"]
SUPPLIED, SELF_SOLVE, NONE = range(3)
PIGS = "feed.fattening_pig"


@dataclass
class State:
    """What the steps read and what they made: households, plots, each household's parameters (`p`, a column per
    parameter), the pig-feed bands, and the trace of every value a step computed (name → array)."""

    h: pd.DataFrame
    plots: pd.DataFrame
    p: object  # engine.PerHousehold: p["ration"] is each household's chosen ration standard
    bands: list[tuple[float, float]]
    normal_yield: Callable[[], np.ndarray]
    values: dict[str, np.ndarray] = field(default_factory=dict)

    def col(self, name: str) -> np.ndarray:
        return self.h[name].to_numpy()

    def prm(self, name: str) -> np.ndarray:
        return self.p[name].to_numpy()


@dataclass(frozen=True)
class Step:
    """One step: its number and name, the output column it fills, the concepts (standards) it uses and the
    articles it implements; `compute` adds its values to the state's trace, `explain` renders them for a row."""

    number: int
    name: str
    column: str | None
    concepts: tuple[str, ...]
    articles: str
    compute: Callable[[State], None]
    explain: Callable[[Row], list[str]]


class Row:
    """One household's row of the trace, for `explain`: its inputs (`h`) and plots, its parameters (`prm`), the
    values the steps made (`v`), and `std(concept, value, unit)`, the line that cites a standard; `table` names
    the conversion table, `bands` and `pigs_cite` the pig-feed standard by household size."""

    def __init__(self, state: State, i: int, prm: pd.Series, std: Callable[..., str], table: str,
                 pigs_cite: str) -> None:
        self.h = state.h.iloc[i]
        self.plots = state.plots[state.plots["household_id"] == self.h["household_id"]]
        self.prm, self.std, self.table, self.bands, self.pigs_cite = prm, std, table, state.bands, pigs_cite
        self._values, self._i = state.values, i

    def v(self, name: str):
        return self._values[name][self._i]


# -- the steps -----------------------------------------------------------------------------------------------

def _normal_yield(s: State) -> None:
    s.values["normal_yield_jin"] = s.normal_yield()


def _explain_normal_yield(r: Row) -> list[str]:
    lines = [f"1. normal yield = {r.v('normal_yield_jin'):g} 斤 paddy from {len(r.plots)} plot(s)"]
    for _, pl in r.plots.iterrows():
        lines.append(f"   {pl['crop']}: {pl['area_mu']:g} 畝 × {pl['yield_jin_per_mu']:g} 斤/畝"
                     f"{' (exempt: ' + pl['exemption'] + ')' if isinstance(pl.get('exemption'), str) else ''}"
                     f" — conversion table {r.table}")
    lines.append("   " + r.std("yield.reclaimed_land_exempt_years", r.prm["reclaimed_years"], "年"))
    lines.append("   " + r.std("yield.taro_vegetable_exempt_area", r.prm["taro_area_per_person"], "畝/person"))
    return lines


def _seed(s: State) -> None:
    s.values["seed_jin"] = s.col("paddy_sown_mu") * s.prm("seed_per_mu") + s.col("coarse_seed_jin")


def _explain_seed(r: Row) -> list[str]:
    return [f"2. seed = {r.h['paddy_sown_mu']:g} 畝 × {r.prm['seed_per_mu']:g} + {r.h['coarse_seed_jin']:g} "
            f"= {r.v('seed_jin'):g} 斤", "   " + r.std("seed.paddy", r.prm["seed_per_mu"], "斤/畝")]


def _ration(s: State) -> None:
    s.values["persons"] = s.h["persons"].to_numpy(dtype="float64")
    s.values["ration_jin"] = s.values["persons"] * s.prm("ration")


def _explain_ration(r: Row) -> list[str]:
    return [f"3. ration = {r.h['persons']} × {r.prm['ration']:g} = {r.v('ration_jin'):g} 斤",
            "   " + r.std("ration.retained", r.prm["ration"])]


def _feed(s: State) -> None:
    persons, pigs = s.values["persons"], s.h["pigs"].to_numpy(dtype="float64")
    first_pig = np.select([(persons >= lo) & (persons <= hi) for lo, hi in s.bands],
                          [s.prm(f"pig_{k}") for k in range(len(s.bands))], default=np.nan)
    s.values["pig_feed"] = (s.col("sows") + s.col("breeding_boars")) * s.prm("feed_sow_boar") + np.where(
        pigs >= 1, first_pig + (pigs - 1) * s.prm("feed_extra_pig"), 0.0)
    s.values["feed_jin"] = s.col("oxen") * s.prm("feed_ox") + s.values["pig_feed"]


def _explain_feed(r: Row) -> list[str]:
    h, prm = r.h, r.prm
    lines = [f"4. feed = {r.v('feed_jin'):g} 斤 ({h['oxen']} oxen, {h['sows'] + h['breeding_boars']} sows/boars, "
             f"{h['pigs']} pigs)"]
    for c, key in (("feed.ox", "feed_ox"), ("feed.sow_breeding_boar", "feed_sow_boar"),
                   ("feed.extra_pig", "feed_extra_pig")):
        lines.append("   " + r.std(c, prm[key]))
    lines.append(f"   {PIGS} by household size: " + ", ".join(
        f"{lo:g}–{hi:g} persons → {prm[f'pig_{k}']:g}" for k, (lo, hi) in enumerate(r.bands)) + f" — {r.pigs_cite}")
    return lines


def _balance(s: State) -> None:
    v = s.values
    v["balance_jin"] = v["normal_yield_jin"] - (v["seed_jin"] + v["ration_jin"] + v["feed_jin"]) - s.col(
        "public_grain_jin")


def _explain_balance(r: Row) -> list[str]:
    return [f"5. balance = {r.v('normal_yield_jin'):g} − ({r.v('seed_jin'):g} + {r.v('ration_jin'):g} + "
            f"{r.v('feed_jin'):g}) − {r.h['public_grain_jin']:g} public grain = {r.v('balance_jin'):g} 斤"]


def _class(s: State) -> None:
    balance = s.values["balance_jin"]
    s.values["non_grain"] = non_grain = (s.h["class"] == "non_grain").to_numpy()
    s.values["class"] = np.where(non_grain | (balance < 0), DEFICIT,
                                 np.where(balance > 0, SURPLUS, SELF_SUFFICIENT)).astype(np.int8)


def _explain_class(r: Row) -> list[str]:
    return [f"6. class: {CLASSES[r.v('class')]} (article 2)"]


def _purchase(s: State) -> None:
    rich = (s.h["class"] == "rich_peasant").to_numpy()
    s.values["purchase_rate"] = rate = np.where(rich, s.prm("purchase_rate_rich"), s.prm("purchase_rate"))
    s.values["purchase_jin"] = np.where(s.values["class"] == SURPLUS, s.values["balance_jin"] * rate / 100.0, 0.0)


def _explain_purchase(r: Row) -> list[str]:
    concept = "purchase.rate_rich_peasant" if r.h["class"] == "rich_peasant" else "purchase.rate"
    rate = r.v("purchase_rate")
    surplus = r.v("class") == SURPLUS
    return [f"7. purchase = {r.v('purchase_jin'):g} 斤" + (f" = {r.v('balance_jin'):g} × {rate:g} %" if surplus
                                                          else " (not a surplus household)"),
            "   " + r.std(concept, rate, "%")]


def _supply(s: State) -> None:
    v = s.values
    persons, non_grain = v["persons"], v["non_grain"]
    disaster = (s.h["area_type"] == "disaster").to_numpy()
    r = s.prm("ration_deficit") * np.where(disaster, 1 - s.prm("deficit_disaster_cut") / 100, 1.0)
    idle = (s.h["class"] == "idle_landlord").to_numpy()
    v["idle_cut"] = np.where(idle, np.nan_to_num(s.prm("idle_landlord_cut")), 0.0)
    r = r * (1 - v["idle_cut"] / 100)
    v["pig_cut"] = pig_cut = np.where(disaster, s.prm("pig_cut_disaster"), s.prm("pig_cut_general"))
    need = (v["seed_jin"] + persons * r + s.col("oxen") * s.prm("feed_ox")
            + v["pig_feed"] * (1 - pig_cut / 100) + s.col("ducks") * s.prm("feed_duck"))
    non_grain_r = s.prm("non_grain_ration")
    v["need"] = np.where(non_grain, persons * non_grain_r, need)
    v["deficit_ration"] = r = np.where(non_grain, non_grain_r, r)
    v["available"] = v["normal_yield_jin"] + s.col("actual_increase_jin") - s.col("public_grain_jin")
    v["shortfall"] = shortfall = v["need"] - v["available"]
    with np.errstate(divide="ignore", invalid="ignore"):
        days = np.where(persons * r > 0, shortfall / (persons * r / DAYS_PER_YEAR), np.nan)
    short = (v["class"] == DEFICIT) & (shortfall > 0)
    supplied = short & (non_grain | (days >= s.prm("days_threshold")))
    v["supply_status"] = np.where(supplied, SUPPLIED, np.where(short, SELF_SOLVE, NONE)).astype(np.int8)
    v["supply_jin"] = np.where(supplied, shortfall, 0.0)
    v["supply_months"] = np.where(supplied, np.ceil(np.nan_to_num(days, nan=0.0) / DAYS_PER_MONTH), 0).astype(
        "int64")
    v["days_short"] = np.where(short, days, 0.0)


def _explain_supply(r: Row) -> list[str]:
    """Step 8 with its arithmetic from the trace, and only the parameters it used."""
    h, prm = r.h, r.prm
    if r.v("class") != DEFICIT:
        return ["8. supply = 0 斤 (not a deficit household)"]
    persons, ration, need = h["persons"], r.v("deficit_ration"), r.v("need")
    disaster, non_grain = h["area_type"] == "disaster", bool(r.v("non_grain"))
    if non_grain:
        lines = [f"8. need = {persons} persons × {ration:g} 斤 (ration.non_grain, county rule {prm['county_rule']}) "
                 f"= {need:g} 斤"]
    else:
        pig_feed, pig_cut = r.v("pig_feed"), r.v("pig_cut")
        lines = [f"8. need = {r.v('seed_jin'):g} seed + {persons} × {ration:g} ration + {h['oxen']} × "
                 f"{prm['feed_ox']:g} oxen + {pig_feed:g} × (1 − {pig_cut:g} %) pigs + {h['ducks']} × "
                 f"{prm['feed_duck']:g} ducks = {need:g} 斤",
                 "   " + r.std("ration.deficit_general", prm["ration_deficit"])]
        if disaster:
            lines.append("   " + r.std("ration.deficit_disaster", prm["deficit_disaster_cut"], "%"))
        if r.v("idle_cut"):
            lines.append(f"   ration.idle_landlord_cut_pct = {r.v('idle_cut'):g} % (county rule {prm['county_rule']})")
        if pig_feed:
            concept = "feed.pig_deficit_disaster" if disaster else "feed.pig_deficit_general"
            lines.append("   " + r.std(concept, pig_cut, "%"))
        if h["ducks"]:
            lines.append("   " + r.std("feed.duck", prm["feed_duck"]))
    shortfall = r.v("shortfall")
    lines.append(f"   available = {r.v('normal_yield_jin'):g} yield + {h['actual_increase_jin']:g} increase − "
                 f"{h['public_grain_jin']:g} public grain = {r.v('available'):g} 斤; short by {shortfall:g} 斤")
    if shortfall > 0 and persons * ration > 0:
        threshold = "" if non_grain else f"; supplied from {prm['days_threshold']:g} days"
        lines.append(f"   days short = {shortfall:g} / ({persons} × {ration:g} / {DAYS_PER_YEAR}) = "
                     f"{r.v('days_short'):.1f}{threshold}")
        if not non_grain:
            lines.append("   " + r.std("supply.deficit_days_threshold", prm["days_threshold"], "天"))
    lines.append(f"   supply = {r.v('supply_jin'):g} 斤, status {STATUSES[r.v('supply_status')]}, "
                 f"{r.v('supply_months')} month(s) (days short / {DAYS_PER_MONTH}, rounded up)")
    return lines


def _corvee(s: State) -> None:
    s.values["corvee_supplement_jin"] = s.col("corvee_days") * s.prm("corvee_per_day")


def _explain_corvee(r: Row) -> list[str]:
    return [f"9. corvée supplement = {r.h['corvee_days']:g} days × {r.prm['corvee_per_day']:g} 斤 "
            f"= {r.v('corvee_supplement_jin'):g} 斤",
            "   " + r.std("supply.corvee_rice_supplement", r.prm["corvee_per_day"], "斤/day")]


STEPS = (
    Step(1, "normal_yield", "normal_yield_jin", ("conversion_table", "yield.reclaimed_land_exempt_years",
                                                 "yield.taro_vegetable_exempt_area"), "articles 7 and 8",
         _normal_yield, _explain_normal_yield),
    Step(2, "seed", "seed_jin", ("seed.paddy",), "article 9(一)", _seed, _explain_seed),
    Step(3, "ration", "ration_jin", ("ration.retained",), "article 9(二)", _ration, _explain_ration),
    Step(4, "feed", "feed_jin", ("feed.ox", "feed.sow_breeding_boar", PIGS, "feed.extra_pig"), "article 9(三)",
         _feed, _explain_feed),
    Step(5, "balance", "balance_jin", (), "article 2", _balance, _explain_balance),
    Step(6, "class", None, (), "article 2", _class, _explain_class),
    Step(7, "purchase", "purchase_jin", ("purchase.rate", "purchase.rate_rich_peasant"), "article 12",
         _purchase, _explain_purchase),
    Step(8, "supply", "supply_jin", ("ration.deficit_general", "ration.deficit_disaster", "feed.pig_deficit_general",
                                     "feed.pig_deficit_disaster", "feed.duck", "supply.deficit_days_threshold"),
         "articles 16, 17 and 19", _supply, _explain_supply),
    Step(9, "corvee", "corvee_supplement_jin", ("supply.corvee_rice_supplement",), "article 18", _corvee,
         _explain_corvee),
)

def run_steps(state: State) -> State:
    """Every step in order over every household: the state's trace holds all they made."""
    for step in STEPS:
        step.compute(state)
    return state
