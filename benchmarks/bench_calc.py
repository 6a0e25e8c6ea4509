"""Benchmark the household calculation: N synthetic households with about 3 plots each.

Prints the vectorised engine's time in this process; the whole `python -m pipeline calc` from Parquet
inputs in a fresh process (reading, checking, calculating, writing), with that process's peak memory;
and a plain pandas row-by-row reference on a sample, as a ratio. Not a test: run it by hand.

    python benchmarks/bench_calc.py                 # 1,000,000 households
    python benchmarks/bench_calc.py --households 200000 --sample 5000
"""
from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import build  # noqa: E402
from pipeline.calc.county import load_county_rules  # noqa: E402
from pipeline.calc.engine import calculate, crop_rates, parameters  # noqa: E402
from pipeline.calc.rules import HOUSEHOLD_CONCEPTS, load_rules  # noqa: E402

CROPS = np.array(["稻穀", "紅薯", "大豆", "玉米", "芋頭", "小麥", "高粱"])
EXEMPTIONS = np.array(["", "", "", "", "", "technical_crop", "reclaimed_2", "reclaimed_5", "ridge_or_yard",
                       "taro_vegetable"], dtype=object)


# `python -m pipeline ARGS` that prints its own peak resident memory (Linux: VmHWM of its own address space)
# last on stderr. The children's ru_maxrss would count this process's memory too: a child made by fork or
# vfork carries the parent's high-water mark through exec (1.37 GB where the command itself peaks near 1.0).
PEAK_OF_COMMAND = """
import runpy, sys
sys.argv = ["pipeline", *sys.argv[1:]]
try:
    runpy.run_module("pipeline", run_name="__main__", alter_sys=True)
finally:
    try:
        hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
    except OSError:
        hwm = "-1"
    print("PEAK_KB", hwm, file=sys.stderr)
"""


def synthetic(n: int, plots_per_household: float = 3.0, seed: int = 1955) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = np.char.add("H", np.arange(n).astype(str))
    households = pd.DataFrame({
        "household_id": ids, "county": rng.choice(["南昌縣", "新建縣", ""], n),
        "unit_kind": rng.choice(["household", "household", "household", "cooperative"], n),
        "area_type": rng.choice(["general", "general", "disaster"], n),
        "class": rng.choice(["ordinary"] * 7 + ["rich_peasant", "idle_landlord", "non_grain"], n),
        "persons": rng.integers(1, 10, n), "paddy_sown_mu": rng.uniform(0, 20, n),
        "coarse_seed_jin": rng.uniform(0, 50, n), "oxen": rng.integers(0, 3, n), "sows": rng.integers(0, 2, n),
        "breeding_boars": rng.integers(0, 2, n), "pigs": rng.integers(0, 4, n), "ducks": rng.integers(0, 20, n),
        "public_grain_jin": rng.uniform(0, 2000, n), "actual_increase_jin": rng.uniform(0, 300, n),
        "corvee_days": rng.integers(0, 30, n).astype(float),
    })
    m = int(n * plots_per_household)
    plots = pd.DataFrame({
        "household_id": ids[rng.integers(0, n, m)], "crop": rng.choice(CROPS, m),
        "area_mu": rng.uniform(0.1, 8, m), "yield_jin_per_mu": rng.uniform(100, 800, m),
        "exemption": rng.choice(EXEMPTIONS, m),
    })
    return households, plots


def reference(rules, county, households: pd.DataFrame, plots: pd.DataFrame) -> pd.DataFrame:
    """The same steps, one household at a time with iterrows: the plain approach the engine replaces."""
    params = parameters(rules, county, list(households["county"].astype("string").fillna("").unique()))
    rates = crop_rates(rules, plots["crop"])
    by_household = {k: g for k, g in plots.groupby("household_id")}
    rows = []
    for _, h in households.iterrows():
        p = params.table.loc[h["county"] or ""]
        own = by_household.get(h["household_id"], plots.iloc[0:0])
        taro_area = own.loc[own["exemption"] == "taro_vegetable", "area_mu"].sum()
        ny = 0.0
        for _, pl in own.iterrows():
            e = pl["exemption"] or ""
            if e in ("technical_crop", "ridge_or_yard"):
                continue
            if e.startswith("reclaimed_") and int(e.split("_")[1]) <= p["reclaimed_years"]:
                continue
            if e == "taro_vegetable" and taro_area <= p["taro_area_per_person"] * h["persons"]:
                continue
            ny += pl["area_mu"] * pl["yield_jin_per_mu"] * rates[pl["crop"]] / 100
        band = next(k for k, (lo, hi) in enumerate(params.bands) if lo <= h["persons"] <= hi)
        pig_feed = (h["sows"] + h["breeding_boars"]) * p["feed_sow_boar"] + (
            p[f"pig_{band}"] + (h["pigs"] - 1) * p["feed_extra_pig"] if h["pigs"] >= 1 else 0)
        seed = h["paddy_sown_mu"] * p["seed_per_mu"] + h["coarse_seed_jin"]
        balance = ny - (seed + h["persons"] * p["ration"] + h["oxen"] * p["feed_ox"] + pig_feed) - h["public_grain_jin"]
        rows.append((h["household_id"], balance))
    return pd.DataFrame(rows, columns=["household_id", "balance_jin"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=10_000, help="households for the row-by-row reference")
    ap.add_argument("--db", type=Path, default=None, help="a built database (default: build the bundled corpus)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = a.db or Path(tmp) / "corpus.duckdb"
        if a.db is None:
            build(ROOT / "corpus", db)
        county_file = Path(tmp) / "county.yaml"
        county_file.write_text("default: {policy: mid, values: {seed.paddy: 9, ration.non_grain: 470, "
                               "ration.idle_landlord_cut_pct: 10}}\n", encoding="utf-8")
        rules = load_rules(db)
        county = load_county_rules(county_file, set(HOUSEHOLD_CONCEPTS))
        households, plots = synthetic(a.households)
        print(f"{len(households):,} households, {len(plots):,} plots")
        t0 = time.perf_counter()
        out, _ = calculate(rules, county, households, plots)
        engine_s = time.perf_counter() - t0
        print(f"engine (in this process): {engine_s:.2f} s, {len(out) / engine_s:,.0f} households per second "
              f"(goal ≤ 3 s)")
        files = {name: Path(tmp) / f"{name}.parquet" for name in ("households", "plots", "quotas")}
        households.to_parquet(files["households"])
        plots.to_parquet(files["plots"])
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", PEAK_OF_COMMAND, "calc", "--db", str(db), "--households",
                              str(files["households"]), "--plots", str(files["plots"]), "--county-rules",
                              str(county_file), "--out", str(files["quotas"])], cwd=ROOT, check=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        cli_s = time.perf_counter() - t0
        said = [line.split()[1] for line in run.stderr.splitlines() if line.startswith("PEAK_KB ")]
        # the command's own peak (VmHWM); elsewhere than Linux, the children's, which counts this process's
        # memory at the fork, a gigabyte here
        peak = int(said[0]) / 1024 if said and said[0] != "-1" else \
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"python -m pipeline calc, Parquet in and out, fresh process: {cli_s:.2f} s, "
              f"peak memory (max RSS) {peak:,.0f} MiB (goal ≤ 1,024 MiB)")
        sample = households.iloc[: a.sample]
        sample_plots = plots[plots["household_id"].isin(sample["household_id"])]
        t0 = time.perf_counter()
        ref = reference(rules, county, sample, sample_plots)
        ref_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        same, _ = calculate(rules, county, sample, sample_plots)
        eng_sample_s = time.perf_counter() - t0
        agree = np.allclose(ref["balance_jin"].to_numpy(), same["balance_jin"].to_numpy())
        ref_rate, eng_rate = len(sample) / ref_s, len(sample) / eng_sample_s
        print(f"row-by-row reference on {len(sample):,}: {ref_rate:,.0f} households per second "
              f"({'same balances' if agree else 'BALANCES DIFFER'}); engine on the same sample "
              f"{eng_rate:,.0f} households per second; engine/reference on 1M-scale throughput: "
              f"{(len(out) / engine_s) / ref_rate:,.0f}x")
        if not math.isfinite(engine_s) or not agree:
            sys.exit(1)


if __name__ == "__main__":
    main()
