"""Maintainers' readings of damaged places: corpus/errata/*.yaml.

An erratum names a document, a table and the row it reads (by column
values), sets reading columns beside the raw ones (never overwriting what
the text says) and states why and who:

    errata:
      - document: 003_b69152d1adbf7c19.txt
        table: conversion_rates
        match: {article_no: 7, position: 1, crop: 大麥}
        set: {crop_reading: 小麥}
        reason: 大麥 is printed twice; the first row's rate (120) is wheat's.
        author: grain-data maintainers
        date: 2026-11-22

An erratum that matches no row, or a malformed file, is reported as a
build issue; the rows stay as extracted.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline import vocab
from pipeline.errors import PipelineError
from pipeline.load.tables import tables
from pipeline.vocab import simplified
from pipeline.yamlfiles import read_yaml, shown

READING_FIELDS = {
    "standards": {"reading_min": "amount", "reading_max": "amount"},
    "conversion_rates": {"crop_reading": "text"},
    "facts": {},
}
REQUIRED = ("document", "table", "match", "set", "reason", "author")
ID_COLUMNS = {"standards": "standard_id", "conversion_rates": "rate_id", "facts": "fact_id"}


@dataclass
class Erratum:
    source: str  # file and entry number, for messages
    document: str
    table: str
    match: dict[str, Any]
    values: dict[str, Any]
    reason: str
    author: str
    date: date | None = None

    def describe(self) -> str:
        when = f", {self.date}" if self.date else ""
        return f"{self.reason} ({self.author}{when}; {self.source})"


def entries_of(folder: Path, key: str, code: str) -> tuple[list[tuple[str, object]], list[PipelineError]]:
    """The entries of the `key:` lists of every YAML file in `folder`, each with its place
    ("FILE entry N"); a file that cannot be read is a problem with `code`, not an exception."""
    out: list[tuple[str, object]] = []
    problems: list[PipelineError] = []
    if not folder.is_dir():
        return out, problems
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = read_yaml(path) or {}
            entries = data.get(key) if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise ValueError(f"expected a top-level `{key}:` list")
        except (OSError, ValueError) as exc:
            problems.append(PipelineError(code, path.name, {"path": path.name, "detail": " ".join(str(exc).split())}))
            continue
        out += [(f"{path.name} entry {k}", e) for k, e in enumerate(entries, start=1)]
    return out, problems


def text_field(entry: dict, name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: {shown(value)} is not text; write it in quotes")
    return value


def typed(name: str, value: object, kind: str) -> object:
    """A value an entry sets, checked: `amount` a finite number from 0, `text` non-empty text."""
    if kind == "amount":
        largest = float(vocab.load("qualifiers")["largest_number"]["value"])
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or not 0 <= value <= largest:
            raise ValueError(f"{name}: {shown(value)} is not an amount; write a number from 0 (480, 7.5) "
                             f"to {largest:.0e}")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: {shown(value)} is not text; write it in quotes")
    return value


def in_order(low_name: str, low: object, high_name: str, high: object) -> None:
    if low is not None and high is not None and low > high:
        raise ValueError(f"{low_name} {low:g} is above {high_name} {high:g}")


def _erratum(where: str, e: object) -> Erratum:
    """One entry as an Erratum, or ValueError saying what is wrong with it."""
    missing = [f for f in REQUIRED if not isinstance(e, dict) or f not in e]
    if missing:
        raise ValueError(f"needs {', '.join(REQUIRED)}; missing: {', '.join(missing)}")
    table = e["table"]
    if not isinstance(table, str) or table not in READING_FIELDS:
        raise ValueError(f"table: {shown(table)} is not one of {', '.join(sorted(READING_FIELDS))}")
    allowed = READING_FIELDS[table]
    match, values = e["match"], e["set"]
    if not isinstance(match, dict) or not match:
        raise ValueError(f"match: {shown(match)} is not a mapping of column: value ({{article_no: 7, position: 1}})")
    columns = set(tables()[table].column_names)
    for column, value in match.items():
        if column not in columns:
            raise ValueError(f"match: {table} has no column {column!r}")
        if not isinstance(value, str | int | float | bool) or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"match: {column}: {shown(value)} is not a single value")
    if not isinstance(values, dict) or not values or not set(values) <= set(allowed):
        raise ValueError(f"set: table {table!r} takes readings {sorted(allowed)}, not {shown(values)}")
    values = {name: typed(name, value, allowed[name]) for name, value in values.items()}
    in_order("reading_min", values.get("reading_min"), "reading_max", values.get("reading_max"))
    when = e.get("date")
    if when is not None and not isinstance(when, date):
        try:
            when = date.fromisoformat(str(when))
        except ValueError:
            raise ValueError(f"date: {when!r} is not a date; write YYYY-MM-DD") from None
    return Erratum(where, text_field(e, "document"), table, dict(match), values, text_field(e, "reason"),
                   text_field(e, "author"), when)


def load_errata(folder: Path) -> tuple[list[Erratum], list[PipelineError]]:
    """All errata of a corpus; malformed files or entries come back as errors, not exceptions."""
    out: list[Erratum] = []
    entries, problems = entries_of(folder, "errata", "E206")
    for where, e in entries:
        try:
            out.append(_erratum(where, e))
        except ValueError as exc:
            problems.append(PipelineError("E206", where, {"path": where, "detail": exc}))
    return out, problems


def _matches(row: dict[str, Any], match: dict[str, Any]) -> bool:
    for key, want in match.items():
        got = row.get(key)
        if isinstance(want, str) and isinstance(got, str):
            if simplified(got) != simplified(want):
                return False
        elif got != want:
            return False
    return True


def conflicts(claims: list[tuple[tuple, object, str]], code: str) -> tuple[set[str], list[PipelineError]]:
    """The entries that set one place to different values, and an error per entry naming the others.

    `claims` holds (place, value, entry) for every value an entry sets; a place is set once or by
    entries that agree. Conflicting entries are applied neither: the maintainers withdraw one."""
    by_place: dict[tuple, list[tuple[object, str]]] = {}
    for place, value, entry in claims:
        by_place.setdefault(place, []).append((value, entry))
    losers: dict[str, list[str]] = {}
    for place, said in by_place.items():
        if len({repr(v) for v, _ in said}) > 1:
            for value, entry in said:
                others = [f"{o} ({v!r})" for v, o in said if o != entry]
                what = f"{place[-1]} of {place[-2]}: {value!r} against {', '.join(others)}"
                losers.setdefault(entry, []).append(what)
    problems = [PipelineError(code, entry, {"where": entry, "detail": "; ".join(what)})
                for entry, what in losers.items()]
    return set(losers), problems


def apply_errata(con, errata: list[Erratum], doc_ids: dict[str, str]) -> list[PipelineError]:
    """Set readings on the matching rows of a database being built; `doc_ids` maps file names to doc ids.

    Two errata that set the same reading of a row differently are both reported and neither is applied."""
    problems = []
    hits: dict[str, list[str]] = {}
    for e in errata:
        doc_id = doc_ids.get(e.document)
        id_col = ID_COLUMNS[e.table]
        rows = []
        if doc_id is not None:
            cur = con.execute(f'select * from "{e.table}" where doc_id = ?', [doc_id])
            cols = [d[0] for d in cur.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        hits[e.source] = [r[id_col] for r in rows if _matches(r, e.match)]
        if not hits[e.source]:
            detail = f"document {e.document} is not in the corpus" if doc_id is None else f"no row matches {e.match}"
            problems.append(PipelineError("E205", e.source, {"where": e.source, "detail": detail}))
    claims = [((e.table, row, column), value, e.source) for e in errata for row in hits[e.source]
              for column, value in e.values.items()]
    withdrawn, clashes = conflicts(claims, "E211")
    problems += clashes
    for e in errata:
        if hits[e.source] and e.source not in withdrawn:
            for column, value in e.values.items():  # column names were checked against READING_FIELDS
                con.execute(f'update "{e.table}" set "{column}" = ?, erratum = ? where "{ID_COLUMNS[e.table]}" in '
                            f'(select unnest(?))', [value, e.describe(), hits[e.source]])
    return problems
