"""The review report: one self-contained HTML page over a built database.

Per document: its structure outline and every standard, conversion row and
fact, each quote highlighted inside its source sentence, with flags, review
status and id; a summary of the flags to resolve; charts (inline SVG) of the
standards by concept across documents, the conversion rates and each
report's statistics. A small script renders the counts and a filter box.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path

from pipeline.query import connect

SENTENCE_ENDS = "。；！？\n"
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def highlight(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], with the evidence marked."""
    a = max((text.rfind(c, 0, start) for c in SENTENCE_ENDS), default=-1) + 1
    ends = [k for k in (text.find(c, end) for c in SENTENCE_ENDS) if k >= 0]
    b = min(ends) + 1 if ends else len(text)
    return f"{_e(text[a:start].lstrip())}<mark>{_e(text[start:end])}</mark>{_e(text[end:b].rstrip())}"


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _fmt(v: float | None) -> str:
    return "?" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:g}"


def _flags(flags) -> str:
    return " ".join(f'<span class="flag">{_e(f)}</span>' for f in (flags or []))


def _bar_chart(items: list[tuple[str, float, str]], unit: str, log: bool = False, width: int = 640) -> str:
    """Horizontal bars: (label, value, colour)."""
    if not items:
        return "<p>none</p>"
    scale = (lambda v: math.log10(max(v, 1))) if log else (lambda v: v)
    top = max(scale(v) for _, v, _ in items) or 1
    row_h, label_w = 22, 180
    parts = [f'<svg role="img" width="{width}" height="{row_h * len(items) + 10}" class="chart">']
    for k, (label, value, colour) in enumerate(items):
        w = (width - label_w - 90) * scale(value) / top
        y = k * row_h + 4
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{_fmt(value)} {_e(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _range_chart(items: list[tuple[str, float | None, float | None, str]], width: int = 640) -> str:
    """Range bars for one concept: (document, base_min, base_max, colour)."""
    values = [v for _, lo, hi, _ in items for v in (lo, hi) if v is not None]
    if not values:
        return ""
    top = max(values) or 1
    row_h, label_w = 20, 220
    parts = [f'<svg role="img" width="{width}" height="{row_h * len(items) + 6}" class="chart">']
    for k, (label, lo, hi, colour) in enumerate(items):
        y = k * row_h + 3
        x0 = label_w + (width - label_w - 90) * (lo if lo is not None else 0) / top
        x1 = label_w + (width - label_w - 90) * (hi if hi is not None else lo) / top
        dash = ' stroke-dasharray="4 3"' if lo is None else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_e(label)}</text>'
                     f'<line x1="{x0:.1f}" x2="{max(x1, x0 + 3):.1f}" y1="{y + 9}" y2="{y + 9}" '
                     f'stroke="{colour}" stroke-width="8"{dash}/>'
                     f'<text x="{max(x1, x0 + 3) + 4:.1f}" y="{y + 13}">{_fmt(lo)}–{_fmt(hi)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _outline(units: list[dict]) -> str:
    children: dict[str | None, list[dict]] = {}
    for u in units:
        if u["language"] == "zh":
            children.setdefault(u["parent_id"], []).append(u)

    def walk(parent: str | None) -> str:
        kids = children.get(parent, [])
        if not kids:
            return ""
        items = []
        for u in kids:
            label = u["number_text"] or u["heading"] or u["kind"]
            head = f' {_e(u["heading"])}' if u["kind"] in ("chapter", "section") and u["heading"] else ""
            items.append(f'<li><code>{_e(u["unit_id"])}</code> {_e(u["kind"])} {_e(label)}{head} '
                         f'{_flags(u["flags"])}{walk(u["unit_id"])}</li>')
        return "<ul>" + "".join(items) + "</ul>"

    return walk(None)


def build_report(db: Path) -> str:
    con = connect(db)
    try:
        dataset = _rows(con, "select * from dataset")[0]
        docs = _rows(con, "select doc_id, source_file, title, cast(date as varchar) as date, issuer, script, "
                          "layout, encoding, text_original from documents order by doc_id")
        texts = {d["doc_id"]: d["text_original"] for d in docs}
        standards = _rows(con, "select * from standards order by doc_id, char_start")
        rates = _rows(con, "select * from conversion_rates order by doc_id, position")
        facts = _rows(con, "select * from facts order by doc_id, language desc, char_start")
        units = _rows(con, "select * from units order by doc_id, ordinal")
        issues = _rows(con, "select * from build_issues")
    finally:
        con.close()
    colour = {d["doc_id"]: PALETTE[k % len(PALETTE)] for k, d in enumerate(docs)}
    flagged = [("standard", r["standard_id"], r["doc_id"], r["article_no"], r["concept"], r)
               for r in standards if r["flags"]]
    flagged += [("conversion", r["rate_id"], r["doc_id"], r["article_no"], r["crop"], r) for r in rates if r["flags"]]
    flagged += [("fact", r["fact_id"], r["doc_id"], None, r["subject"], r) for r in facts if r["flags"]]
    counts = {"documents": len(docs), "units": len(units), "standards": len(standards),
              "conversion_rates": len(rates), "facts": len(facts), "flagged": len(flagged),
              "flagged_unreviewed": sum(1 for f in flagged if f[5]["review_status"] == "unreviewed"),
              "build_issues": len(issues)}

    out = [_HEAD.format(title=_e(f"Review report — {dataset['build_id']}"))]
    out.append(f"<h1>Review report</h1><p>Built {_e(dataset['built_at'])} by pipeline "
               f"{_e(dataset['pipeline_version'])} from <code>{_e(dataset['corpus_dir'])}</code>.</p>")
    out.append('<section id="summary"><h2>Summary</h2><ul class="counts">' + "".join(
        f'<li><span class="count" data-key="{k}"></span> {k.replace("_", " ")}</li>' for k in counts)
        + '</ul><p><label>Filter rows: <input id="filter" type="search" placeholder="id, concept, crop, flag…">'
        '</label> <span id="shown"></span></p></section>')
    out.append("<section><h2>Flags to resolve</h2><table class='rows'><tr><th>kind</th><th>id</th><th>article</th>"
               "<th>what</th><th>flags</th><th>status</th><th>evidence</th></tr>")
    for kind, rid, doc_id, art, what, r in flagged:
        out.append(f"<tr><td>{kind}</td><td><code>{_e(rid)}</code></td><td>{_e(art)}</td><td>{_e(what)}</td>"
                   f"<td>{_flags(r['flags'])}</td><td>{_e(r['review_status'])}</td>"
                   f"<td>{highlight(texts[doc_id], r['char_start'], r['char_end'])}</td></tr>")
    out.append("</table></section>")
    if issues:
        out.append("<section><h2>Build issues</h2><ul>" + "".join(
            f"<li>{_e(i['severity'])}: {_e(i['message'])}</li>" for i in issues) + "</ul></section>")
    # charts
    out.append("<section><h2>Standards by concept across documents</h2><p>Ranges in base units (市斤, 畝) "
               "or as written; a dashed bar has lost its lower bound.</p>")
    titles = {d["doc_id"]: d["title"] or d["doc_id"] for d in docs}
    by_concept: dict[str, list] = {}
    for r in standards:
        lo = r["base_min"] if r["base_unit"] else r["value_min"]
        hi = r["base_max"] if r["base_unit"] else r["value_max"]
        unit = r["base_unit"] or r["unit"]
        label = f"{titles[r['doc_id']][:12]} art. {r['article_no']}" + (f" ({r['condition']})" if r["condition"]
                                                                         else "")
        by_concept.setdefault(f"{r['concept']} [{unit}]", []).append((label, lo, hi, colour[r["doc_id"]]))
    for concept, items in sorted(by_concept.items()):
        out.append(f"<h3>{_e(concept)}</h3>{_range_chart(items)}")
    out.append("</section>")
    if rates:
        out.append("<section><h2>Conversion rates</h2>" + _bar_chart(
            [(f"{r['crop']}" + (f" → {r['crop_reading']}" if r["crop_reading"] else ""),
              (r["to_qty"] or 0) * 100 / r["from_qty"], colour[r["doc_id"]]) for r in rates],
            "per 100") + "</section>")
    for d in docs:
        out.append(_document(d, [u for u in units if u["doc_id"] == d["doc_id"]],
                             [r for r in standards if r["doc_id"] == d["doc_id"]],
                             [r for r in rates if r["doc_id"] == d["doc_id"]],
                             [r for r in facts if r["doc_id"] == d["doc_id"]], colour[d["doc_id"]]))
    out.append(_FOOT.replace("__COUNTS__", json.dumps(counts)))
    return "".join(out)


def _document(d: dict, units: list[dict], standards: list[dict], rates: list[dict], facts: list[dict],
              colour: str) -> str:
    text = d["text_original"]
    out = [f'<section class="document" id="{_e(d["doc_id"])}"><h2>{_e(d["title"])}</h2>'
           f"<p><code>{_e(d['doc_id'])}</code> · {_e(d['source_file'])} · {_e(d['date'])} · {_e(d['issuer'])} · "
           f"{_e(d['script'])} · {_e(d['layout'])} · {_e(d['encoding'])}</p>"
           f"<details><summary>Structure ({len(units)} units)</summary>{_outline(units)}</details>"]
    if standards:
        out.append("<h3>Standards</h3><table class='rows'><tr><th>id</th><th>art.</th><th>concept</th>"
                   "<th>relation</th><th>value</th><th>base</th><th>per / condition</th><th>flags</th>"
                   "<th>status</th><th>evidence</th></tr>")
        for r in standards:
            out.append(
                f"<tr><td><code>{_e(r['standard_id'])}</code></td><td>{_e(r['article_no'])}"
                f"{'(' + _e(r['item_no']) + ')' if r['item_no'] else ''}</td><td>{_e(r['concept'])}</td>"
                f"<td>{_e(r['relation'])}</td><td>{_fmt(r['value_min'])}–{_fmt(r['value_max'])} {_e(r['unit'])}</td>"
                f"<td>{_fmt(r['base_min'])}–{_fmt(r['base_max'])} {_e(r['base_unit'])}</td>"
                f"<td>{_e(r['per'])} {_e(r['condition'])}</td><td>{_flags(r['flags'])}</td>"
                f"<td>{_e(r['review_status'])}</td><td>{highlight(text, r['char_start'], r['char_end'])}</td></tr>")
        out.append("</table>")
    if rates:
        out.append("<h3>Conversion rates</h3><table class='rows'><tr><th>id</th><th>crop</th><th>reading</th>"
                   "<th>rate</th><th>flags</th><th>status</th><th>erratum</th></tr>")
        for r in rates:
            out.append(f"<tr><td><code>{_e(r['rate_id'])}</code></td><td>{_e(r['crop'])}</td>"
                       f"<td>{_e(r['crop_reading'])}</td><td>{_fmt(r['from_qty'])} {_e(r['from_unit'])} → "
                       f"{_fmt(r['to_qty'])} {_e(r['to_unit'])} {_e(r['to_crop'])}</td><td>{_flags(r['flags'])}</td>"
                       f"<td>{_e(r['review_status'])}</td><td>{_e(r['erratum'])}</td></tr>")
        out.append("</table>")
    if facts:
        zh = [f for f in facts if f["language"] == "zh"]
        out.append("<h3>Statistics</h3>" + _bar_chart(
            [(f"{_fmt(f['value'])} {f['unit'] or ''} {f['subject'] or ''}"[:24], f["value"], colour) for f in zh
             if f["unit"] != "%"], "", log=True))
        out.append("<table class='rows'><tr><th>id</th><th>lang</th><th>value</th><th>qualifier</th><th>unit</th>"
                   "<th>subject</th><th>place</th><th>flags</th><th>status</th><th>evidence</th></tr>")
        for r in facts:
            out.append(f"<tr><td><code>{_e(r['fact_id'])}</code></td><td>{_e(r['language'])}</td>"
                       f"<td>{_fmt(r['value'])}</td><td>{_e(r['qualifier'])}</td><td>{_e(r['unit'])}</td>"
                       f"<td>{_e(r['subject'])}</td><td>{_e(r['place'])}</td><td>{_flags(r['flags'])}</td>"
                       f"<td>{_e(r['review_status'])}</td>"
                       f"<td>{highlight(text, r['char_start'], r['char_end'])}</td></tr>")
        out.append("</table>")
    out.append("</section>")
    return "".join(out)


def write_report(db: Path, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(build_report(db), encoding="utf-8")
    tmp.replace(out)
    return out


_HEAD = """<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans", sans-serif; margin: 2em; max-width: 1400px; }}
table.rows {{ border-collapse: collapse; font-size: 90%; margin-bottom: 1.5em; }}
table.rows td, table.rows th {{ border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }}
mark {{ background: #ffe08a; }}
.flag {{ background: #e15759; color: white; border-radius: 3px; padding: 0 4px; margin-right: 2px; font-size: 85%; }}
.counts li {{ display: inline-block; margin-right: 1.5em; }}
.count {{ font-weight: bold; font-size: 130%; }}
svg.chart text {{ font-size: 12px; }}
tr.hidden {{ display: none; }}
</style></head><body>"""

_FOOT = """<script>
"use strict";
const COUNTS = __COUNTS__;
for (const el of document.querySelectorAll(".count")) {
  el.textContent = String(COUNTS[el.dataset.key]);
}
const rows = Array.from(document.querySelectorAll("table.rows tr")).filter(r => r.querySelector("td"));
const shown = document.getElementById("shown");
function applyFilter() {
  const q = document.getElementById("filter").value.trim().toLowerCase();
  let n = 0;
  for (const r of rows) {
    const hit = !q || r.textContent.toLowerCase().includes(q);
    r.classList.toggle("hidden", !hit);
    n += hit ? 1 : 0;
  }
  shown.textContent = n + " of " + rows.length + " rows shown";
}
document.getElementById("filter").addEventListener("input", applyFilter);
applyFilter();
document.body.dataset.rendered = "yes";
</script></body></html>"""
