"""One document's extraction: StructuredDocument → typed rows of standards, conversion rates, facts and numbers.

Every Chinese paragraph that holds a number goes through the spaCy pipelines
(pipeline/extract/nlp.py), which find its numbers and quantities and give each
a role from its sentence (pipeline/extract/roles.py): standards and facts
become rows, and every number, with its role and the reason, a row of
`numbers`. Conversion tables give conversion rates. Offsets are mapped back to
the original text for every row.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pipeline import grammar, vocab
from pipeline.crops import reference_grain
from pipeline.extract.conversion import read_table
from pipeline.extract.facts import Fact, chinese_facts, english_facts
from pipeline.extract.nlp import nlp, places_in, text_of, with_numbers
from pipeline.extract.numerals import find_masked, find_numbers, writes_digit_strings
from pipeline.extract.quantities import unit_info
from pipeline.extract.roles import LEFT_OUT, Context, Role, because, rule_density, statement_opener
from pipeline.extract.standards import Standard, concepts, find_standards
from pipeline.extract.statistical_tables import read_statistics
from pipeline.markers import starts_with_marker
from pipeline.normalize import NormalizedDocument, Paragraph
from pipeline.rows import ConversionRateRow, FactRow, NumberRow, Row, StandardRow
from pipeline.structure import StructuredDocument, Unit

NOT_READ = ("headline", "byline", "procedure", "table", "translation", "toc", "furniture")
REPORT_KINDS = ("paragraph", "preamble")


@dataclass
class Extraction:
    standards: list[StandardRow] = field(default_factory=list)
    conversion_rates: list[ConversionRateRow] = field(default_factory=list)
    facts: list[FactRow] = field(default_factory=list)
    numbers: list[NumberRow] = field(default_factory=list)

    def tables(self) -> dict[str, list[Row]]:
        return {"standards": self.standards, "conversion_rates": self.conversion_rates, "facts": self.facts,
                "numbers": self.numbers}


def context_of(sd: StructuredDocument, unit: Unit, density: str = "unknown") -> Context:
    kind = sd.normalized.source.metadata.kind or "report"
    return Context(kind=kind, in_article=sd.enclosing(unit.unit_id, "article") is not None, unit_kind=unit.kind,
                   rule_density=density, on=sd.normalized.source.metadata.date)


def extract(sd: StructuredDocument, on_number: Callable[[NumberRow, Role], None] | None = None) -> Extraction:
    """The rows of one document. `on_number(row, role)`, where given, sees every number's row with the role
    that made it, signals included (what `python -m pipeline train-roles` learns from)."""
    nd = sd.normalized
    ex = Extraction()
    digit_strings = writes_digit_strings(nd.simplified)
    density = rule_density(nd.simplified)
    zh = []  # (index, paragraph or a piece of a long one, its unit, its context)
    opener: str | None = None  # the opener of a statement whose numbered points the paragraphs are
    for i, p in enumerate(nd.paragraphs):
        if p.language == "zh":
            unit = sd.unit(sd.paragraph_unit[i])
            text = nd.simplified[p.start:p.end]
            opener = opener if opener and starts_with_marker(text) else None
            ctx = replace(context_of(sd, unit, density), opened_by=opener)
            opener = statement_opener(text) or opener
            for piece in [p] if unit.kind == "table" else pieces(nd.simplified, p):
                zh.append((len(zh), piece, unit, ctx))
    # Segment only what extraction needs: a paragraph without a number holds no row, and places are
    # read only where statistics stand. The numbers found here go with the text.
    read = ((i, nd.simplified[p.start:p.end], ctx) for i, p, unit, ctx in zh if unit.kind not in NOT_READ)
    wanted = [(i, text, numbers, ctx) for i, text, ctx in read if (numbers := find_numbers(text, digit_strings))]
    docs = {}
    for segmenter, words_read in (("jieba", True), ("char", False)):
        group = [(i, text, numbers, ctx) for i, text, numbers, ctx in wanted
                 if (not ctx.rules_by_default) == words_read]
        docs.update(zip((g[0] for g in group),
                        nlp(segmenter).pipe(with_numbers(text, numbers, segmenter, ctx)
                                            for _, text, numbers, ctx in group),
                        strict=True))
    place: str | None = None
    tables: dict[str, list[tuple[str, str, int, bool]]] = {}
    links: list[tuple[NumberRow, Row | None]] = []  # each number and the row it became
    for i, p, unit, ctx in zh:
        if unit.kind == "table":
            tables.setdefault(unit.unit_id, []).append(
                (nd.simplified[p.start:p.end], nd.text[p.start:p.end], p.start, p.table_row))
            continue
        doc = docs.get(i)
        if doc is None:
            if not ctx.rules_by_default and unit.kind not in NOT_READ:  # the places it names carry on
                places = places_in(nd.simplified[p.start:p.end])
                place = places[-1].name if places else place
            continue
        text = text_of(doc)
        quantities, roles = doc._.quantities, doc._.roles
        made: dict[int, Row] = {}  # quantity start → the row it became
        for s in find_standards(text, quantities, roles, _headings(sd, unit)):
            made[s.quantity.start] = row = _standard_row(sd, _item_at(sd, unit, p.start + s.quantity.start), p, s)
            ex.standards.append(row)
        facts, place = chinese_facts(text, quantities, roles, doc._.places if not ctx.rules_by_default else [],
                                     place)
        for f in facts:
            made[f.start] = row = _fact_row(sd, _item_at(sd, unit, p.start + f.start), p, f)
            ex.facts.append(row)
        for q, r in zip(quantities, roles, strict=True):
            number = _number_row(sd, _item_at(sd, unit, p.start + q.start), p, q.start, q.end, q.value_min,
                                 q.value_max, r, list(q.flags), q.unit)
            links.append((number, made.get(q.start)))
            if on_number is not None:
                on_number(number, r)
    masked = Role(LEFT_OUT, because("masked"))
    for _, p, unit, _ctx in zh:  # numbers masked in the source: flagged, never read
        if unit.kind not in NOT_READ:
            for m in find_masked(nd.simplified[p.start:p.end]):
                links.append((_number_row(sd, unit.unit_id, p, m.start, m.end, None, None, masked,
                                          ["masked_number"]), None))
    links = _merge_restated_standards(ex.standards, links)
    _number_ids(ex.standards, "standard_id", ("doc_id", "unit_id", "concept"))
    for unit_id, rows in tables.items():
        if _is_conversion_table(rows):
            ex.conversion_rates += _rate_rows(sd, unit_id, rows)
        else:
            ex.facts += _table_facts(sd, unit_id, rows)
    ex.facts += _not_rules(sd, _english(sd), ex.facts, ex.standards)
    _number_ids(ex.facts, "fact_id", ("doc_id", "unit_id", "language"))
    for number, row in links:
        number.row_id = getattr(row, "standard_id", None) or getattr(row, "fact_id", None)
        ex.numbers.append(number)
    _match_translations(sd, ex.facts)
    return ex


# A paragraph longer than this is read in pieces cut at sentence ends, so that a text without line
# breaks (a whole book on one line) is read at the speed of any other: every step reads a sentence
# and its neighbours, never a whole paragraph, and spaCy takes at most 1,000,000 characters at once.
PIECE_MAX = 4000
SENTENCE_ENDS = grammar.SENTENCE_ENDS + "；;"  # a piece may end at a semicolon too
CLAUSE_ENDS = grammar.MINOR + "：:\t "


def pieces(text: str, p: Paragraph, size: int = PIECE_MAX) -> list[Paragraph]:
    """`p` cut into pieces of at most `size` characters of `text`: after the last sentence end of a piece's
    second half, else after its last clause end, else between two characters that are not both parts of a
    number; never inside a number (1,000)."""
    if p.end - p.start <= size:
        return [p]
    out, start = [], p.start
    while p.end - start > size:
        cut = _cut(text, start + size // 2, start + size)
        out.append(replace(p, start=start, end=cut))
        start = cut
    out.append(replace(p, start=start))
    return out


def _cut(text: str, low: int, high: int) -> int:
    """Where to cut text[low:high] (the cut falls after the returned position - 1)."""
    def inside_number(k: int) -> bool:  # a cut before text[k]
        return _number_char(text[k - 1]) and _number_char(text[k])

    for ends in (SENTENCE_ENDS, CLAUSE_ENDS):
        for k in range(high - 1, low - 1, -1):
            if text[k] in ends and not inside_number(k + 1):
                return k + 1
    k = high
    while k > low and inside_number(k):
        k -= 1
    return k


def _number_char(ch: str) -> bool:
    return ch.isdigit() or ch.isnumeric() or ch in "〇零两半几余多.,，点"


def _number_ids(rows: list, id_field: str, keys: tuple[str, ...]) -> None:
    counts: dict[tuple, int] = {}
    for r in rows:
        k = tuple(getattr(r, f) for f in keys)
        counts[k] = counts.get(k, 0) + 1
        setattr(r, id_field, "/".join(str(x) for x in k) + f"/{counts[k]}")


def _span(nd: NormalizedDocument, p: Paragraph, start: int, end: int) -> tuple[int, int, str]:
    a, b = nd.original_span(p.start + start, p.start + end)
    return a, b, nd.source.text[a:b]


def _numbers_of(sd: StructuredDocument, unit_id: str) -> tuple[int | None, int | None]:
    article = sd.enclosing(unit_id, "article")
    item = sd.enclosing(unit_id, "item")
    return (article.number if article else None), (item.number if item else None)


def _unit_as_written(nd: NormalizedDocument, p: Paragraph, start: int | None, end: int | None,
                     unit: str | None) -> str | None:
    """The unit as the text writes it (兩 in a traditional text); 月 of 三個月 is recorded without its 個."""
    if unit == "%" or start is None or end is None:
        return unit
    written = nd.text[p.start + start:p.start + end]
    info = unit_info(unit) if unit else None
    if info is not None and info.unit and len(written) > len(info.unit):
        return written[len(written) - len(info.unit):]
    return written


def _base(unit_word: str | None, lo: float | None, hi: float | None, nd: NormalizedDocument):
    info = unit_info(unit_word) if unit_word else None
    if info is None or info.kind not in ("mass", "area"):
        return None, None, None
    factor = info.factor(nd.source.metadata.date)
    if factor is None:
        return None, None, None
    base_unit = vocab.load("units")["base_units"][info.kind]
    return (lo * factor if lo is not None else None), (hi * factor if hi is not None else None), base_unit


def _item_at(sd: StructuredDocument, unit: Unit, offset: int) -> str:
    """The unit of the number at `offset` (normalized text) in a paragraph of `unit`: an item of the same
    article that a paragraph running several items together ((1)…。(2)…。) holds there, else `unit`."""
    if offset < unit.end or unit.kind != "item":
        return unit.unit_id
    return next((u.unit_id for u in sd.units if u.kind == "item" and u.parent_id == unit.parent_id
                 and u.start <= offset < u.end), unit.unit_id)


LEAD_MAX = 30  # an article's words before its first item, at most this long, head its items (供应办法：)


def _headings(sd: StructuredDocument, unit: Unit) -> str:
    """The headings of the units a paragraph stands under, nearest last (chapter …, article), simplified; for an
    item, its article's lead before the first item as well (第二条　供应办法：⏎1．…⏎2．灾区可以酌量增加百分之十)."""
    chain = [u for u in sd.ancestors(unit.unit_id) if u.heading]
    heads = [vocab.simplified(u.heading) for u in reversed(chain)]
    if unit.kind == "item" and unit.parent_id and (first := min(
            (u.start for u in sd.units if u.parent_id == unit.parent_id and u.kind == "item"), default=None)):
        lead = sd.normalized.simplified[sd.unit(unit.parent_id).start:first].strip()
        if 0 < len(lead) <= LEAD_MAX:
            heads.append(lead)
    return "。".join(heads)


def _standard_row(sd: StructuredDocument, unit_id: str, p: Paragraph, s: Standard) -> StandardRow:
    nd = sd.normalized
    q = s.quantity
    a, b, quote = _span(nd, p, s.quote_start, s.quote_end)
    article_no, item_no = _numbers_of(sd, unit_id)
    base_min, base_max, base_unit = _base(q.unit, s.value_min, s.value_max, nd)
    info = unit_info(q.unit) if q.unit else None
    flags = list(s.flags)
    if info is not None and info.by_date and nd.source.metadata.date is None:
        flags.append("base_needs_date")  # 兩 is 1/16 or 1/10 斤 by the date, which the text does not state
    return StandardRow(
        doc_id=sd.doc_id, unit_id=unit_id, article_no=article_no, item_no=item_no, family=s.family,
        concept=s.concept,
        relation=s.relation, value_min=s.value_min, value_max=s.value_max,
        unit=_unit_as_written(nd, p, q.unit_start, q.unit_end, q.unit) or "", base_min=base_min, base_max=base_max,
        base_unit=base_unit, per=s.per, condition=s.condition, subject=s.subject, reason=s.reason,
        reference_concept=s.reference, flags=flags, quote=quote,
        context=nd.text[p.start + s.context_start:p.start + s.context_end], char_start=a, char_end=b,
    )


def _fact_row(sd: StructuredDocument, unit_id: str, p: Paragraph, f: Fact) -> FactRow:
    nd = sd.normalized
    a, b, quote = _span(nd, p, f.start, f.end)
    text = nd.text[p.start:p.end]
    lo = max(0, text.rfind("，", 0, f.start) + 1)
    hi = min([k for k in (text.find(c, f.end) for c in "，。；") if k >= 0] or [len(text)])
    return _fact(sd, unit_id, f.value, f.value_min, f.value_max, f.qualifier,
                 _unit_as_written(nd, p, f.unit_start, f.unit_end, f.unit) if f.language == "zh" else f.unit,
                 f.subject, f.place, f.language, f.reason, list(f.flags), (a, b, quote), text[lo:hi])


def _fact(sd: StructuredDocument, unit_id: str, value: float | None, value_min: float | None,
          value_max: float | None, qualifier: str, unit: str | None, subject: str | None, place: str | None,
          language: str, reason: str, flags: list[str], span: tuple[int, int, str], context: str) -> FactRow:
    """The one builder of `facts` rows, for a sentence's fact and a table's cell alike: a range keeps both
    ends, a single value stands for both; the date is the document's; `span` is (char_start, char_end, quote)
    in the original."""
    a, b, quote = span
    return FactRow(
        doc_id=sd.doc_id, unit_id=unit_id, value=value, value_min=value_min if value_min is not None else value,
        value_max=value_max if value_max is not None else value, qualifier=qualifier, unit=unit, subject=subject,
        place=place, date=sd.normalized.source.metadata.date, language=language, reason=reason, flags=flags,
        quote=quote, context=context, char_start=a, char_end=b,
    )


def _finite(value: float | None) -> float | None:
    """A value a database can hold and a user can trust: none for inf or nan (1e308 × 1e4)."""
    return value if value is None or math.isfinite(value) else None


def _number_row(sd: StructuredDocument, unit_id: str, p: Paragraph, start: int, end: int, value_min: float | None,
                value_max: float | None, r: Role, flags: list[str], unit: str | None = None) -> NumberRow:
    """The one builder of `numbers` rows: a number read (its quantity's values and unit) or masked in the source
    (no value), at p's characters start:end, with its role and reason."""
    a, b, quote = _span(sd.normalized, p, start, end)
    return NumberRow(number_id=f"{sd.doc_id}/{unit_id}/{p.start + start}", doc_id=sd.doc_id, unit_id=unit_id,
                     value_min=_finite(value_min), value_max=_finite(value_max), unit=unit, role=r.role,
                     reason=r.reason, reason_code=r.code, flags=flags, quote=quote, char_start=a, char_end=b)


def _merge_restated_standards(rows: list[StandardRow], links: list[tuple[NumberRow, Row | None]]
                              ) -> list[tuple[NumberRow, Row | None]]:
    """A standard of a known concept stated again in its article (不足二十天者…；超过二十天者…, a threshold
    the concept declares `relation: exact`) is one standard: the later row is dropped, and its number says
    so. Other rows are never merged: two mentions may set two rules (但不要少于280斤，不足280斤的要补足)."""
    thresholds = {c.name for c in concepts() if c.relation == "exact"}
    kept: list[StandardRow] = []
    dropped: dict[int, StandardRow] = {}
    for r in rows:
        twin = next((k for k in kept if r.concept in thresholds and k.concept == r.concept
                     and (k.article_no if k.article_no is not None else k.unit_id)
                     == (r.article_no if r.article_no is not None else r.unit_id)
                     and (k.relation, k.value_min, k.value_max, k.unit) == (r.relation, r.value_min, r.value_max,
                                                                            r.unit)), None)
        if twin is None:
            kept.append(r)
        else:
            dropped[id(r)] = twin
    rows[:] = kept
    out = []
    for number, row in links:
        if row is not None and id(row) in dropped:
            restated = because("restated", word=dropped[id(row)].quote)
            number.reason, number.reason_code = restated.text, restated.code
            row = None
        out.append((number, row))
    return out


def _english(sd: StructuredDocument) -> list[FactRow]:
    nd = sd.normalized
    out = []
    articles = {u.unit_id for u in sd.units if u.kind == "article"}
    regulation = (nd.source.metadata.kind or "report") == "regulation"
    for i, p in enumerate(nd.paragraphs):
        if p.language != "en" or p.region not in ("translation",):
            continue
        unit = sd.unit(sd.paragraph_unit[i])
        top = sd.ancestors(unit.unit_id)[-1]
        if regulation and top.aligned_unit_id in articles:
            continue  # a translated article: its numbers are the rule's, not statistics
        out += [_fact_row(sd, unit.unit_id, p, f) for f in english_facts(nd.text[p.start:p.end])]
    return out


def _not_rules(sd: StructuredDocument, english: list[FactRow], facts: list[FactRow],
               standards: list[StandardRow]) -> list[FactRow]:
    """The English facts without the numbers that translate a rule: a value of a Chinese standard of the aligned
    unit, where no Chinese fact there has it (…税率，为常年产量的百分之十五点五 / 15.5 per cent of the normal yield)."""
    out = []
    for f in english:
        aligned = sd.unit(f.unit_id).aligned_unit_id
        same = [v for s in standards if s.unit_id == aligned and (s.unit == "%") == (f.unit == "%")
                for v in (s.value_min, s.value_max) if v is not None and abs(v - f.value) < 1e-6]
        stated = any(z.unit_id == aligned and abs(z.value - f.value) < 1e-6 for z in facts if z.language == "zh")
        if not same or stated:
            out.append(f)
    return out


def _match_translations(sd: StructuredDocument, facts: list[FactRow]) -> None:
    """Point each English fact at the Chinese fact with its value, in the aligned unit first."""
    zh = [f for f in facts if f.language == "zh"]
    used: set[str] = set()
    for f in facts:
        if f.language != "en":
            continue
        aligned = sd.unit(f.unit_id).aligned_unit_id
        fitting = [z for z in zh if z.fact_id not in used and abs(z.value - f.value) < 1e-6
                   and (z.unit == "%") == (f.unit == "%")]
        match = next((z for z in fitting if z.unit_id == aligned), None) or next(iter(fitting), None)
        if match is None:
            f.flags.append("translation_mismatch")
            continue
        used.add(match.fact_id)
        f.matched_fact_id = match.fact_id
        f.place = f.place or match.place
        if match.unit_id != aligned:
            f.flags.append("matched_outside_aligned_unit")
    if any(f.language == "en" for f in facts):
        for z in zh:
            if z.fact_id not in used:
                z.flags.append("not_in_translation")


def _is_conversion_table(rows: list[tuple[str, str, int, bool]]) -> bool:
    """A conversion table names the grain its rates convert to (折合稻谷); other tables are statistics."""
    return any(reference_grain() in text for text, *_ in rows)


def _table_facts(sd: StructuredDocument, unit_id: str, rows: list[tuple[str, str, int, bool]]) -> list[FactRow]:
    """Every cell of a statistical table as a fact (pipeline/extract/statistical_tables.py)."""
    nd = sd.normalized
    out = []
    for cell in read_statistics([text for text, *_ in rows]):
        offset = rows[cell.token.para][2]
        a, b = nd.original_span(offset + cell.token.start, offset + cell.token.end)
        ra, rb = offset + cell.row[0].start, offset + cell.row[-1].end
        out.append(_fact(sd, unit_id, cell.value, None, None, "exact", cell.unit, cell.subject, None, "zh",
                         because("table_cell").text, [], (a, b, nd.source.text[a:b]), nd.text[ra:rb]))
    return out


def _rate_rows(sd: StructuredDocument, unit_id: str, rows: list[tuple[str, str, int, bool]]) -> list[ConversionRateRow]:
    nd = sd.normalized
    article_no, _ = _numbers_of(sd, unit_id)
    out = []
    for r in read_table(rows):
        a, b = nd.original_span(r.crop.start, r.crop.end)
        va, vb = nd.original_span(r.value.start, r.value.end)
        crop = "".join(nd.text[r.crop.start:r.crop.end].split())
        out.append(ConversionRateRow(
            rate_id=f"{sd.doc_id}/{unit_id}/{r.position}", doc_id=sd.doc_id, unit_id=unit_id,
            article_no=article_no, position=r.position, crop=crop, crop_reading=None,
            from_qty=r.from_qty, from_unit=r.from_unit, to_crop=r.to_crop, to_qty=r.to_qty,
            to_unit=r.to_unit, flags=r.flags, erratum=None,
            quote=f"{nd.source.text[a:b]} → {nd.source.text[va:vb]}",
            char_start=a, char_end=b, value_char_start=va, value_char_end=vb,
        ))
    return out
