"""Calculate: the built database + households/plots → quotas, with the articles behind each number.

Entry points: `run(...)` (the `calc` command), `explain(...)`, `settle_share_fund(...)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.calc.county import CountyRules, load_county_rules
from pipeline.calc.engine import OUTPUT_COLUMNS, PIGS, SCALARS, Parameters, calculate
from pipeline.calc.inputs import Source, give_back_memory, load_households, load_plots_and_rows, name_of
from pipeline.calc.rules import HOUSEHOLD_CONCEPTS, RuleSet, load_rules
from pipeline.calc.steps import STEPS, Row, State
from pipeline.errors import PipelineError


@dataclass
class CalcResult:
    rules: RuleSet
    params: Parameters
    households: pd.DataFrame
    plots: pd.DataFrame
    output: pd.DataFrame
    notes: list[str] = field(default_factory=list)  # what a user should know (counties the rules do not list)
    trace: State | None = None  # every value the steps made (kept for `explain`)

    def citations(self) -> pd.DataFrame:
        """One row per household, step and standard used: the long table of citations."""
        out = self.output
        parts = []
        for one in STEPS:
            step, column = one.name, one.column
            if column is None:
                continue
            for concept in one.concepts:
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
            county_rules: Path | dict | None = None, reviewed_only: bool = False, trace: bool = False) -> CalcResult:
    """The calculation of docs/calculation.md: households and plots as files or DataFrames, county rules as a
    YAML file or the same mapping. With `trace`, the result keeps every value the steps made (for `explain`)."""
    rule_set = load_rules(db, rules, HOUSEHOLD_CONCEPTS, reviewed_only)
    county = load_county_rules(county_rules, set(HOUSEHOLD_CONCEPTS) | {f"{PIGS}"})
    h = load_households(households)
    p, rows = load_plots_and_rows(plots, h)
    if trace:
        out, params, state = calculate(rule_set, county, h, p, trace=True, household_row=rows)
        return CalcResult(rule_set, params, h, p, out, _unlisted_counties(county, h), state)
    out, params = calculate(rule_set, county, h, p, household_row=rows)
    give_back_memory()  # what the steps freed, before the output is written
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
                _write_parquet(df, tmp)
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


PARQUET_ROWS = 250_000  # rows turned into Arrow and written at a time


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    """`df.to_parquet(path, index=False)`, a slice of PARQUET_ROWS at a time: the whole frame as one Arrow
    table held another copy of it at the command's peak (a million households: 44 MB)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if len(df) <= PARQUET_ROWS:
        df.to_parquet(path, index=False)
        return
    first = pa.Table.from_pandas(df.iloc[:PARQUET_ROWS], preserve_index=False)
    with pq.ParquetWriter(path, first.schema) as writer:
        writer.write_table(first)
        del first
        for start in range(PARQUET_ROWS, len(df), PARQUET_ROWS):
            writer.write_table(pa.Table.from_pandas(df.iloc[start:start + PARQUET_ROWS], preserve_index=False))


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
    that apply to the household are shown. Each line renders the trace of the calculation's own steps
    (pipeline/calc/steps.py): what is shown is what was computed."""
    if not (load_households(households)["household_id"] == household).any():  # before any rule can fail
        raise PipelineError("E412", household, {"household": household, "path": name_of(households, "households")})
    result = compute(db, households, plots, rules, county_rules, trace=True)
    i = int(result.output.index[result.output["household_id"] == household][0])
    h = result.households.loc[i]
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

    table = result.rules.rates[0]["unit_id"] if result.rules.rates else "—"
    row = Row(result.trace, i, prm, std, table, cites[PIGS].cite)
    lines = [f"household {household} ({h['unit_kind']}, {h['class']}, {h['area_type']} area, "
             f"{h['persons']} persons), county rule: {prm['county_rule']}",
             f"rule set: {result.rules.title} ({result.rules.doc_id}, {result.rules.date})", ""]
    for step in STEPS:
        lines += step.explain(row)
    return lines


__all__ = ["compute", "run", "explain", "CalcResult", "SCALARS"]
