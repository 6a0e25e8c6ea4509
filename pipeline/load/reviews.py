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

from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.load.errata import entries_of

ID_FIELDS = {"standards": "standard_id", "conversion_rates": "rate_id", "facts": "fact_id"}
CORRECTIONS = {
    "standards": {"min": "reviewed_min", "max": "reviewed_max"},
    "conversion_rates": {"crop": "reviewed_crop", "to_qty": "reviewed_to_qty"},
    "facts": {"value": "reviewed_value"},
}
STATUS = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}


def _exists(con, table: str, id_column: str, row_id: str) -> bool:
    return con.execute(f'select count(*) from "{table}" where "{id_column}" = ?', [row_id]).fetchall()[0][0] > 0


def apply_reviews(con, folder: Path) -> list[PipelineError]:
    """Apply every decision to the database being built; return the problems."""
    entries, problems = entries_of(folder, "reviews", "E208")
    for where, e in entries:
        if not isinstance(e, dict) or not {"id", "decision", "reason", "reviewer"} <= set(e) \
                or e["decision"] not in STATUS:
            problems.append(PipelineError("E208", where, {
                "path": where, "detail": "needs id, decision (confirm, correct, reject), reason and reviewer"}))
            continue
        table = next((t for t, c in ID_FIELDS.items() if _exists(con, t, c, str(e["id"]))), None)
        if table is None:
            problems.append(PipelineError("E207", where, {"where": where, "id": e["id"]}))
            continue
        values = e.get("set") or {}
        allowed = CORRECTIONS[table]
        if e["decision"] == "correct" and (not values or not set(values) <= set(allowed)):
            problems.append(PipelineError("E208", where, {
                "path": where, "detail": f"a correction of {table} sets one of {sorted(allowed)}"}))
            continue
        sets = {"review_status": STATUS[e["decision"]], "review_note": f"{e['reason']} ({e['reviewer']}; {where})"}
        sets |= {allowed[key]: value for key, value in values.items()}
        assignments = ", ".join(f'"{c}" = ?' for c in sets)
        con.execute(f'update "{table}" set {assignments} where "{ID_FIELDS[table]}" = ?',
                    [*sets.values(), str(e["id"])])
    return problems
