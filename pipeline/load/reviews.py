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

A decision stays with its evidence: an entry may record the row's `quote`
(and `context`) it was made on, as `python -m pipeline review` and the report's
entries do. Where the id now names a row with other words, the decision is not
applied and the build says so (E213); where the id is gone but the quote (and
context) are found in exactly one row of the same document and table, the
decision is applied there with a warning that names the new id (E214).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.load.errata import conflicts, entries_of, in_order, text_field, typed
from pipeline.yamlfiles import read_yaml, shown

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
    notice: PipelineError | None = None  # applied, but the maintainer should know (a re-attached id)


def _same_words(a: object, b: object) -> bool:
    """Two quotes are the same evidence when they read the same without spaces and line breaks."""
    return "".join(str(a or "").split()) == "".join(str(b or "").split())


def _reattached(con, row_id: str, quote: str, context: str | None) -> tuple[str, str] | None:
    """(table, new id) of the one row of the id's document whose quote (and context) are the entry's."""
    doc_id = row_id.split("/")[0]
    found = []
    for table, column in ID_FIELDS.items():
        has_context = table == "standards"
        rows = con.execute(f'select "{column}", quote{", context" if has_context else ""} from "{table}" '
                           f"where doc_id = ?", [doc_id]).fetchall()
        found += [(table, r[0]) for r in rows if _same_words(r[1], quote)
                  and (context is None or not has_context or _same_words(r[2], context))]
    return found[0] if len(found) == 1 else None


def _table_of(con, row_id: str) -> str | None:
    return next((t for t, c in ID_FIELDS.items()
                 if con.execute(f'select count(*) from "{t}" where "{c}" = ?', [row_id]).fetchall()[0][0]), None)


PLACEHOLDER = "…"  # what the report's copy-ready entries leave for the maintainer to fill in


def _filled(e: dict, name: str) -> str:
    value = text_field(e, name)
    if PLACEHOLDER in value:
        raise ValueError(f"{name}: {shown(value)} still holds the placeholder {PLACEHOLDER}; "
                         "say what was checked and who")
    return value


def _decision(con, where: str, e: object) -> Decision:
    """One entry as a Decision on an existing row; ValueError or PipelineError (E207) saying what is wrong."""
    if not isinstance(e, dict) or not {"id", "decision", "reason", "reviewer"} <= set(e):
        missing = sorted({"id", "decision", "reason", "reviewer"} - set(e)) if isinstance(e, dict) else ["all"]
        raise ValueError(f"needs id, decision (confirm, correct, reject), reason and reviewer; missing: "
                         f"{', '.join(missing)}")
    if not isinstance(e["decision"], str) or e["decision"] not in STATUS:
        raise ValueError(f"decision: {shown(e['decision'])} is not one of {', '.join(STATUS)}")
    row_id = text_field(e, "id")
    reason, reviewer = _filled(e, "reason"), _filled(e, "reviewer")
    quote = text_field(e, "quote") if e.get("quote") is not None else None
    context = text_field(e, "context") if e.get("context") is not None else None
    table = _table_of(con, row_id)
    notice = None
    if table is None:
        moved = _reattached(con, row_id, quote, context) if quote else None
        if moved is None:
            hint = ("; its quote is found in no single row of its document" if quote else
                    "; the entry records no quote, so it cannot be found again: add the row's quote")
            raise PipelineError("E207", where, {"where": where, "id": row_id, "hint": hint})
        notice = PipelineError("E214", where, {"where": where, "id": row_id, "quote": quote, "new_id": moved[1]})
        table, row_id = moved
    elif quote is not None:
        now = con.execute(f'select quote from "{table}" where "{ID_FIELDS[table]}" = ?', [row_id]).fetchall()[0][0]
        if not _same_words(now, quote):
            raise PipelineError("E213", where, {"where": where, "id": row_id, "now": now, "then": quote})
    values = e.get("set")
    allowed = CORRECTIONS[table]
    if e["decision"] != "correct":
        if values:
            raise ValueError(f"a {e['decision']} sets nothing; a decision that sets values is `correct`")
        values = {}
    elif not isinstance(values, dict) or not values or not set(values) <= set(allowed):
        raise ValueError(f"a correction of {table} sets one or more of {sorted(allowed)}, not {shown(values)}")
    values = {key: typed(key, value, allowed[key][1]) for key, value in values.items()}
    if table == "standards" and values:
        low, high = con.execute("select value_min, value_max from standards where standard_id = ?",
                                [row_id]).fetchall()[0]
        in_order("min", values.get("min", low), "max", values.get("max", high))
    sets = {"review_status": STATUS[e["decision"]], "review_note": f"{reason} ({reviewer}; {where})"}
    sets |= {allowed[key][0]: value for key, value in values.items()}
    return Decision(where, table, row_id, STATUS[e["decision"]], sets, notice)


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
            if d.notice is not None:
                problems.append(d.notice)
            assignments = ", ".join(f'"{c}" = ?' for c in d.sets)
            con.execute(f'update "{d.table}" set {assignments} where "{ID_FIELDS[d.table]}" = ?',
                        [*d.sets.values(), d.row_id])
    return problems


def record_review(db: Path, reviews: Path, row_id: str, decision: str, sets: dict[str, str], reason: str,
                  reviewer: str) -> dict:
    """Append one well-formed decision on row `row_id` of the built database `db` to the file `reviews`
    (corpus/reviews/NAME.yaml), with the row's quote and context, so that it stays with its evidence.
    Checks everything the build would, and refuses a second decision on the same row in that file.
    Returns the entry written; PipelineError E215 naming the field that is wrong."""
    import yaml

    from pipeline.query import connect

    def bad(detail: str) -> PipelineError:
        return PipelineError("E215", row_id, {"detail": detail})

    con = connect(db)
    try:
        table = _table_of(con, row_id)
        if table is None:
            raise bad(f"no standard, conversion rate or fact of {db} has this id (query the database for it)")
        columns = ", context" if table == "standards" else ""
        quote, *context = con.execute(f'select quote{columns} from "{table}" where "{ID_FIELDS[table]}" = ?',
                                      [row_id]).fetchall()[0]
        entry: dict = {"id": row_id, "decision": decision}
        if decision == "correct":
            entry["set"] = {key: _number_or_text(value) for key, value in sets.items()}
        elif sets:
            raise bad(f"a {decision} sets nothing; give --set only with --correct")
        entry |= {"quote": quote, **({"context": context[0]} if context and context[0] else {}),
                  "reason": reason, "reviewer": reviewer}
        try:
            _decision(con, str(reviews), entry)  # what the build will check, checked now
        except ValueError as exc:
            raise bad(str(exc)) from None
    finally:
        con.close()
    data = {"reviews": []}
    if reviews.exists():
        try:
            loaded = read_yaml(reviews) or {}
        except (OSError, ValueError) as exc:
            raise PipelineError("E208", str(reviews), {"path": reviews, "detail": exc}) from None
        if not isinstance(loaded, dict) or not isinstance(loaded.get("reviews", []), list):
            raise PipelineError("E208", str(reviews), {"path": reviews, "detail": "it holds no list under reviews:"})
        data = {"reviews": loaded.get("reviews") or []}
        if any(isinstance(e, dict) and e.get("id") == row_id for e in data["reviews"]):
            raise bad(f"{reviews} already holds a decision on this row; edit or remove that entry")
    data["reviews"].append(entry)
    reviews.parent.mkdir(parents=True, exist_ok=True)
    tmp = reviews.with_name(f".{reviews.name}.tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    tmp.replace(reviews)
    return entry


def _number_or_text(value: str) -> object:
    try:
        return float(value) if any(c in value for c in ".eE") else int(value)
    except ValueError:
        return value
