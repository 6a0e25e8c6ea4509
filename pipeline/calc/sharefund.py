"""Share-fund settlement for people joining a cooperative (docs/calculation.md, last section).

The category → article → outcome reading lives in schemas/share_fund_rules.yaml;
the article's unit is looked up in the rule-set document, so each row cites it.
Vectorised over all joiners.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.calc.inputs import Source, load_joiners, name_of
from pipeline.calc.rules import SHARE_FUND_CONCEPTS, load_rules
from pipeline.errors import PipelineError

OUTPUT = ["joiner_id", "category", "contribution", "offset_by_remuneration", "surplus_to_public_fund",
          "shortfall_from_salary", "status", "article_no", "unit_id", "rule_doc"]


def settle(db: Path, joiners: Source, rules: str | None = None) -> pd.DataFrame:
    """Each joiner's settlement; joiners as a CSV or Parquet file or a DataFrame."""
    rule_set = load_rules(db, rules, SHARE_FUND_CONCEPTS)
    cats = vocab.load("share_fund_rules")["categories"]
    j = load_joiners(joiners)
    unknown = sorted(set(j["category"]) - set(cats))
    if unknown:
        where = name_of(joiners, "joiners")
        raise PipelineError("E411", where, {"path": where, "detail": f"unknown categories {unknown}; "
                                                                              f"known: {', '.join(cats)}"})
    outcome = j["category"].map(lambda c: cats[c]["outcome"]).to_numpy()
    article = j["category"].map(lambda c: cats[c]["article"]).to_numpy()
    unit = j["category"].map(lambda c: rule_set.units.get((cats[c]["article"], cats[c].get("paragraph")))
                             or rule_set.units.get((cats[c]["article"], None))).to_numpy()
    due = j["share_fund_due"].to_numpy()
    pay = j["first_year_remuneration"].to_numpy()
    hardship = j["hardship"].to_numpy()
    by_hardship = outcome == "by_hardship"
    offset_rule = outcome == "offset_by_remuneration"
    status = np.select(
        [by_hardship & (hardship == "special"), by_hardship & (hardship == "difficulty"), by_hardship,
         offset_rule, outcome == "remuneration_to_public_fund", outcome == "voluntary", outcome == "exempt"],
        ["exempt", "deferrable_or_reducible", "required", "required", "not_required", "voluntary", "exempt"],
        default="not_required")
    contribution = np.where(np.isin(status, ["required", "deferrable_or_reducible"]), due, 0.0)
    offset = np.where(offset_rule, np.minimum(pay, due), 0.0)
    surplus = np.where(offset_rule, np.maximum(pay - due, 0.0),
                       np.where(outcome == "remuneration_to_public_fund", pay, 0.0))
    shortfall = np.where(offset_rule, np.maximum(due - pay, 0.0), 0.0)
    return pd.DataFrame({
        "joiner_id": j["joiner_id"], "category": j["category"], "contribution": contribution,
        "offset_by_remuneration": offset, "surplus_to_public_fund": surplus, "shortfall_from_salary": shortfall,
        "status": status, "article_no": article, "unit_id": unit, "rule_doc": rule_set.doc_id,
    })[OUTPUT]
