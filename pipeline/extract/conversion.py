"""Conversion tables: how much of a crop counts as how much of the reference grain.

A table is read as a stream of rows: labels (雜糧品種, （百市斤）, 折合稻穀,
（市斤）), rows of names and rows of values. Names are paired with the values
that follow them. A grid (one `crop value` line a row) and a flattened table
(a row of names, then a row of numbers, repeated) read alike. Names printed
one character per token (大 麥 大 豆) are regrouped by the value count, or
segmented with the crop vocabulary. Nothing is paired silently: a count that
does not match, a crop printed twice, a name that is no crop or not a grain
is flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.crops import crops, is_names_run, reference_grain
from pipeline.extract.numerals import parse_number_text
from pipeline.extract.quantities import unit_info

HEADER_RE = re.compile(r"[（(](?P<mult>[百千万]?)(?P<unit>[^（）()]{1,3})[）)]")
MULTIPLIERS = {"": 1, "百": 100, "千": 1000, "万": 10000}
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass
class Token:
    text: str  # simplified
    start: int  # offsets in the normalized text
    end: int


@dataclass
class Rate:
    position: int
    crop: Token
    value: Token
    from_qty: float
    from_unit: str
    to_crop: str
    to_qty: float | None
    to_unit: str
    flags: list[str] = field(default_factory=list)


def _tokens(text: str, offset: int) -> list[Token]:
    return [Token(m.group(0), offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", text)]


def _group_names(tokens: list[Token], count: int) -> tuple[list[Token], bool]:
    """Names for `count` values: as printed, regrouped, or segmented by the vocabulary.

    Names printed one character per token (大 麥 大 豆) are regrouped by the value count; names
    run together (大麥大豆大麥蕎麥高粱玉米栗子, or a wrapped row) are cut into exactly `count` names,
    as many of them known crops as possible (an unknown one, 蠶蟲, is kept and flagged later). When
    no cut gives `count` names, the vocabulary's own cut is returned and the count flagged.
    """
    if len(tokens) == count:
        return tokens, True
    chars = [t for t in tokens if len(t.text) == 1]
    if chars and len(chars) == len(tokens) and count and len(chars) % count == 0:
        size = len(chars) // count
        return [Token("".join(c.text for c in chars[k:k + size]), chars[k].start, chars[k + size - 1].end)
                for k in range(0, len(chars), size)], True
    flat = [(c, t.start + i) for t in tokens for i, c in enumerate(t.text)]
    text = "".join(c for c, _ in flat)

    def token(a: int, b: int) -> Token:
        return Token(text[a:b], flat[a][1], flat[b - 1][1] + 1)

    if count:
        bounds, k = set(), 0
        for t, nxt in zip(tokens, tokens[1:], strict=False):  # a space between names is a boundary (not between 大 麥)
            k += len(t.text)
            if len(t.text) > 1 or len(nxt.text) > 1:
                bounds.add(k)
        cut = _cut_into(text, count, bounds)
        if cut is not None:
            return [token(a, b) for a, b in cut], True
    names = sorted(crops(), key=len, reverse=True)
    out, k = [], 0
    while k < len(text):
        hit = next((n for n in names if text.startswith(n, k)), None)
        size = len(hit) if hit else 1
        out.append(token(k, k + size))
        k += size
    return out, False


def _cut_into(text: str, count: int, bounds: set[int], longest: int = 4) -> list[tuple[int, int]] | None:
    """`text` cut into exactly `count` pieces of 1–4 characters (one only when it is a known name), with the
    most known crop names, then the most two-character pieces (the commonest length of a crop name),
    never across the printed boundaries `bounds`; None when no cut fits."""
    known = crops()
    n = len(text)
    # best[k][i]: the best (score, cuts) for the first i characters cut into k pieces
    best: list[dict[int, tuple[tuple[int, int], list[tuple[int, int]]]]] = [{0: ((0, 0), [])}]
    for k in range(1, count + 1):
        layer: dict[int, tuple[tuple[int, int], list[tuple[int, int]]]] = {}
        for i, (score, cuts) in best[k - 1].items():
            for size in range(1, longest + 1):
                j = i + size
                if j > n:
                    break
                piece = text[i:j]
                if any(i < b < j for b in bounds):
                    break  # never across a printed space
                if size == 1 and piece not in known:
                    continue  # a name of one character must be a known one (粟, 稷)
                new = (score[0] + (piece in known), score[1] + (size == 2))
                if j not in layer or new > layer[j][0]:
                    layer[j] = (new, cuts + [(i, j)])
        best.append(layer)
    end = best[count].get(n)
    return end[1] if end else None


def read_table(rows: list[tuple[str, str, int, bool]]) -> list[Rate]:
    """Rates from a table's rows: (simplified text, normalized text, offset, is a table row).

    Crop names are matched on the simplified text; to_crop keeps the table's own spelling.
    """
    rates: list[Rate] = []
    names: list[Token] = []
    from_qty, from_unit, to_unit = 1.0, "斤", "斤"
    to_crop = reference_grain()
    stated_from = False
    for text, written, offset, is_row in rows:
        if not is_row and is_names_run(text):  # names run together: a row of names all the same
            is_row = True
        if not is_row:
            crop = next((c for c in sorted(crops(), key=len, reverse=True) if c in text), None)
            header = HEADER_RE.search(text)
            if crop and header and unit_info(header.group("unit")):
                # one caption for the whole table: 杂粮折合稻谷表（市斤）: the unit of the values
                k = text.index(crop)
                to_crop = written[k:k + len(crop)]
                to_unit = written[header.start("unit"):header.end("unit")]
                continue
            if m := HEADER_RE.fullmatch(text.strip()):
                mult, unit = MULTIPLIERS.get(m.group("mult"), 1), m.group("unit")
                if unit_info(unit) is None:
                    continue
                if names:
                    to_unit = written.strip()[m.start("unit"):m.end("unit")]
                else:
                    from_qty, from_unit = float(mult), written.strip()[m.end("mult"):m.end("unit")]
                    stated_from = True
            else:
                crop = next((c for c in sorted(crops(), key=len, reverse=True) if c in text), None)
                if crop and not names:
                    continue
                if crop and names:
                    k = text.index(crop)
                    to_crop = written[k:k + len(crop)]
            continue
        tokens = _tokens(text, offset)
        kinds = [bool(NUMBER_RE.match(t.text)) for t in tokens]
        if any(kinds) and not all(kinds) and not names:  # a grid row: name value [name value …]
            for k, tok in enumerate(tokens):
                if kinds[k] and k and not kinds[k - 1]:
                    rates.append(Rate(len(rates) + 1, tokens[k - 1], tok, from_qty, from_unit, to_crop,
                                      float(parse_number_text(tok.text)), to_unit))
            continue
        if all(kinds):
            paired, ok = _group_names(names, len(tokens))
            for k, value in enumerate(tokens):
                crop_tok = paired[k] if k < len(paired) else Token("", value.start, value.start)
                rate = Rate(len(rates) + 1, crop_tok, value, from_qty, from_unit, to_crop,
                            float(parse_number_text(value.text)), to_unit)
                if not ok or k >= len(paired):
                    rate.flags.append("count_mismatch")
                rates.append(rate)
            if not ok and len(paired) > len(tokens):
                for extra in paired[len(tokens):]:
                    rates.append(Rate(len(rates) + 1, extra, Token("", extra.end, extra.end), from_qty, from_unit,
                                      to_crop, None, to_unit, ["count_mismatch", "missing_value"]))
            names = []
        else:
            names.extend(tokens)
    if not stated_from and rates and all(r.to_qty is None or r.to_qty >= 10 for r in rates):
        # values like 110 against paddy are per hundred: say so, and flag that the text did not
        for r in rates:
            r.from_qty = 100.0
            r.from_unit = to_unit
            r.flags.append("from_qty_assumed")
    _flag_crops(rates)
    return [r for r in rates if r.crop.text]


def _flag_crops(rates: list[Rate]) -> None:
    seen: dict[str, list[Rate]] = {}
    canon: dict[str, Rate] = {}
    for r in rates:
        name = r.crop.text
        seen.setdefault(name, []).append(r)
        crop = crops().get(name)
        if crop is None:
            r.flags += ["unknown_crop", "ocr_suspect"]
            continue
        if not crop.grain:
            r.flags += ["not_a_grain", "ocr_suspect"]
        first = canon.setdefault(crop.canonical, r)
        if first is not r and first.crop.text != name and first.to_qty != r.to_qty:
            r.flags += ["synonym_conflict", "ocr_suspect"]
    for same in seen.values():
        if len(same) > 1:
            for r in same:
                r.flags.insert(0, "duplicate_crop")
    for r in rates:
        r.flags = list(dict.fromkeys(r.flags))
