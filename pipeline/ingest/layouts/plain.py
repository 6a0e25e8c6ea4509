"""Plain text: an optional title line, optional date/issuer/procedure lines, the body.

The fallback reader: it accepts any text.
"""
from __future__ import annotations

from pipeline.ingest.dates import find_date
from pipeline.ingest.layouts import Layout, register
from pipeline.ingest.layouts.common import (
    apply_procedure_lines,
    dated_step,
    has_cjk,
    issuer_from_label,
    issuer_from_title,
    lines,
    looks_like_title,
    merged,
)
from pipeline.ingest.model import Metadata, Region
from pipeline.markers import starts_with_marker


def read_plain(text: str, title_prefix: str = "") -> Layout:
    """Shared by the plain and Markdown readers; `title_prefix` is stripped from the title line."""
    meta = Metadata()
    regions: list[Region] = []
    content = [ln for ln in lines(text) if not ln.blank]
    k = 0
    if content:
        first = content[0].stripped
        candidate = first[len(title_prefix):].strip() if title_prefix and first.startswith(title_prefix) else first
        if looks_like_title(candidate) and not starts_with_marker(candidate) and len(content) > 1:
            meta.title = candidate
            skip = len(content[0].text) - len(content[0].text.lstrip(" \t\u3000#"))  # indent and Markdown hashes
            regions.append(Region("headline", content[0].start + skip, content[0].end))
            k = 1
    # furniture right after the title: a date line, an issuer line, procedure lines
    while k < len(content):
        s = content[k].stripped
        if (issuer := issuer_from_label(s)) is not None:
            meta.issuer = issuer
        elif (d := find_date(s)[0]) and len(s) <= 16:
            meta.date = meta.date or d
        elif step := dated_step(s):  # 一九五六年三月十日浙江省人民委員會發布: a date, an organ, a step
            kind, d, organ = step
            setattr(meta, "date" if kind == "promulgated" else kind, d)
            meta.date = meta.date or d
            meta.issuer = meta.issuer or organ
        else:
            break
        regions.append(Region("header", content[k].start, content[k].end))
        k += 1
    rest = content[k:]
    used = apply_procedure_lines(rest, meta, regions)
    for j, ln in enumerate(rest):
        if j not in used:  # a line of Latin script is a translation's (an English rendering beside the text)
            english = has_cjk(text) and not has_cjk(ln.stripped) and any(c.isalpha() for c in ln.stripped)
            regions.append(Region("translation", ln.start, ln.end, "en") if english
                           else Region("body", ln.start, ln.end))
    if meta.title and not meta.issuer:
        meta.issuer = issuer_from_title(meta.title)
    langs = {"zh"} if has_cjk(text) else set()
    if any(r.language == "en" for r in regions) or not has_cjk(text) and text.strip():
        langs.add("en")
    meta.languages = sorted(langs)
    return Layout(merged(regions, text), meta)


@register("plain")
class PlainReader:
    name = "plain"

    def detect(self, text: str) -> float:
        return 0.05

    def read(self, text: str) -> Layout:
        return read_plain(text)
