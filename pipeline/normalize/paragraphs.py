"""Where a paragraph ends: blank lines, indentation, markers, table rows.

A region follows one of three conventions, read from its lines:
- `indent`: paragraphs start with an indented line (People's Daily);
- `blank`: paragraphs are separated by blank lines and a single line break
  is a hard wrap (Wikisource copies, re-wrapped files);
- `line`: no blank lines and no indentation: a line that closes a sentence
  (or is a short heading) ends its paragraph; a line that stops mid-sentence
  was wrapped.
In every convention a table row (a line of short tokens or numbers separated
by spaces) stands alone, and a line starting with a structural marker
(第N條, （一）, 註：) after a line that closed a sentence starts a paragraph.
"""
from __future__ import annotations

import re

from pipeline.chars import CJK_RE, Line
from pipeline.crops import is_names_run
from pipeline.markers import CHAPTER_RE, starts_with_marker

CLOSERS = "。；：:;！？!?）)」』”"
NUMBER_TOKEN = re.compile(r"^-?[0-9０-９][0-9０-９.,，．。/]*%?$")
HEADING_MAX = 16


FLATTENED_GAP = re.compile(r"\S(?: {3,}|\u3000{2,})\S")


def is_flattened_table(text: str) -> bool:
    """A whole table flattened onto one line: cells apart by one space, rows by three or more,
    and mostly numbers (项目 1952年实际 1957年计划   总计 827.1 1,249.9   工业 270.1 535.6)."""
    if len(FLATTENED_GAP.findall(text)) < 2:
        return False
    tokens = text.split()
    numbers = sum(1 for t in tokens if NUMBER_TOKEN.match(t) or t in ("—", "-", "－"))
    return numbers >= 6 and numbers >= 0.4 * len(tokens)


def is_table_row(text: str) -> bool:
    """A line of short CJK tokens or numbers separated by spaces.

    Three or more tokens (大 麥 大 豆 …, 120 140 90), a grid row of a name
    and a number (小麥 110), a whole table flattened onto one line, or crop
    names run together (大麥大豆大麥蕎麥高粱玉米栗子: the crop vocabulary).
    """
    tokens = text.split()
    if len(tokens) == 1 and is_names_run(text):
        return True  # a row of crop names run together (大麥大豆大麥蕎麥…)
    if len(tokens) < 2 or starts_with_marker(text):
        return False
    if is_flattened_table(text):
        return True
    numbers = 0
    for tok in tokens:
        if NUMBER_TOKEN.match(tok):
            numbers += 1
            continue
        if len(tok) > 4 or not all(CJK_RE.match(c) for c in tok):
            return False
    return len(tokens) >= 3 or 0 < numbers < len(tokens)


def _convention(region_lines: list[Line]) -> str:
    content = [ln for ln in region_lines if not ln.blank]
    if not content:
        return "line"
    indented = sum(1 for ln in content if ln.indent >= 2)
    if indented >= 2 and indented >= 0.3 * len(content):
        return "indent"
    first = next(i for i, ln in enumerate(region_lines) if not ln.blank)
    last = max(i for i, ln in enumerate(region_lines) if not ln.blank)
    if any(ln.blank for ln in region_lines[first:last]):
        return "blank"
    return "line"


def _is_heading(text: str) -> bool:
    t = text.strip()
    return bool(CHAPTER_RE.match(t)) or (len(t) <= HEADING_MAX and t[-1:] not in CLOSERS + "，,")


def split_paragraphs(region_lines: list[Line]) -> list[tuple[list[Line], bool]]:
    """Group a region's lines into paragraphs; each with a flag: is it a table row."""
    convention = _convention(region_lines)
    groups: list[tuple[list[Line], bool]] = []
    current: list[Line] = []
    after_blank = True

    def close() -> None:
        nonlocal current
        if current:
            groups.append((current, False))
            current = []

    for ln in region_lines:
        if ln.blank:
            if convention != "indent" or current:
                after_blank = True
            close() if convention in ("blank", "indent") else None
            continue
        s = ln.stripped
        if is_table_row(s):
            close()
            groups.append(([ln], True))
            after_blank = False
            continue
        prev_text = current[-1].stripped if current else ""
        starts_new = (
            after_blank
            or (convention == "line" and (not prev_text or prev_text[-1] in CLOSERS or _is_heading(prev_text)))
            or (convention == "indent" and ln.indent >= 2)
            or (groups and groups[-1][1] and not current)  # right after a table row
            or (starts_with_marker(s) and (not prev_text or prev_text[-1] in CLOSERS or _is_heading(prev_text)))
        )
        if starts_new:
            close()
        current.append(ln)
        after_blank = False
    close()
    return groups
