"""A document's dates where the text states them in its body rather than under its title.

When the layout reader found no date, the first of these that the text has is
its date:

1. a line recording a step of adoption, also as a Markdown heading
   (## （一九五三年十一月十九日政务院第一百九十四次政务会议通过）): also sets
   `adopted`/`approved`;
2. a line that is only a date in brackets (## （1960年5月17日））;
3. a signature line: an organ or a name, then a date (中央1955年10月10日,
   中央粮食部一九五三年七月二十五日, 一九六一年十一月二十九日); a date without
   its year (中央农村工作部9月7日) takes the year of the nearest full date of
   the text;
4. a source line naming the print it was taken from (根据一九五六年九月十三日
   《人民日报》刊印, 来源：1955年3月31日…《内部参考》); a wire dateline with the day
   only (【热河分社二十二日讯】) takes its month and year from it.

The first signature wins, not the last: a forwarded text is dated by the note
that forwards it (中共中央批转…: 中央1955年10月10日, not the report's own date).
"""
from __future__ import annotations

import re
from datetime import date

from pipeline import vocab
from pipeline.ingest.dates import DATE_RE, ISO_RE, find_date, parse_date_match, small_number
from pipeline.ingest.layouts.common import lines, procedure_step
from pipeline.ingest.model import Metadata

SIGNATURE_MAX = 32  # a signature line is short: an organ or a name, and a date
MONTH_DAY_RE = re.compile(r"(?P<m>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
                          r"(?P<d>[0-9０-９]{1,2}|[一二三四五六七八九十廿卅]{1,3})\s*[日号]$")
TRAILING_NOTE_RE = re.compile(r"\s*[（(][^（()）]{1,40}[)）]$")
WIRE_DAY_RE = re.compile(r"【[^】]{0,20}?(?P<d>[一二三四五六七八九十廿卅]{1,3}|[0-9]{1,2})日\s*[电讯]】")


def _clean(line: str) -> str:
    return line.strip().lstrip("#").strip().strip("　 ")


def _is_source(simp: str) -> bool:
    return any(simp.lstrip("·• ").startswith(w) for w in vocab.words("documents", "source_openers")) or any(
        w in simp for w in vocab.words("documents", "print_words"))


SOURCE_LABEL_RE = re.compile(r"^[·• ]*[^：:]{1,6}[：:]\s*")


def source_line(text: str) -> str | None:
    """Where the copy says it comes from, from a line near its end that opens with a source word (来源：根据
    《中共北京市委重要文件汇编》刊印 → 根据《中共北京市委重要文件汇编》刊印), or None."""
    tail = [_clean(ln.text) for ln in lines(text) if ln.text.strip()][-8:]
    openers = vocab.words("documents", "source_openers")
    for k in range(len(tail) - 1, -1, -1):
        line = tail[k]
        simp = vocab.simplified(line).lstrip("·• ")
        if any(simp.startswith(w) and simp[len(w):len(w) + 1] in ("：", ":") for w in openers):  # a label: 来源：
            rest = SOURCE_LABEL_RE.sub("", line, count=1).strip()
            if not rest and k + 1 < len(tail):  # · 来源： and the source on the line below
                rest = tail[k + 1].lstrip("·• ").strip()
            return rest or None
    return None


def read_body_dates(text: str, meta: Metadata) -> dict[str, str]:
    """Fill meta.date (and adopted/approved) from the body; return which fields were set and how."""
    found: dict[str, str] = {}
    all_lines = [_clean(ln.text) for ln in lines(text) if ln.text.strip()]
    simp_lines = [vocab.simplified(s) for s in all_lines]
    years = [d.year for d in (_full_date(s) for s in all_lines if "年" in s) if d]
    candidates: list[tuple[int, date, str]] = []  # (priority, date, how)
    for s in all_lines[:12]:
        if step := procedure_step(s):
            kind, d = step
            field = "date" if kind == "promulgated" else kind
            if getattr(meta, field) is None:
                setattr(meta, field, d)
                found[field] = "procedure line"
            candidates.append((1, d, "procedure line"))
        elif s[:1] in "（(" and s[-1:] in "）)" and (d := _full_date(s[1:-1])) and _starts_with_date(s[1:-1]):
            candidates.append((2, d, "dated line"))
    for s, simp in zip(all_lines, simp_lines, strict=True):
        s = TRAILING_NOTE_RE.sub("", s)  # 甘肃省委1962年5月5日(甘肃省档案馆91—4—1090卷): the archive's note
        if len(s) <= SIGNATURE_MAX and s[-1:] in "日号" and not _is_source(simp):
            if d := _full_date(s):
                if _ends_with_date(s):
                    candidates.append((3, d, "signature line"))
                    break
            elif (m := MONTH_DAY_RE.search(s)) and years:
                try:
                    signed = date(max(years), small_number(m.group("m")), small_number(m.group("d")))
                    candidates.append((3, signed, "signature line"))
                    break
                except ValueError:
                    pass
    for s, simp in zip(all_lines, simp_lines, strict=True):
        if _is_source(simp) and (d := _full_date(s)):
            candidates.append((4, d, "source line"))
            wire = next((m for m in (WIRE_DAY_RE.search(x) for x in simp_lines[:6]) if m), None)
            if wire:
                day = small_number(wire.group("d"))
                try:
                    candidates.append((3, date(d.year, d.month, day) if day <= d.day else d, "wire dateline"))
                except ValueError:
                    pass
            break
    if meta.date is None and candidates:
        _, d, how = min(candidates, key=lambda c: c[0])
        meta.date = d
        found["date"] = how
    return found


def _full_date(s: str) -> date | None:
    d, m = find_date(s)
    if d is None or m is None or (m.re is DATE_RE and not m.group("d")):
        return None  # a month alone (1955年第8期) is no full date
    return d


def _starts_with_date(s: str) -> bool:
    d, m = find_date(s)
    return m is not None and m.start() == 0


def _ends_with_date(s: str) -> bool:
    m = None
    for rx in (DATE_RE, ISO_RE):
        for m2 in rx.finditer(s):
            m = m2
    return m is not None and s[m.end():].strip() == "" and (m.re is ISO_RE or bool(m.group("d"))) and (
        m.re is ISO_RE or parse_date_match(m) is not None)
