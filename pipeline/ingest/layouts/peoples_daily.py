"""People's Daily pages as archived with an English translation.

    Title: <English title>            header lines (Title/Author/Date/Page)
    <English headline and text>       translation
    <hr />
    Original:
    ### <Chinese headline>            page furniture: headline, date,
    1954-11-11                        第N版(), 专栏：
    第2版()
    专栏：
        <headline lines>              indented Chinese text: headline,
        （…通过）                     procedure lines, body, byline
        <body paragraphs>
                            （本报…记者站）
"""
from __future__ import annotations

import re

from pipeline.ingest.dates import find_date
from pipeline.ingest.layouts import Layout, register
from pipeline.ingest.layouts.common import (
    Line,
    apply_procedure_lines,
    has_cjk,
    issuer_from_title,
    lines,
    merged,
    source_name,
)
from pipeline.ingest.model import Metadata, Region

HEADER_RE = re.compile(r"^(Title|Author|Date|Page|Source|Column):\s*(.*)$")
PAGE_RE = re.compile(r"^第\s*(\d+)\s*版")
BYLINE_INDENT = 8
DEFAULT_SOURCE = "People's Daily (人民日报)"  # the layout is its archive's page form


@register("peoples_daily")
class PeoplesDailyReader:
    name = "peoples_daily"

    def detect(self, text: str) -> float:
        score = 0.0
        if re.search(r"^<hr\s*/?>\s*$", text, re.M):
            score += 0.4
        if re.search(r"^Original:\s*$", text, re.M):
            score += 0.3
        if re.search(r"^第\s*\d+\s*版", text, re.M):
            score += 0.2
        if re.search(r"^Title:", text):
            score += 0.1
        return score

    def read(self, text: str) -> Layout:
        meta = Metadata(source=source_name(text) or DEFAULT_SOURCE)
        regions: list[Region] = []
        all_lines = lines(text)
        i = 0
        # 1. header lines
        while i < len(all_lines) and (m := HEADER_RE.match(all_lines[i].stripped)):
            key, value = m.group(1), m.group(2).strip()
            if key == "Title" and value:
                meta.title_en = value
            elif key == "Date" and value:
                meta.date = find_date(value)[0]
            elif key == "Page" and value.isdigit():
                meta.page = int(value)
            i += 1
        if i:
            regions.append(Region("header", all_lines[0].start, all_lines[i - 1].end, "en"))
        hr = next((k for k in range(i, len(all_lines)) if re.match(r"^<hr\s*/?>$", all_lines[k].stripped)), None)
        en_lines = all_lines[i:hr] if hr is not None else []
        self._translation(en_lines, regions)
        # 2. page furniture after <hr />
        k = (hr + 1) if hr is not None else i
        zh_start = k
        while k < len(all_lines):
            s = all_lines[k].stripped
            if not s or s == "Original:":
                k += 1
                continue
            if s.startswith("#"):
                meta.title = s.lstrip("#").strip()
            elif (d := find_date(s)[0]) and len(s) <= 12:
                meta.date = meta.date or d
            elif m := PAGE_RE.match(s):
                meta.page = meta.page or int(m.group(1))
            elif s.startswith(("专栏", "專欄")):
                col = s.split("：", 1)[-1].split(":", 1)[-1].strip()
                meta.column = col or None
            else:
                break
            k += 1
        if k > zh_start:
            regions.append(Region("header", all_lines[zh_start].start, all_lines[k - 1].end))
        self._chinese(all_lines[k:], meta, regions)
        meta.languages = sorted({r.language for r in regions if r.kind in ("body", "translation", "headline")})
        if meta.title and not meta.issuer:
            meta.issuer = issuer_from_title(meta.title)
        return Layout(merged(regions, text), meta)

    @staticmethod
    def _translation(en: list[Line], regions: list[Region]) -> None:
        content = [ln for ln in en if not ln.blank]
        if not content:
            return
        # A first block without sentence punctuation is the English headline.
        first_block: list[Line] = []
        for ln in en:
            if ln.blank and first_block:
                break
            if not ln.blank:
                first_block.append(ln)
        if first_block and all(ln.stripped[-1] not in ".:;" and len(ln.stripped) < 200 for ln in first_block):
            regions.append(Region("headline", first_block[0].start, first_block[-1].end, "en"))
            content = [ln for ln in content if ln.start > first_block[-1].end]
        for ln in content:
            kind = "byline" if ln.indent >= BYLINE_INDENT and ln.stripped.startswith("(") else "translation"
            regions.append(Region(kind, ln.start + ln.indent, ln.end, "en"))

    @staticmethod
    def _chinese(body: list[Line], meta: Metadata, regions: list[Region]) -> None:
        body = [ln for ln in body if not ln.blank]
        # headline: leading lines without sentence punctuation
        n = 0
        while n < len(body) and has_cjk(body[n].text) and not any(c in body[n].stripped for c in "。，；") \
                and body[n].stripped[0] not in "(（":
            n += 1
        if n:
            regions.append(Region("headline", body[0].start + body[0].indent, body[n - 1].end))
            if not meta.title:
                meta.title = "  ".join(ln.stripped for ln in body[:n])
        rest = body[n:]
        used = apply_procedure_lines(rest, meta, regions)
        for j, ln in enumerate(rest):
            if j in used:
                continue
            s = ln.stripped
            if ln.indent >= BYLINE_INDENT and s[0] in "(（" and s[-1] in ")）":
                regions.append(Region("byline", ln.start + ln.indent, ln.end))
            else:
                regions.append(Region("body", ln.start, ln.end))
        if meta.date is None:
            meta.date = next((d for ln in rest[:3] if (d := find_date(ln.text)[0]) is not None), None)

