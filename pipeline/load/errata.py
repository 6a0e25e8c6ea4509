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

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import PipelineError
from pipeline.vocab import simplified

READING_FIELDS = {
    "standards": {"reading_min", "reading_max"},
    "conversion_rates": {"crop_reading"},
    "facts": set(),
}
REQUIRED = ("document", "table", "match", "set", "reason", "author")


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
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            entries = data.get(key) if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise ValueError(f"expected a top-level `{key}:` list")
        except (OSError, ValueError, yaml.YAMLError) as exc:
            problems.append(PipelineError(code, path.name, {"path": path.name, "detail": exc}))
            continue
        out += [(f"{path.name} entry {k}", e) for k, e in enumerate(entries, start=1)]
    return out, problems


def load_errata(folder: Path) -> tuple[list[Erratum], list[PipelineError]]:
    """All errata of a corpus; malformed files or entries come back as errors, not exceptions."""
    out: list[Erratum] = []
    entries, problems = entries_of(folder, "errata", "E206")
    for where, e in entries:
        missing = [f for f in REQUIRED if not isinstance(e, dict) or f not in e]
        if missing:
            problems.append(PipelineError("E206", where, {"path": where, "detail": f"missing {missing}"}))
            continue
        allowed = READING_FIELDS.get(e["table"])
        if allowed is None or not set(e["set"]) <= allowed:
            problems.append(PipelineError("E206", where, {
                "path": where, "detail": f"table {e['table']!r} takes readings {sorted(allowed or [])}, "
                                         f"not {sorted(e['set'])}"}))
            continue
        out.append(Erratum(where, str(e["document"]), e["table"], dict(e["match"]), dict(e["set"]),
                           str(e["reason"]), str(e["author"]), e.get("date")))
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


ID_COLUMNS = {"standards": "standard_id", "conversion_rates": "rate_id", "facts": "fact_id"}


def apply_errata(con, errata: list[Erratum], doc_ids: dict[str, str]) -> list[PipelineError]:
    """Set readings on the matching rows of a database being built; `doc_ids` maps file names to doc ids."""
    problems = []
    for e in errata:
        doc_id = doc_ids.get(e.document)
        id_col = ID_COLUMNS[e.table]
        rows = []
        if doc_id is not None:
            cur = con.execute(f'select * from "{e.table}" where doc_id = ?', [doc_id])
            cols = [d[0] for d in cur.description]
            rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        hits = [r[id_col] for r in rows if _matches(r, e.match)]
        if not hits:
            detail = f"document {e.document} is not in the corpus" if doc_id is None else f"no row matches {e.match}"
            problems.append(PipelineError("E205", e.source, {"where": e.source, "detail": detail}))
            continue
        for column, value in e.values.items():  # column names were checked against READING_FIELDS
            con.execute(f'update "{e.table}" set "{column}" = ?, erratum = ? where "{id_col}" in '
                        f'(select unnest(?))', [value, e.describe(), hits])
    return problems
