"""One document's extraction: StructuredDocument → rows of standards, conversion_rates and facts.

Paragraphs of the simplified view go through the spaCy pipelines
(pipeline/extract/nlp.py); standards come from every Chinese text unit,
facts from report paragraphs (outside articles) and their translation,
conversion rates from table units. Offsets are mapped back to the original
text for every row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline import vocab
from pipeline.extract.conversion import read_table
from pipeline.extract.facts import Fact, chinese_facts, english_facts
from pipeline.extract.nlp import nlp, places_in, text_of, with_numbers
from pipeline.extract.numerals import find_numbers
from pipeline.extract.quantities import unit_info
from pipeline.extract.standards import Standard, find_standards
from pipeline.normalize import NormalizedDocument, Paragraph
from pipeline.structure import StructuredDocument, Unit

NO_STANDARDS = ("headline", "byline", "procedure", "table", "translation")
REPORT_KINDS = ("paragraph", "preamble")


@dataclass
class Extraction:
    standards: list[dict[str, Any]] = field(default_factory=list)
    conversion_rates: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {"standards": self.standards, "conversion_rates": self.conversion_rates, "facts": self.facts}


def extract(sd: StructuredDocument) -> Extraction:
    nd = sd.normalized
    ex = Extraction()
    zh = []  # (index, paragraph, its unit, whether it is a report's)
    for i, p in enumerate(nd.paragraphs):
        if p.language == "zh":
            unit = sd.unit(sd.paragraph_unit[i])
            zh.append((i, p, unit, is_report(sd, unit)))
    # Segment only what extraction needs: a paragraph without a number holds no standard or fact, and
    # only a report's words are read (places, subjects). The numbers found here go with the text.
    numbered = ((i, nd.simplified[p.start:p.end], report) for i, p, unit, report in zh if unit.kind != "table")
    wanted = [(i, text, numbers, report) for i, text, report in numbered if (numbers := find_numbers(text))]
    docs = {}
    for segmenter, words_read in (("jieba", True), ("char", False)):
        group = [(i, text, numbers) for i, text, numbers, report in wanted if report == words_read]
        docs.update(zip((i for i, *_ in group),
                        nlp(segmenter).pipe(with_numbers(text, numbers, segmenter) for _, text, numbers in group),
                        strict=True))
    place: str | None = None
    tables: dict[str, list[tuple[str, str, int, bool]]] = {}
    seen_standards: set[tuple] = set()
    for i, p, unit, report in zh:
        if unit.kind == "table":
            tables.setdefault(unit.unit_id, []).append(
                (nd.simplified[p.start:p.end], nd.text[p.start:p.end], p.start, p.table_row))
            continue
        doc = docs.get(i)
        if doc is None:
            if report:  # no numbers, but the places it names carry to the next paragraphs
                places = places_in(nd.simplified[p.start:p.end])
                place = places[-1].name if places else place
            continue
        if unit.kind not in NO_STANDARDS:
            for s in find_standards(text_of(doc), doc._.quantities):
                row = _standard_row(sd, unit.unit_id, p, s)
                key = (row["article_no"] if row["article_no"] is not None else unit.unit_id, row["concept"],
                       row["relation"], row["value_min"], row["value_max"], row["unit"])
                if key not in seen_standards:
                    seen_standards.add(key)
                    ex.standards.append(row)
        if report:
            facts, place = chinese_facts(text_of(doc), doc._.quantities, doc._.places, place)
            ex.facts += [_fact_row(sd, unit.unit_id, p, f) for f in facts]
    _number_ids(ex.standards, "standard_id", ("doc_id", "unit_id", "concept"))
    for unit_id, rows in tables.items():
        ex.conversion_rates += _rate_rows(sd, unit_id, rows)
    ex.facts += _english(sd)
    _number_ids(ex.facts, "fact_id", ("doc_id", "unit_id", "language"))
    _match_translations(sd, ex.facts)
    return ex


def is_report(sd: StructuredDocument, unit: Unit) -> bool:
    """A report's paragraph (outside any article): its numbers are statistics, read as facts."""
    return unit.kind in REPORT_KINDS and sd.enclosing(unit.unit_id, "article") is None


def _number_ids(rows: list[dict], id_field: str, keys: tuple[str, ...]) -> None:
    counts: dict[tuple, int] = {}
    for r in rows:
        k = tuple(r[f] for f in keys)
        counts[k] = counts.get(k, 0) + 1
        r[id_field] = "/".join(str(x) for x in k) + f"/{counts[k]}"


def _span(nd: NormalizedDocument, p: Paragraph, start: int, end: int) -> tuple[int, int, str]:
    a, b = nd.original_span(p.start + start, p.start + end)
    return a, b, nd.source.text[a:b]


def _numbers_of(sd: StructuredDocument, unit_id: str) -> tuple[int | None, int | None]:
    article = sd.enclosing(unit_id, "article")
    item = sd.enclosing(unit_id, "item")
    return (article.number if article else None), (item.number if item else None)


def _unit_as_written(nd: NormalizedDocument, p: Paragraph, start: int | None, end: int | None,
                     simplified_unit: str | None) -> str | None:
    if simplified_unit == "%":
        return "%"
    if start is None or end is None:
        return simplified_unit
    return nd.text[p.start + start:p.start + end]


def _base(unit_word: str | None, lo: float | None, hi: float | None, nd: NormalizedDocument):
    info = unit_info(unit_word) if unit_word else None
    if info is None or info.kind not in ("mass", "area"):
        return None, None, None
    factor = info.factor(nd.source.metadata.date)
    if factor is None:
        return None, None, None
    base_unit = vocab.load("units")["base_units"][info.kind]
    return (lo * factor if lo is not None else None), (hi * factor if hi is not None else None), base_unit


def _standard_row(sd: StructuredDocument, unit_id: str, p: Paragraph, s: Standard) -> dict[str, Any]:
    nd = sd.normalized
    q = s.quantity
    a, b, quote = _span(nd, p, s.quote_start, s.quote_end)
    article_no, item_no = _numbers_of(sd, unit_id)
    base_min, base_max, base_unit = _base(q.unit, s.value_min, s.value_max, nd)
    return {
        "standard_id": "", "doc_id": sd.doc_id, "unit_id": unit_id, "article_no": article_no, "item_no": item_no,
        "concept": s.concept, "relation": s.relation, "value_min": s.value_min, "value_max": s.value_max,
        "unit": _unit_as_written(nd, p, q.unit_start, q.unit_end, q.unit),
        "base_min": base_min, "base_max": base_max, "base_unit": base_unit, "per": s.per,
        "condition": s.condition, "subject": s.subject, "reference_concept": s.reference, "flags": s.flags,
        "quote": quote, "context": nd.text[p.start + s.context_start:p.start + s.context_end],
        "char_start": a, "char_end": b, "reading_min": None, "reading_max": None, "erratum": None,
    }


def _fact_row(sd: StructuredDocument, unit_id: str, p: Paragraph, f: Fact) -> dict[str, Any]:
    nd = sd.normalized
    a, b, quote = _span(nd, p, f.start, f.end)
    text = nd.text[p.start:p.end]
    lo = max(0, text.rfind("，", 0, f.start) + 1)
    hi = min([k for k in (text.find(c, f.end) for c in "，。；") if k >= 0] or [len(text)])
    return {
        "fact_id": "", "doc_id": sd.doc_id, "unit_id": unit_id, "value": f.value, "qualifier": f.qualifier,
        "unit": _unit_as_written(nd, p, f.unit_start, f.unit_end, f.unit) if f.language == "zh" else f.unit,
        "subject": f.subject, "place": f.place, "date": nd.source.metadata.date, "language": f.language,
        "matched_fact_id": None, "flags": list(f.flags), "quote": quote, "context": text[lo:hi],
        "char_start": a, "char_end": b,
    }


def _english(sd: StructuredDocument) -> list[dict[str, Any]]:
    nd = sd.normalized
    out = []
    articles = {u.unit_id for u in sd.units if u.kind == "article"}
    for i, p in enumerate(nd.paragraphs):
        if p.language != "en" or p.region not in ("translation",):
            continue
        unit = sd.unit(sd.paragraph_unit[i])
        top = sd.ancestors(unit.unit_id)[-1]
        if top.aligned_unit_id in articles:
            continue  # a translated article: its numbers are the rule's, not statistics
        out += [_fact_row(sd, unit.unit_id, p, f) for f in english_facts(nd.text[p.start:p.end])]
    return out


def _match_translations(sd: StructuredDocument, facts: list[dict[str, Any]]) -> None:
    """Point each English fact at the Chinese fact with its value, in the aligned unit first."""
    zh = [f for f in facts if f["language"] == "zh"]
    used: set[str] = set()
    for f in facts:
        if f["language"] != "en":
            continue
        aligned = sd.unit(f["unit_id"]).aligned_unit_id
        fitting = [z for z in zh if z["fact_id"] not in used and abs(z["value"] - f["value"]) < 1e-6
                   and (z["unit"] == "%") == (f["unit"] == "%")]
        match = next((z for z in fitting if z["unit_id"] == aligned), None) or next(iter(fitting), None)
        if match is None:
            f["flags"].append("translation_mismatch")
            continue
        used.add(match["fact_id"])
        f["matched_fact_id"] = match["fact_id"]
        f["place"] = f["place"] or match["place"]
        if match["unit_id"] != aligned:
            f["flags"].append("matched_outside_aligned_unit")
    if any(f["language"] == "en" for f in facts):
        for z in zh:
            if z["fact_id"] not in used:
                z["flags"].append("not_in_translation")


def _rate_rows(sd: StructuredDocument, unit_id: str, rows: list[tuple[str, str, int, bool]]) -> list[dict]:
    nd = sd.normalized
    article_no, _ = _numbers_of(sd, unit_id)
    out = []
    for r in read_table(rows):
        a, b = nd.original_span(r.crop.start, r.crop.end)
        va, vb = nd.original_span(r.value.start, r.value.end)
        crop = "".join(nd.text[r.crop.start:r.crop.end].split())
        out.append({
            "rate_id": f"{sd.doc_id}/{unit_id}/{r.position}", "doc_id": sd.doc_id, "unit_id": unit_id,
            "article_no": article_no, "position": r.position, "crop": crop, "crop_reading": None,
            "from_qty": r.from_qty, "from_unit": r.from_unit, "to_crop": r.to_crop, "to_qty": r.to_qty,
            "to_unit": r.to_unit, "flags": r.flags, "erratum": None,
            "quote": f"{nd.source.text[a:b]} → {nd.source.text[va:vb]}",
            "char_start": a, "char_end": b, "value_char_start": va, "value_char_end": vb,
        })
    return out
