"""Maintainers' review decisions: corpus/reviews/*.yaml.

    reviews:
      - id: 003_b69152d1adbf7c19/chp_3__art_9__item_2/ration.retained/1
        decision: confirm            # confirm, correct or reject
        reason: checked against the 1955 print
        reviewer: M. Zhang
      - id: 003_b69152d1adbf7c19/chp_3__art_9__item_1/seed.paddy/1
        decision: correct
        set: {min: 8}                # standards: min, max; conversion rates: crop, to_qty; facts: value
        reason: the county copy prints 八至十斤
        reviewer: M. Zhang

A row is named by its stable id (standard_id, rate_id or fact_id). The build
sets review_status (confirmed, corrected, rejected) and puts a corrected
value beside the raw one; a decision whose row no longer exists is reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.load.errata import conflicts, entries_of, in_order, text_field, typed

ID_FIELDS = {"standards": "standard_id", "conversion_rates": "rate_id", "facts": "fact_id"}
CORRECTIONS = {  # what a correction may set: the column it goes to, and its kind (pipeline.load.errata.typed)
    "standards": {"min": ("reviewed_min", "amount"), "max": ("reviewed_max", "amount")},
    "conversion_rates": {"crop": ("reviewed_crop", "text"), "to_qty": ("reviewed_to_qty", "amount")},
    "facts": {"value": ("reviewed_value", "amount")},
}
STATUS = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}


@dataclass
class Decision:
    where: str
    table: str
    row_id: str
    status: str
    sets: dict[str, object]  # column → value, review_status and review_note included


def _table_of(con, row_id: str) -> str | None:
    return next((t for t, c in ID_FIELDS.items()
                 if con.execute(f'select count(*) from "{t}" where "{c}" = ?', [row_id]).fetchall()[0][0]), None)


def _decision(con, where: str, e: object) -> Decision:
    """One entry as a Decision on an existing row; ValueError or PipelineError (E207) saying what is wrong."""
    if not isinstance(e, dict) or not {"id", "decision", "reason", "reviewer"} <= set(e) \
            or e["decision"] not in STATUS:
        raise ValueError("needs id, decision (confirm, correct, reject), reason and reviewer")
    row_id = text_field(e, "id")
    reason, reviewer = text_field(e, "reason"), text_field(e, "reviewer")
    table = _table_of(con, row_id)
    if table is None:
        raise PipelineError("E207", where, {"where": where, "id": row_id})
    values = e.get("set")
    allowed = CORRECTIONS[table]
    if e["decision"] != "correct":
        if values:
            raise ValueError(f"a {e['decision']} sets nothing; a decision that sets values is `correct`")
        values = {}
    elif not isinstance(values, dict) or not values or not set(values) <= set(allowed):
        raise ValueError(f"a correction of {table} sets one or more of {sorted(allowed)}, not {values!r}")
    values = {key: typed(key, value, allowed[key][1]) for key, value in values.items()}
    if table == "standards" and values:
        low, high = con.execute("select value_min, value_max from standards where standard_id = ?",
                                [row_id]).fetchall()[0]
        in_order("min", values.get("min", low), "max", values.get("max", high))
    sets = {"review_status": STATUS[e["decision"]], "review_note": f"{reason} ({reviewer}; {where})"}
    sets |= {allowed[key][0]: value for key, value in values.items()}
    return Decision(where, table, row_id, STATUS[e["decision"]], sets)


def apply_reviews(con, folder: Path) -> list[PipelineError]:
    """Apply every decision to the database being built; return the problems.

    Two decisions on one row that differ (in decision or in the values set) are both reported and
    neither is applied."""
    entries, problems = entries_of(folder, "reviews", "E208")
    decisions = []
    for where, e in entries:
        try:
            decisions.append(_decision(con, where, e))
        except PipelineError as exc:
            problems.append(exc)
        except ValueError as exc:
            problems.append(PipelineError("E208", where, {"path": where, "detail": exc}))
    claims = [((d.table, d.row_id, "decision"), (d.status, sorted((k, v) for k, v in d.sets.items()
                                                                   if k != "review_note")), d.where)
              for d in decisions]
    withdrawn, clashes = conflicts(claims, "E212")
    problems += clashes
    for d in decisions:
        if d.where not in withdrawn:
            assignments = ", ".join(f'"{c}" = ?' for c in d.sets)
            con.execute(f'update "{d.table}" set {assignments} where "{ID_FIELDS[d.table]}" = ?',
                        [*d.sets.values(), d.row_id])
    return problems
