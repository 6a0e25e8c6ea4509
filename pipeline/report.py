"""The review report over a built database, a reviewer's workbench: an index page and a page per document.

Self-contained HTML, rendered by Jinja2 with autoescape (every value from the database is escaped by the
template engine). The index (pipeline/templates/report.html.j2) holds:
  - the summary counts and a table of contents, readable without JavaScript;
  - the flags to resolve, each with its quote marked in its sentence, a copy-ready review entry for
    corpus/reviews/ and the `review` command; a row a review decided on leaves them;
  - charts with axes, units and legends: each concept's standards compared across documents
    (issuer and year), and the conversion tables;
  - a table of the documents, each linked to its page, and the glossary of flags (schemas/flags.yaml).
A document's page (document.html.j2, in the folder named after the index: report.html → report/) holds its
structure with the text of each unit, every row with its evidence and review command, its statistics
charted one chart per unit, and the flagged numbers no row reads (masked figures). So the index stays a
few hundred kilobytes at thousands of texts, and each page opens at once. Filters (document, flagged only,
free text) hide rows and chart marks alike. The layout works from a phone's 390 px to a desktop's 1400 px.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import vocab
from pipeline.errors import PipelineError
from pipeline.query import connect

SENTENCE_ENDS = "。；！？\n"
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b8860b", "#b07aa1", "#9c755f", "#2f4b7c",
           "#d45087"]
TEMPLATES = Path(__file__).parent / "templates"
CHART_WIDTH = 720  # SVG user units; the chart scales to the width of the page
STATISTICS_PER_CHART = 20  # the largest values of a unit in one report; the rest are listed below it
COMPARE_MARKS = 60  # a concept's chart with more standards draws a bar per issuer and year
FLAGS_ON_INDEX = 300  # the flags to resolve the index shows; every one is on its document's page
CORRECTIONS = {"standard": "{min: …, max: …}", "conversion": "{crop: …, to_qty: …}", "fact": "{value: …}"}


def highlight(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence around text[start:end], cut into (before, evidence, after)."""
    a = max((text.rfind(c, 0, start) for c in SENTENCE_ENDS), default=-1) + 1
    ends = [k for k in (text.find(c, end) for c in SENTENCE_ENDS) if k >= 0]
    b = min(ends) + 1 if ends else len(text)
    return text[a:start].lstrip(), text[start:end], text[end:b].rstrip()


def fmt(v: float | None) -> str:
    """A value as a reader writes it: 83,000,000,000 rather than 8.3e+10, 0.3 rather than 0.30000000000000004."""
    return "?" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.15g}"


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(k * step, 10) for k in range(n + 1)]


# -- charts: geometry computed here, drawn by the template ----------------------------------------------

@dataclass
class Mark:
    """One row of a chart: a label line above a bar (x0 to x1) or a dot (x0 = x1) and its value."""

    y: float
    x0: float
    x1: float
    label: str
    value: str
    colour: str
    doc: str
    flagged: bool
    search: str
    dashed: bool = False


@dataclass
class Chart:
    title: str
    axis_title: str
    marks: list[Mark] = field(default_factory=list)
    description: str = ""
    ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    width: int = CHART_WIDTH
    left: int = 8
    right: int = CHART_WIDTH - 110
    row: int = 38

    @property
    def height(self) -> int:
        return int(len(self.marks) * self.row + 46)

    @property
    def axis_y(self) -> int:
        return int(len(self.marks) * self.row + 8)


def _chart(title: str, axis_title: str, rows: list[dict], top: float) -> Chart:
    """rows: label, lo, hi, value, colour, doc, flagged, search, dashed."""
    chart = Chart(title, axis_title)
    ticks = nice_ticks(top)
    span = ticks[-1] or 1

    def x(v: float) -> float:
        return chart.left + (chart.right - chart.left) * v / span

    chart.ticks = [(x(t), fmt(t)) for t in ticks]
    for k, r in enumerate(rows):
        y = k * chart.row + 24
        chart.marks.append(Mark(y, x(r["lo"]), x(r["hi"]), r["label"], r["value"], r["colour"], r["doc"],
                                r["flagged"], r["search"], r.get("dashed", False)))
    return chart


def compare_charts(standards: list[dict], docs: dict[str, dict], colours: dict[str, str]) -> list[Chart]:
    """One chart per concept and unit: its standards across documents, labelled by issuer and year, on one
    linear axis in one unit (a concept written in two units gets two charts)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in standards:
        if r["concept"].endswith(".unclassified") or (r["value_min"] is None and r["value_max"] is None):
            continue
        base = r["base_unit"] is not None and (r["base_min"] is not None or r["base_max"] is not None)
        unit = r["base_unit"] if base else r["unit"]
        groups[(r["concept"], unit or "", r["per"] or "")].append(r | {"_base": base})
    charts = []
    for (concept, unit, per), rows in sorted(groups.items()):
        marks, top = [], 0.0
        for r in sorted(rows, key=lambda r: (str(docs[r["doc_id"]]["date"] or ""), r["doc_id"], r["char_start"])):
            lo = r["base_min"] if r["_base"] else r["value_min"]
            hi = r["base_max"] if r["_base"] else r["value_max"]
            d = docs[r["doc_id"]]
            who = d["issuer"] or (d["title"] or d["doc_id"])[:18]
            cond = f" · {r['condition']}" if r["condition"] else ""
            shown_lo = 0.0 if lo is None else lo
            shown_hi = shown_lo if hi is None else hi
            top = max(top, shown_hi)
            value = {"max": f"≤ {fmt(hi)}", "min": f"≥ {fmt(lo)}"}.get(r["relation"], fmt(lo) if lo == hi
                                                                        else f"{fmt(lo)}–{fmt(hi)}")
            marks.append({"label": f"{who} · {_year(d)} · {_where(r)}{cond}", "lo": shown_lo, "hi": shown_hi,
                          "value": f"{value} {unit}", "colour": colours[r["doc_id"]], "doc": r["doc_id"],
                          "flagged": bool(r["flags"]), "search": _search(r, "concept"),
                          "dashed": lo is None or r["relation"] == "max"})
        axis = f"{unit or 'as written'}{' ' + basis_label(per) if per else ''}"
        grouped = len(marks) > COMPARE_MARKS
        per = "issuer and year"
        if grouped:  # thousands of texts: a bar per issuer and year (or per year), spanning their standards
            marks = _grouped(marks, unit, 2)
            if len(marks) > COMPARE_MARKS:
                marks, per = _grouped(marks, unit, 1), "year"
        chart = _chart(concept, axis, marks, top)
        chart.description = vocab.load("concepts")["concepts"].get(concept, {}).get("description", "")
        in_chart = list(dict.fromkeys(r["doc_id"] for r in rows))
        if len(in_chart) <= len(PALETTE):  # beyond, colours repeat: the labels tell documents apart
            chart.legend = [(colours[d], docs[d].get("label") or _doc_label(docs[d])) for d in in_chart]
        notes = []
        if grouped:
            notes.append(f"{len(rows)} standards of {len(in_chart)} documents, one bar per {per} spanning "
                         "its values; each standard is on its document's page.")
        if any(m.dashed for m in chart.marks):
            notes.append("A dashed bar starts at 0: an upper limit (≤), or a range whose lower bound the copy lost.")
        chart.note = " ".join(notes)
        charts.append(chart)
    return charts


def _grouped(marks: list[dict], unit: str, parts: int) -> list[dict]:
    """One mark per issuer and year (`parts` 2: the label up to the article) or per year (1), spanning the values
    of its standards."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for m in marks:
        label = m["label"].split(" · ")
        groups[" · ".join(label[:2]) if parts == 2 else label[1]].append(m)
    out = []
    for label, ms in sorted(groups.items()) if parts == 1 else groups.items():
        lo, hi = min(m["lo"] for m in ms), max(m["hi"] for m in ms)
        n = sum(m.get("n", 1) for m in ms)
        out.append({"label": f"{label} · {n} standard{'s' if n > 1 else ''}", "n": n, "lo": lo, "hi": hi,
                    "value": f"{_span(lo, hi)} {unit}", "colour": ms[0]["colour"],
                    "doc": " ".join(dict.fromkeys(m["doc"] for m in ms)), "flagged": any(m["flagged"] for m in ms),
                    "search": " ".join(m["search"] for m in ms)[:2000], "dashed": any(m["dashed"] for m in ms)})
    return out


def conversion_charts(rates: list[dict], docs: dict[str, dict], colours: dict[str, str]) -> list[Chart]:
    """One chart per conversion table: each crop's rate against the table's reference grain."""
    tables: dict[tuple, list[dict]] = defaultdict(list)
    for r in rates:
        if r["to_qty"] is not None and r["from_qty"]:
            tables[(r["doc_id"], r["unit_id"], r["to_crop"], r["to_unit"], r["from_unit"])].append(r)
    charts = []
    for (doc_id, _unit, to_crop, to_unit, from_unit), rows in tables.items():
        values = [r["to_qty"] * 100 / r["from_qty"] for r in rows]
        marks = [{"label": r["crop"] + (f" (read as {r['crop_reading']})" if r["crop_reading"] else ""),
                  "lo": 0.0, "hi": v, "value": f"{fmt(v)} {to_unit}", "colour": colours[doc_id], "doc": doc_id,
                  "flagged": bool(r["flags"]), "search": _search(r, "crop")} for r, v in zip(rows, values, strict=True)]
        label = docs[doc_id].get("label") or _doc_label(docs[doc_id])
        chart = _chart(f"{label}: conversion table",
                       f"{to_unit} of {to_crop} for 100 {from_unit} of the crop", marks, max(values))
        chart.legend = [(colours[doc_id], label)]
        charts.append(chart)
    return charts


def statistics_charts(facts: list[dict], colour: str) -> list[Chart]:
    """A report's statistics, one chart per unit (户, 社, 万斤 … never on one axis), largest first."""
    by_unit: dict[str, list[dict]] = defaultdict(list)
    for f in facts:
        if f["language"] == "zh" and f["value"] is not None and f["unit"]:
            by_unit[f["unit"]].append(f)
    charts = []
    for unit, rows in sorted(by_unit.items(), key=lambda kv: -len(kv[1])):
        if len(rows) < 2:
            continue
        rows = sorted(rows, key=lambda f: -f["value"])
        shown = rows[:STATISTICS_PER_CHART]
        marks = [{"label": " · ".join(x for x in (f["place"], f["subject"]) if x) or f["quote"], "lo": 0.0,
                  "hi": f["value"], "value": f"{_qualified(f)} {unit}", "colour": colour, "doc": f["doc_id"],
                  "flagged": bool(f["flags"]), "search": _search(f, "subject")} for f in shown]
        chart = _chart(f"in {unit}", f"{unit} (linear scale from 0)", marks, shown[0]["value"])
        if len(rows) > len(shown):
            chart.note = f"The {len(shown)} largest of {len(rows)} figures in {unit}; every one is listed below."
        charts.append(chart)
    return charts


def basis_label(per: str) -> str:
    """`per person and year` for person_year (schemas/units.yaml, bases.labels); the code itself if unlabelled."""
    return vocab.load("units")["bases"].get("labels", {}).get(per, per)


def _span(lo: float | None, hi: float | None) -> str:
    """480–520, or 480 when both bounds are one value."""
    return fmt(lo) if lo == hi else f"{fmt(lo)}–{fmt(hi)}"


def _qualified(f: dict) -> str:
    sign = {"more_than": "> ", "nearly": "≈ ", "about": "~ ", "at_least": "≥ ", "at_most": "≤ "}
    return sign.get(f["qualifier"], "") + fmt(f["value"])


def _year(d: dict) -> str:
    return str(d["date"])[:4] if d["date"] else "undated"


def _where(r: dict) -> str:
    """art. 9(3), or the unit id of a row outside the articles."""
    if not r.get("article_no"):
        return r["unit_id"]
    return f"art. {r['article_no']}" + (f"({r['item_no']})" if r.get("item_no") else "")


def _doc_label(d: dict) -> str:
    return f"{d['issuer'] or (d['title'] or d['doc_id'])[:24]}, {_year(d)}"


def _doc_labels(docs: list[dict]) -> dict[str, str]:
    """Each document's label (issuer, year), told apart by its id where two would read alike."""
    plain = {d["doc_id"]: _doc_label(d) for d in docs}
    seen: dict[str, int] = defaultdict(int)
    for label in plain.values():
        seen[label] += 1
    return {doc: label if seen[label] == 1 else f"{label} ({doc})" for doc, label in plain.items()}


def _search(r: dict, what: str) -> str:
    parts = [r.get("standard_id") or r.get("rate_id") or r.get("fact_id"), r.get(what), r.get("unit"),
             r.get("quote"), *(r.get("flags") or [])]
    return " ".join(str(p) for p in parts if p).lower()


# -- rows, as the template shows them ------------------------------------------------------------------------

def _row(kind: str, r: dict, text: str) -> dict:
    rid = r.get("standard_id") or r.get("rate_id") or r.get("fact_id")
    if kind == "standard":
        what = r["concept"]
        value = f"{_span(r['value_min'], r['value_max'])} {r['unit'] or ''}".strip()
        detail = [("relation", r["relation"]),
                  ("base", f"{_span(r['base_min'], r['base_max'])} {r['base_unit']}" if r["base_unit"] else ""),
                  ("per", basis_label(r["per"]) if r["per"] else None), ("condition", r["condition"]),
                  ("subject", r["subject"]), ("why", r["reason"])]
    elif kind == "conversion":
        what = r["crop"] + (f" → {r['crop_reading']}" if r["crop_reading"] else "")
        value = f"{fmt(r['from_qty'])} {r['from_unit']} → {fmt(r['to_qty'])} {r['to_unit']} {r['to_crop']}"
        detail = [("position", r["position"]), ("erratum", r["erratum"])]
    else:
        what = r["subject"] or ""
        value = f"{_qualified(r)} {r['unit'] or ''}".strip()
        detail = [("place", r["place"]), ("language", r["language"]), ("why", r["reason"])]
    return {"kind": kind, "id": rid, "doc": r["doc_id"], "where": _where(r), "what": what, "value": value,
            "detail": [(k, v) for k, v in detail if v not in (None, "")], "flags": list(r["flags"] or []),
            "status": r["review_status"], "note": r.get("review_note"), "evidence": highlight(text, r["char_start"],
                                                                                          r["char_end"]),
            "search": _search(r, {"standard": "concept", "conversion": "crop", "fact": "subject"}[kind]),
            "review": _review_entry(kind, rid, r), "command": _review_command(rid), "crop": None, "crop_page": None,
            "doc_label": r["doc_id"], "page": None}


def _review_entry(kind: str, rid: str, r: dict) -> str:
    """A list item to paste under the one `reviews:` key of a file in corpus/reviews/ (two pasted entries
    stay two entries: a second `reviews:` key would be refused as written twice)."""
    flags = ", ".join(r["flags"] or []) or "none"
    quote = json.dumps(r.get("quote") or "", ensure_ascii=False)  # JSON's string is a YAML string too
    return (f"  - id: {rid}\n    decision: confirm        # confirm, correct or reject\n"
            f"    # set: {CORRECTIONS[kind]}   # with decision: correct\n"
            f"    quote: {quote}   # the words the decision was made on: it is never applied to others\n"
            f"    reason: \"checked against …; flags: {flags}\"\n    reviewer: \"…\"\n")


def _review_command(rid: str) -> str:
    """The `review` command that records a decision on the row, its quote and context taken from the database;
    the … are for the reviewer to fill (the command refuses them as they are)."""
    return f'python -m pipeline review {rid} --confirm --reason "checked against …" --reviewer "…"'



def _outline(units: list[dict]) -> list[dict]:
    """The units as a flat list in reading order with their depth; leaves carry their text."""
    children: dict[str | None, list[dict]] = defaultdict(list)
    for u in units:
        if u["language"] == "zh":
            children[u["parent_id"]].append(u)
    out: list[dict] = []

    def walk(parent: str | None, depth: int) -> None:
        for u in sorted(children.get(parent, []), key=lambda u: u["ordinal"]):
            leaf = not children.get(u["unit_id"])
            out.append({"id": u["unit_id"], "kind": u["kind"], "depth": depth, "flags": list(u["flags"] or []),
                        "label": u["number_text"] or u["heading"] or u["kind"],
                        "heading": u["heading"] if u["kind"] in ("chapter", "section") else None,
                        "text": u["text"] if leaf else None})
            walk(u["unit_id"], depth + 1)

    walk(None, 0)
    return out


def _by_doc(rows: list[dict], key: str = "doc_id") -> defaultdict[str, list[dict]]:
    """Rows grouped by document, in their order."""
    out: defaultdict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


CROP_MARGIN = 40  # pixels of the page shown around a row's characters


def page_crops(con, corpus: Path) -> dict[tuple[str, str], dict]:
    """For every standard and fact of a scan, the crop of its page where its characters stand, as a data URI
    (a JPEG), so that a reviewer checks the print without opening the file; read from the corpus the
    database was built from, each page rendered once."""
    import base64
    import io

    rows = _rows(con, "select p.table_name, p.row_id, p.page, p.x0, p.y0, p.x1, p.y1, d.source_file from places p "
                      "join documents d using (doc_id) where p.part = 1 and p.table_name in ('standards', 'facts') "
                      "order by d.source_file, p.page")
    if not rows:
        return {}
    from pipeline.ingest.scans.pages import page_image, scan_format

    out, pages = {}, {}
    for r in rows:
        key = (r["source_file"], r["page"])
        if key not in pages:
            try:
                data = (corpus / r["source_file"]).read_bytes()
                fmt = scan_format(data)
                pages[key] = page_image(data, fmt, r["page"]) if fmt else None
            except Exception:  # noqa: BLE001 - a file moved or changed since the build: the report goes on
                pages[key] = None
        image = pages[key]
        if image is None:
            continue
        box = (max(0, r["x0"] - CROP_MARGIN), max(0, r["y0"] - CROP_MARGIN // 2),
               min(image.width, r["x1"] + CROP_MARGIN), min(image.height, r["y1"] + CROP_MARGIN // 2))
        buf = io.BytesIO()
        image.crop(box).save(buf, "JPEG", quality=80)
        out[(r["table_name"], r["row_id"])] = {
            "crop": "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii"),
            "crop_page": r["page"]}
    return out


def report_context(db: Path) -> dict:
    """Everything the template shows, read from the database."""
    con = connect(db)
    try:
        dataset = _rows(con, "select * from dataset")[0]
        docs = _rows(con, "select doc_id, source_file, title, cast(date as varchar) as date, date_precision, issuer, "
                          "kind, script, layout, encoding, text_original from documents order by doc_id")
        standards = _rows(con, "select * from standards order by doc_id, char_start")
        rates = _rows(con, "select * from conversion_rates order by doc_id, position")
        facts = _rows(con, "select * from facts order by doc_id, language desc, char_start")
        units = _rows(con, "select * from units order by doc_id, ordinal")
        # flagged numbers no row reads (a masked ×××萬斤): listed so that a reviewer sees them too
        loose = _rows(con, "select * from numbers where len(flags) > 0 and row_id is null order by doc_id, char_start")
        issues = _rows(con, "select * from build_issues order by severity, source_file")
        crops = page_crops(con, Path(dataset["corpus_dir"]))
    finally:
        con.close()
    labels = _doc_labels(docs)
    for d in docs:
        d["label"] = labels[d["doc_id"]]
    by_doc = {d["doc_id"]: d for d in docs}
    colours = {d["doc_id"]: PALETTE[k % len(PALETTE)] for k, d in enumerate(docs)}
    texts = {d["doc_id"]: d["text_original"] for d in docs}
    rows = {"standard": [_row("standard", r, texts[r["doc_id"]]) | crops.get(("standards", r["standard_id"]), {})
                         for r in standards],
            "conversion": [_row("conversion", r, texts[r["doc_id"]]) for r in rates],
            "fact": [_row("fact", r, texts[r["doc_id"]]) | crops.get(("facts", r["fact_id"]), {}) for r in facts]}
    # a flagged row leaves "Flags to resolve" once a review decided on it (it keeps its flags, and its card)
    flagged = [r for kind in ("standard", "conversion", "fact") for r in rows[kind]
               if r["flags"] and r["status"] == "unreviewed"]
    mine = {k: _by_doc(v, "doc") for k, v in rows.items()}
    units_of, loose_of, facts_of = _by_doc(units), _by_doc(loose), _by_doc(facts)
    for kind in rows.values():
        for r in kind:
            r["doc_label"] = labels[r["doc"]]
    documents = []
    for d in docs:
        doc_id = d["doc_id"]
        documents.append(d | {"label": labels[doc_id], "colour": colours[doc_id], "page": None,
                              "open": sum(1 for kind in mine.values() for r in kind[doc_id]
                                          if r["flags"] and r["status"] == "unreviewed"),
                              "outline": _outline(units_of[doc_id]),
                              "rows": {k: v[doc_id] for k, v in mine.items()},
                              "numbers": [{"id": n["number_id"], "reason": n["reason"], "flags": list(n["flags"]),
                                           "evidence": highlight(d["text_original"], n["char_start"], n["char_end"])}
                                          for n in loose_of[doc_id]],
                              "charts": statistics_charts(facts_of[doc_id], colours[doc_id])})
    used = {f for kind in rows.values() for r in kind for f in r["flags"]} | \
        {f for x in (*units, *loose) for f in (x["flags"] or [])}
    glossary = {name: spec for name, spec in vocab.load("flags").items() if name in used}
    counts = {"documents": len(docs), "units": len(units), "standards": len(standards), "conversion_rates": len(rates),
              "facts": len(facts), "flagged": len(flagged),
              "resolved": sum(1 for kind in rows.values() for r in kind if r["flags"] and r["status"] != "unreviewed"),
              "build_issues": len(issues)}
    return {"dataset": dataset, "counts": counts, "flagged": flagged, "issues": issues, "documents": documents,
            "compare": compare_charts(standards, by_doc, colours),
            "conversion": conversion_charts(rates, by_doc, colours),
            "glossary": glossary, "row_total": sum(len(v) for v in rows.values()),
            "unclassified": sum(1 for r in standards if r["concept"].endswith(".unclassified"))}


def render_pages(db: Path, index: str = "report.html") -> dict[str, str]:
    """Every page of the report, by its path relative to the index's folder: the index (`index`) and a page
    per document in the folder named after it (report.html → report/DOC_ID.html)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    context = report_context(db)
    folder = Path(index).stem
    for d in context["documents"]:
        d["page"] = f"{folder}/{d['doc_id']}.html"
    for r in context["flagged"]:
        r["page"] = f"{folder}/{r['doc']}.html"
    context["flags_shown"] = context["flagged"][:FLAGS_ON_INDEX]
    pages = {index: env.get_template("report.html.j2").render(**context)}
    page = env.get_template("document.html.j2")
    flags = vocab.load("flags")
    for d in context["documents"]:
        rows = [r for kind in d["rows"].values() for r in kind]
        used = {f for r in rows for f in r["flags"]} | {f for n in d["numbers"] for f in n["flags"]} | \
            {f for u in d["outline"] for f in u["flags"]}
        counts = {"standards": len(d["rows"]["standard"]), "conversion_rates": len(d["rows"]["conversion"]),
                  "facts": len(d["rows"]["fact"]), "flagged": d["open"]}
        pages[d["page"]] = page.render(dataset=context["dataset"], d=d, home=f"../{index}", counts=counts,
                                       row_total=len(rows), glossary={k: v for k, v in flags.items() if k in used})
    return pages


def build_report(db: Path) -> str:
    """The index page of the report (render_pages has every page)."""
    return render_pages(db)["report.html"]


def write_report(db: Path, out: Path) -> Path:
    """Write the index to `out` and the document pages to the folder beside it named after it (report.html →
    report/), all through temporary files that a failure never leaves behind; a previous report's pages are
    replaced whole."""
    import os
    import shutil

    if out.is_dir():
        raise PipelineError("E306", str(out), {"detail": "it is a folder; give --out a file (outputs/report.html)"})
    pages = render_pages(db, out.name)
    folder = out.with_suffix("")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    old = out.with_name(f".{folder.name}.old-{os.getpid()}")
    try:
        for name, html in pages.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        if folder.is_dir():
            folder.rename(old)
        elif folder.exists():
            raise PipelineError("E306", str(folder), {"detail": "a file stands where the document pages go"})
        (tmp / folder.name).rename(folder)
        (tmp / out.name).replace(out)
    except OSError as exc:
        raise PipelineError("E306", str(out), {"detail": exc.strerror or str(exc)}) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return out
