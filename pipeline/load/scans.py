"""The rows a scanned document adds: its recognised lines, where each row stands on its page, and the flag on
every standard, fact and number read from a character the recogniser was unsure of.

A row's characters (char_start … char_end in the recognised text) are found on the lines that hold them;
on each line the part's box is the line's box cut in proportion to the characters (along the line,
or down a vertical column).
"""
from __future__ import annotations

from bisect import bisect_right

from pipeline.rows import PlaceRow, ScanLineRow

LOW_CONFIDENCE_FLAG = "ocr_low_confidence"
ROW_IDS = {"units": "unit_id", "standards": "standard_id", "facts": "fact_id", "numbers": "number_id"}
FLAGGED = ("standards", "facts", "numbers")


def line_id(line) -> str:
    return f"p{line.page}_l{line.line_no}"


def scan_rows(doc_id: str, text: str, lines: list, records: dict[str, list[dict]]) -> dict[str, list]:
    """The scan_lines and places rows of a scanned document; flags `ocr_low_confidence` on the records of
    `records` (as dicts, changed in place) whose characters hold an uncertain one."""
    if not lines:
        return {"scan_lines": [], "places": []}
    out_lines = [ScanLineRow(
        doc_id=doc_id, line_id=line_id(ln), page=ln.page, line_no=ln.line_no, x0=ln.box[0], y0=ln.box[1],
        x1=ln.box[2], y1=ln.box[3], vertical=ln.vertical, text=text[ln.start:ln.end], confidence=ln.confidence,
        uncertain_chars=len(ln.uncertain), char_start=ln.start, char_end=ln.end) for ln in lines]
    starts = [ln.start for ln in lines]
    uncertain = sorted(k for ln in lines for k in ln.uncertain)
    places = []
    for table, id_field in ROW_IDS.items():
        for r in records.get(table, []):
            a, b = r.get("char_start"), r.get("char_end")
            if a is None or b is None:
                continue
            for part, (ln, lo, hi) in enumerate(_parts(lines, starts, a, b), start=1):
                places.append(PlaceRow(doc_id=doc_id, table_name=table, row_id=r[id_field], part=part, page=ln.page,
                                       line_id=line_id(ln), **_box(ln, lo, hi), confidence=ln.confidence))
            if table in FLAGGED and _holds(uncertain, a, b) and LOW_CONFIDENCE_FLAG not in r["flags"]:
                r["flags"] = [*r["flags"], LOW_CONFIDENCE_FLAG]
    return {"scan_lines": out_lines, "places": places}


def _parts(lines, starts, a: int, b: int):
    """(line, start, end) for each line the span a…b touches."""
    k = max(0, bisect_right(starts, a) - 1)
    while k < len(lines) and lines[k].start < b:
        ln = lines[k]
        lo, hi = max(a, ln.start), min(b, ln.end)
        if lo < hi:
            yield ln, lo, hi
        k += 1


def _box(ln, lo: int, hi: int) -> dict[str, int]:
    x0, y0, x1, y1 = ln.box
    n = max(1, ln.end - ln.start)
    f0, f1 = (lo - ln.start) / n, (hi - ln.start) / n
    if ln.vertical:
        return {"x0": x0, "x1": x1, "y0": round(y0 + (y1 - y0) * f0), "y1": round(y0 + (y1 - y0) * f1)}
    return {"y0": y0, "y1": y1, "x0": round(x0 + (x1 - x0) * f0), "x1": round(x0 + (x1 - x0) * f1)}


def _holds(sorted_offsets: list[int], a: int, b: int) -> bool:
    k = bisect_right(sorted_offsets, a - 1)
    return k < len(sorted_offsets) and sorted_offsets[k] < b
