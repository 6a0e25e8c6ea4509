"""Statistical tables: every cell a fact, with its row, its column and the unit it is counted in.

A table is a run of rows: one per line (a grid), or flattened onto one line
with its rows apart by three spaces or more (normalization keeps them apart as
tabs). Rows before the first row with numbers are headers; a row of words
only between data rows names a group (货运量). In a data row the words before
the numbers are the row's label, and when the header has a unit column
(计算单位) the last of them is the row's unit (万吨).

Each value's unit comes from its column's header (五年投资额（亿元）, 播种面积
（万亩）), else its row's unit, else the table's unit line (计算单位：亿元);
a column headed 百分比, 比重 or % holds percentages. A value is expanded by the
unit's 万 or 亿 (11,298.5 万吨 → 112985000 吨). Headers of two rows are
matched to the values: a header that names no year takes the sub-headers of
the second row (占总计的百分比 → 1952年, 1957年), or each header takes an
equal share of them (播种面积, 每亩产量, 总产量 under each year).
A dash (— or -) is an empty cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import vocab

UNIT_LINE_RE = re.compile(r"(?:计算)?单位[：:]\s*(?P<unit>\S+)")
NUMBER_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
COMPOSITE_RE = re.compile(r"^-?[\d,.]+(?:/-?[\d,.]+)+$")
EMPTY = ("—", "-", "－", "…")
PAREN_UNIT_RE = re.compile(r"[（(](?P<unit>[^（）()]{1,8})[）)]")
MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
YEAR_RE = re.compile(r"\d{4}年")


@dataclass
class Token:
    text: str
    start: int  # paragraph-relative offsets
    end: int
    para: int  # which of the table's paragraphs


@dataclass
class Cell:
    value: float
    unit: str | None
    subject: str
    token: Token
    row: list[Token]


def _tokens(text: str, para: int) -> list[list[Token]]:
    """The rows of one paragraph (split at tabs) as tokens (split at spaces), with offsets."""
    rows, pos = [], 0
    for chunk in text.split("\t"):
        toks = [Token(m.group(0), pos + m.start(), pos + m.end(), para) for m in re.finditer(r"\S+", chunk)]
        if toks:
            rows.append(toks)
        pos += len(chunk) + 1
    return rows


def _is_value(t: str) -> bool:
    return bool(NUMBER_RE.match(t) or COMPOSITE_RE.match(t)) or t in EMPTY


def _is_data(row: list[Token]) -> bool:
    return any(NUMBER_RE.match(t.text) or COMPOSITE_RE.match(t.text) for t in row)


def _scale(unit: str | None) -> tuple[float, str | None]:
    """万吨 → (1e4, 吨); 亿元 → (1e8, 元); 万册（份） → (1e4, 册); 市斤 → (1, 市斤)."""
    if not unit:
        return 1.0, None
    unit = PAREN_UNIT_RE.sub("", unit) or unit
    if len(unit) > 1 and unit[0] in MULTIPLIERS and unit[1] not in "分":
        return MULTIPLIERS[unit[0]], unit[1:]
    return 1.0, unit


def _header_cells(row: list[Token]) -> list[str]:
    """A header row's column names, rejoining names split by a space (1957年为 / 1952年的百分比)."""
    out: list[str] = []
    for t in row:
        if out and (out[-1].endswith(("为", "的", "比")) or t.text.startswith(("的", "(", "（"))):
            out[-1] += t.text
        else:
            out.append(t.text)
    return out


def _describes_column(name: str) -> bool:
    return bool(YEAR_RE.search(name) or PAREN_UNIT_RE.search(name) or _percent_heading(name)
                or name.endswith(vocab.words("units", "amount_headings")))


def _percent_heading(name: str) -> bool:
    return any(w in name for w in vocab.words("units", "percent_headings"))


def _sub_columns(row: list[Token]) -> list[str]:
    """A second header row's columns: a column closes at its bracketed unit (播种 面积 (万亩)), else one a token."""
    names = _header_cells(row)
    if not any(PAREN_UNIT_RE.search(n) for n in names):
        return names
    out, current = [], ""
    for n in names:
        current += n
        if PAREN_UNIT_RE.search(n):
            out.append(current)
            current = ""
    return out + ([current] if current else [])


@dataclass
class _Columns:
    names: list[str]  # the leaf columns after the label (and unit) columns
    unit_column: bool


def _columns(headers: list[list[Token]]) -> _Columns:
    if not headers:
        return _Columns([], False)
    top = _header_cells(headers[0])
    unit_column = any(n in ("计算单位", "单位") for n in top)
    first = next((k for k, n in enumerate(top) if _describes_column(n) and n not in ("计算单位", "单位")), len(top))
    top = [n for n in top[first:] if n not in ("计算单位", "单位")]
    if len(headers) < 2:
        return _Columns(top, unit_column)
    sub = _sub_columns(headers[1])
    if top and len(sub) % len(top) == 0 and len(sub) > len(top):  # each header over an equal share
        k = len(sub) // len(top)
        return _Columns([f"{top[j // k]}{sub[j]}" for j in range(len(sub))], unit_column)
    expand = next((j for j, n in enumerate(top) if not YEAR_RE.search(n)), len(top) - 1)
    leaf = top[:expand] + [f"{top[expand]}{s}" for s in sub] + top[expand + 1:] if top else sub
    return _Columns(leaf, unit_column)


def read_statistics(paragraphs: list[str]) -> list[Cell]:
    """The cells of a statistical table given as its paragraphs (simplified view)."""
    table_unit: str | None = None
    rows: list[list[Token]] = []
    for k, text in enumerate(paragraphs):
        if m := UNIT_LINE_RE.search(text):
            table_unit = m.group("unit")
            continue
        rows += _tokens(text, k)
    first_data = next((i for i, r in enumerate(rows) if _is_data(r)), None)
    if first_data is None:
        return []
    cols = _columns(rows[:first_data])
    out: list[Cell] = []
    group = ""
    for row in rows[first_data:]:
        if not _is_data(row):
            group = "".join(t.text for t in row)
            continue
        k = next(i for i, t in enumerate(row) if _is_value(t.text))
        words, values = row[:k], row[k:]
        row_unit = None
        if cols.unit_column and len(words) >= 2:
            row_unit, words = words[-1].text, words[:-1]
        label = "".join(t.text for t in words)
        if not label and group:
            label = group
        for j, v in enumerate(values):
            if v.text in EMPTY or not _is_value(v.text):
                continue
            name = cols.names[j] if j < len(cols.names) else ""
            percent = _percent_heading(name)
            unit = "%" if percent else (_paren_unit(name) or row_unit or table_unit)
            parts = v.text.split("/") if "/" in v.text else [v.text]
            units = unit.split("/") if unit and "/" in unit and len(unit.split("/")) == len(parts) else [unit] * len(
                parts)
            for part, part_unit in zip(parts, units, strict=True):
                if not NUMBER_RE.match(part):
                    continue
                factor, base = (1.0, "%") if percent else _scale(part_unit)
                subject = "".join(x for x in (group if group != label else "", label, name) if x)
                value = float(f"{float(part.replace(',', '')) * factor:.12g}")  # 1,249.9 亿 is 124990000000
                out.append(Cell(value, base, subject, v, row))
    return out


def _paren_unit(name: str) -> str | None:
    m = PAREN_UNIT_RE.search(name)
    return m.group("unit") if m else None
