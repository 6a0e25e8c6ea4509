"""The rule set: the standards and conversion rates of one document, read from the database.

Nothing here knows a number: every value is looked up by concept (and
condition) in the `standards` table of the chosen document, and every crop
rate in its `conversion_rates`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline import vocab
from pipeline.errors import PipelineError
from pipeline.query import connect

# The concepts the household calculation of docs/calculation.md uses (step by step in engine.py).
HOUSEHOLD_CONCEPTS = (
    "seed.paddy", "ration.retained", "feed.ox", "feed.sow_breeding_boar", "feed.fattening_pig", "feed.extra_pig",
    "purchase.rate", "purchase.rate_rich_peasant", "ration.deficit_general", "ration.deficit_disaster",
    "feed.pig_deficit_general", "feed.pig_deficit_disaster", "feed.duck", "supply.deficit_days_threshold",
    "supply.corvee_rice_supplement", "yield.reclaimed_land_exempt_years", "yield.taro_vegetable_exempt_area",
)
# Values that only a county rule set gives (the text leaves them to the counties).
COUNTY_ONLY = ("ration.idle_landlord_cut_pct", "ration.non_grain")
SHARE_FUND_CONCEPTS = ("share_fund.labor_training_threshold",)
BAND_RE = re.compile(r"household_size\s*(?:(?P<op>>=|<=|=)\s*(?P<n>\d+)|in\s*(?P<lo>\d+)\.\.(?P<hi>\d+))")


@dataclass(frozen=True)
class RuleStandard:
    """One standard row, with what the calculation needs to choose and cite a value."""

    concept: str
    relation: str
    value_min: float | None  # in the text's unit
    value_max: float | None
    unit: str
    factor: float  # text unit → base unit (1 where there is none)
    condition: str | None
    unit_id: str
    article_no: int | None
    item_no: int | None
    quote: str
    flags: tuple[str, ...] = ()

    @property
    def band(self) -> tuple[float, float] | None:
        """Household-size band of a condition like `household_size in 3..4`."""
        m = BAND_RE.search(self.condition or "")
        if not m:
            return None
        if m.group("lo"):
            return float(m.group("lo")), float(m.group("hi"))
        n = float(m.group("n"))
        return {">=": (n, math.inf), "<=": (0.0, n), "=": (n, n)}[m.group("op")]

    @property
    def cite(self) -> str:
        where = f"art. {self.article_no}" + (f"({self.item_no})" if self.item_no else "")
        return f"{self.unit_id} [{where}]"


@dataclass
class RuleSet:
    doc_id: str
    title: str | None
    date: str | None
    standards: dict[str, list[RuleStandard]] = field(default_factory=dict)
    rates: list[dict] = field(default_factory=list)  # conversion rows: name, rate per 100, unit_id, crop, reading
    units: dict[tuple[int, int | None], str] = field(default_factory=dict)  # (article, paragraph) → unit_id

    def get(self, concept: str) -> list[RuleStandard]:
        rows = self.standards.get(concept)
        if not rows:
            raise PipelineError("E403", concept, {"doc": self.doc_id, "concept": concept})
        return rows

    def one(self, concept: str) -> RuleStandard:
        """The single standard of a concept (several distinct ones are an error)."""
        rows = self.get(concept)
        distinct = {(r.relation, r.value_min, r.value_max) for r in rows}
        if len(distinct) > 1:
            values = "; ".join(f"{r.value_min}–{r.value_max} {r.unit} in {r.unit_id}" for r in rows)
            raise PipelineError("E404", concept, {"concept": concept, "doc": self.doc_id, "values": values})
        return rows[0]


def _documents_with(con: duckdb.DuckDBPyConnection, concepts: tuple[str, ...]) -> list[tuple[str, int]]:
    placeholders = ",".join("?" * len(concepts))
    return con.execute(
        f"select doc_id, count(distinct concept) from standards where concept in ({placeholders}) "
        "group by doc_id order by 2 desc, 1", list(concepts)).fetchall()


def choose_document(con: duckdb.DuckDBPyConnection, wanted: str | None, concepts: tuple[str, ...]) -> str:
    """The rule-set document: --rules (doc id, file name or title), else the one carrying the concepts."""
    docs = con.execute("select doc_id, source_file, coalesce(title, '') from documents").fetchall()
    if wanted:
        w = vocab.simplified(wanted)
        hits = [d for d, f, t in docs if w in (d, f) or (t and vocab.simplified(t) == w)]
        if len(hits) != 1:
            raise PipelineError("E413", wanted, {"wanted": wanted, "candidates": ", ".join(d for d, _, _ in docs)})
        carrying = dict(_documents_with(con, concepts))
        if hits[0] not in carrying:
            suited = ", ".join(carrying) or "none"
            raise PipelineError("E414", wanted, {"doc": hits[0], "concepts": ", ".join(concepts), "suited": suited})
        return hits[0]
    counts = _documents_with(con, concepts)
    if not counts:
        raise PipelineError("E401", "rules", {"missing": ", ".join(concepts)})
    best = counts[0][1]
    tied = [d for d, n in counts if n == best]
    if len(tied) > 1:
        raise PipelineError("E402", "rules", {"candidates": ", ".join(f"{d} ({n} concepts)" for d, n in counts)})
    return tied[0]


def load_rules(db: Path, wanted: str | None = None, concepts: tuple[str, ...] = HOUSEHOLD_CONCEPTS,
               reviewed_only: bool = False) -> RuleSet:
    con = connect(db)
    try:
        doc_id = choose_document(con, wanted, concepts)
        title, date = con.execute("select title, cast(date as varchar) from documents where doc_id = ?",
                                  [doc_id]).fetchall()[0]
        rules = RuleSet(doc_id, title, date)
        review = _review_filter(con, reviewed_only)
        rows = con.execute(f"""
            select concept, relation, coalesce(reviewed_min, reading_min, value_min),
                   coalesce(reviewed_max, reading_max, value_max), unit,
                   base_min, base_max, condition, unit_id, article_no, item_no, quote, flags, value_min, value_max
            from standards where doc_id = ? and concept is not null and review_status <> 'rejected' {review}
            order by char_start""", [doc_id]).fetchall()
        for c, rel, lo, hi, unit, bmin, bmax, cond, uid, art, item, quote, flags, raw_lo, raw_hi in rows:
            factor = 1.0  # text unit → base unit, from the row's own conversion
            if bmax is not None and raw_hi:
                factor = bmax / raw_hi
            elif bmin is not None and raw_lo:
                factor = bmin / raw_lo
            rules.standards.setdefault(c, []).append(
                RuleStandard(c, rel, lo, hi, unit, factor, cond, uid, art, item, quote, tuple(flags or ())))
        for crop, reading, from_qty, to_qty, uid, pos, flags in con.execute(f"""
                select coalesce(reviewed_crop, crop), crop_reading, from_qty, coalesce(reviewed_to_qty, to_qty),
                       unit_id, position, flags from conversion_rates
                where doc_id = ? and coalesce(reviewed_to_qty, to_qty) is not null and review_status <> 'rejected'
                {review} order by position""", [doc_id]).fetchall():
            rules.rates.append({"crop": crop, "reading": reading, "name": reading or crop,
                                "rate": to_qty * 100.0 / from_qty, "unit_id": uid, "position": pos,
                                "flags": list(flags or [])})
        for art, para, uid in con.execute("""
                select a.number, p.number, coalesce(p.unit_id, a.unit_id) from units a
                left join units p on p.doc_id = a.doc_id and p.parent_id = a.unit_id and p.kind = 'paragraph'
                where a.doc_id = ? and a.kind = 'article' and a.language = 'zh'""", [doc_id]).fetchall():
            rules.units[(art, para)] = uid
            rules.units.setdefault((art, None), uid if para is None else uid.rsplit("__para_", 1)[0])
        return rules
    finally:
        con.close()


def _review_filter(con: duckdb.DuckDBPyConnection, reviewed_only: bool) -> str:
    """Rejected rows are never used; with --reviewed-only, only confirmed or corrected ones are."""
    return "and review_status in ('confirmed', 'corrected')" if reviewed_only else ""
